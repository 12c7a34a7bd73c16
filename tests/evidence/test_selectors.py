from evidence import selectors
from tests.evidence.factories import EvidenceItemFactory


def test_the_history_lists_each_version_with_what_it_changed(db):
    item = EvidenceItemFactory(title="First")
    for title in ["Second", "Third", "Fourth"]:
        item.title = title
        item.save()
    item.summary = "New summary"
    item.save()

    changes = selectors.evidence_history(item=item)

    assert [entry["record"].title for entry in changes] == [
        "Fourth",
        "Fourth",
        "Third",
        "Second",
        "First",
    ]
    assert [entry["changed"] for entry in changes] == [
        ["summary"],
        ["title"],
        ["title"],
        ["title"],
        [],
    ]
