import pytest

from qiproject.text import and_list


@pytest.mark.parametrize(
    ("names", "said"),
    [
        ([], ""),
        (["Castle Lane Surgery"], "Castle Lane Surgery"),
        (
            ["Castle Lane Surgery", "Mill Road Practice"],
            "Castle Lane Surgery and Mill Road Practice",
        ),
        (["A", "B", "C"], "A, B and C"),
    ],
)
def test_names_are_joined_as_english_says_them(names, said):
    assert and_list(names) == said
