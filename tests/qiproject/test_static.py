from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.mark.parametrize("path", sorted(STATIC.glob("css/*.css")), ids=lambda p: p.name)
def test_our_stylesheets_have_balanced_braces(path):
    # An unclosed rule makes the browser drop every rule after it, silently.
    depth = 0
    for character in path.read_text():
        depth += {"{": 1, "}": -1}.get(character, 0)
        assert depth >= 0, f"{path.name} closes a rule it never opened"
    assert depth == 0, f"{path.name} leaves {depth} rule(s) open"
