import pytest

from evidence import demo
from evidence.models import EvidenceItem, Kind, Status
from evidence.selectors import evidence_matching


def test_the_demo_library_is_published_and_seeding_twice_changes_nothing(programme, lead):
    demo.seed(programme)
    count = EvidenceItem.objects.count()
    history = EvidenceItem.history.count()
    demo.seed(programme)
    assert EvidenceItem.objects.count() == count
    assert EvidenceItem.history.count() == history
    assert not EvidenceItem.objects.exclude(status=Status.PUBLISHED).exists()


def test_the_demo_has_the_ten_myths_six_statements_and_the_cochrane_reviews(programme, lead):
    demo.seed(programme)
    assert EvidenceItem.objects.filter(key__startswith="myth-").count() == 10
    assert EvidenceItem.objects.filter(kind=Kind.QUALITY_STATEMENT).count() == 6
    keys = set(EvidenceItem.objects.values_list("key", flat=True))
    assert {"cochrane-paracetamol", "cochrane-opioids", "cochrane-bed-rest", "start-back"} <= keys


def test_unconfirmed_recommendation_numbers_are_left_out(programme, lead):
    demo.seed(programme)
    numbered = EvidenceItem.objects.filter(kind=Kind.RECOMMENDATION, title__regex=r"^NG59 \d")
    confirmed = {"1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.2.1", "1.2.2"}
    assert {
        title.split()[1].rstrip(":") for title in numbered.values_list("title", flat=True)
    } == confirmed


def test_every_demo_item_cites_and_links_its_source(programme, lead):
    demo.seed(programme)
    for item in EvidenceItem.objects.all():
        assert item.citation
        assert item.source_link.startswith("https://")


@pytest.mark.parametrize(
    ("query", "at_least"),
    [("myths", 10), ("x-ray", 2), ("physiotherapy", 2), ("painkillers", 1), ("CBT", 1)],
)
def test_searching_the_demo_library_finds_what_a_reader_means(programme, lead, query, at_least):
    demo.seed(programme)
    found = evidence_matching(EvidenceItem.objects.all(), q=query)
    assert found.count() >= at_least
