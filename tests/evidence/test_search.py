"""Search on the suite's database (SQLite by default, PostgreSQL in CI): the same library, the
same queries and the same answers on both. tests/evidence/test_fts.py runs the SQLite index on
its own SQLite database too, so CI on PostgreSQL covers both."""

import pytest
from django.db import connection

from evidence import services
from evidence.models import EvidenceItem, Kind, Status
from evidence.selectors import PAGE_SIZE, Filters, evidence_matching, evidence_search
from tests.evidence.factories import EvidenceItemFactory, TopicFactory


@pytest.fixture
def library(db):
    medicines = TopicFactory(slug="medicines", name="Medicines")
    imaging = TopicFactory(slug="imaging", name="Imaging")
    return {
        "paracetamol": EvidenceItemFactory(
            title="Paracetamol for acute low back pain",
            summary="No better than placebo for pain in three trials.",
            kind=Kind.SYSTEMATIC_REVIEW,
            topics=[medicines],
        ),
        "opioids": EvidenceItemFactory(
            title="Opioids for chronic low back pain",
            summary="Small short-term benefit; paracetamol was not studied here.",
            kind=Kind.SYSTEMATIC_REVIEW,
            topics=[medicines],
        ),
        "scans": EvidenceItemFactory(
            title="Scan findings in people without pain",
            summary="Disc degeneration is common with age.",
            kind=Kind.SYSTEMATIC_REVIEW,
            topics=[imaging],
        ),
        "draft": EvidenceItemFactory(
            title="Paracetamol draft note", status=Status.DRAFT, kind=Kind.GUIDELINE
        ),
    }


@pytest.fixture
def vocabulary(db):
    """One item per way the field names a thing, none sharing a word with another's synonyms."""
    return {
        "myth": EvidenceItemFactory(
            title="Myth: rest in bed until it settles",
            kind=Kind.MYTH,
            myth="Rest in bed until the pain goes.",
            myth_evidence="Keeping active is slightly better.",
        ),
        "xray": EvidenceItemFactory(title="An X-ray rarely changes management"),
        "mri": EvidenceItemFactory(title="Early MRI and work absence"),
        "physiotherapy": EvidenceItemFactory(title="Physiotherapy-led exercise classes"),
        "physio": EvidenceItemFactory(title="First contact physio in general practice"),
        "cbt": EvidenceItemFactory(title="CBT delivered by telephone"),
        "cognitive": EvidenceItemFactory(title="Cognitive behavioural therapy for chronic pain"),
        "slipped": EvidenceItemFactory(title="A slipped disc is not a life sentence"),
        "herniation": EvidenceItemFactory(title="Disc herniations often regress"),
        "painkillers": EvidenceItemFactory(title="Painkillers at the pharmacy"),
        "analgesics": EvidenceItemFactory(title="Analgesics in older adults"),
    }


def _titles(search):
    return [result.item.title for result in search.results]


def _found(user, q):
    return {result.item.pk for result in evidence_search(user=user, filters=Filters(q=q)).results}


def test_the_search_runs_on_the_database_the_suite_uses():
    assert connection.vendor in {"sqlite", "postgresql"}


def test_a_query_finds_matching_published_items_only(library, member_a):
    search = evidence_search(user=member_a, filters=Filters(q="paracetamol"))
    assert set(_titles(search)) == {
        "Paracetamol for acute low back pain",
        "Opioids for chronic low back pain",
    }


def test_a_curator_also_finds_drafts(library, lead):
    search = evidence_search(user=lead, filters=Filters(q="paracetamol"))
    assert "Paracetamol draft note" in _titles(search)


def test_a_plural_finds_the_singular_and_other_word_forms(vocabulary, library, member_a):
    assert _found(member_a, "myths") == {vocabulary["myth"].pk}
    assert _found(member_a, "trial") == {library["paracetamol"].pk}
    assert _found(member_a, "settling") == {vocabulary["myth"].pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("x-ray", {"xray", "mri"}),
        ("X ray", {"xray", "mri"}),
        ("imaging", {"xray", "mri"}),
        ("MRI scans", {"xray", "mri"}),
        ("physio", {"physio", "physiotherapy"}),
        ("physiotherapy", {"physio", "physiotherapy"}),
        ("CBT", {"cbt", "cognitive"}),
        ("cognitive behavioural therapy", {"cbt", "cognitive"}),
        ("slipped disc", {"slipped", "herniation"}),
        ("disc herniation", {"slipped", "herniation"}),
        ("painkillers", {"painkillers", "analgesics"}),
        ("analgesics", {"painkillers", "analgesics"}),
    ],
)
def test_a_term_finds_its_synonyms(vocabulary, member_a, query, expected):
    assert _found(member_a, query) == {vocabulary[name].pk for name in expected}


def test_a_multi_word_synonym_matches_only_as_a_phrase(db, member_a):
    EvidenceItemFactory(title="Disc height and a slipped kerb")
    assert _found(member_a, "slipped disc") == set()


def test_every_word_must_match(vocabulary, member_a):
    assert _found(member_a, "physio telephone") == set()
    assert _found(member_a, "cbt telephone") == {vocabulary["cbt"].pk}


def test_a_title_match_ranks_above_a_summary_match(library, member_a):
    search = evidence_search(user=member_a, filters=Filters(q="paracetamol"))
    assert _titles(search) == [
        "Paracetamol for acute low back pain",
        "Opioids for chronic low back pain",
    ]
    assert search.results[0].rank > search.results[1].rank > 0


def test_what_was_typed_ranks_above_a_synonym(db, member_a):
    EvidenceItemFactory(title="MRI findings", summary="Findings on MRI.")
    EvidenceItemFactory(title="Imaging findings", summary="Findings on imaging.")
    search = evidence_search(user=member_a, filters=Filters(q="imaging"))
    assert _titles(search) == ["Imaging findings", "MRI findings"]
    assert search.synonyms == ["x-ray", "xray", "scan", "MRI", "radiograph"]


def test_more_mentions_rank_higher(db, member_a):
    EvidenceItemFactory(title="Exercise", summary="Exercise helps; exercise of any kind.")
    EvidenceItemFactory(title="Advice", summary="Exercise helps.")
    search = evidence_search(user=member_a, filters=Filters(q="exercise"))
    assert _titles(search) == ["Exercise", "Advice"]


def test_results_say_why_they_matched_and_mark_the_match(library, member_a):
    search = evidence_search(user=member_a, filters=Filters(q="degeneration"))
    (result,) = search.results
    assert result.matched == ["summary"]
    assert ("degeneration", True) in result.snippet
    assert result.title == [("Scan findings in people without pain", False)]


def test_matches_in_the_title_are_marked_whole(vocabulary, member_a):
    search = evidence_search(user=member_a, filters=Filters(q="x-ray"))
    marked = {result.item.pk: result.title for result in search.results}
    assert marked[vocabulary["xray"].pk] == [
        ("An ", False),
        ("X-ray", True),
        (" rarely changes management", False),
    ]
    assert ("MRI", True) in marked[vocabulary["mri"].pk]


def test_a_myth_matches_in_its_myth_and_evidence(vocabulary, member_a):
    search = evidence_search(user=member_a, filters=Filters(q="active"))
    (result,) = search.results
    assert result.matched == ["myth and evidence"]
    assert ("active", True) in result.snippet


def test_markup_in_items_and_queries_stays_text(db, member_a):
    EvidenceItemFactory(title="<b>Bold</b> claims", summary="Beware <i>alert</i> & <u>panic</u>.")
    search = evidence_search(user=member_a, filters=Filters(q="bold alert"))
    (result,) = search.results
    assert result.title == [("<b>", False), ("Bold", True), ("</b> claims", False)]
    assert ("alert", True) in result.snippet


def test_filters_narrow_by_topic_and_type(library, lead):
    by_topic = evidence_search(user=lead, filters=Filters(topic="imaging"))
    assert _titles(by_topic) == ["Scan findings in people without pain"]
    by_kind = evidence_search(user=lead, filters=Filters(kind=Kind.GUIDELINE))
    assert _titles(by_kind) == ["Paracetamol draft note"]
    by_status = evidence_search(user=lead, filters=Filters(status=Status.DRAFT))
    assert _titles(by_status) == ["Paracetamol draft note"]


def test_a_query_that_matches_nothing_returns_nothing(library, member_a):
    assert evidence_search(user=member_a, filters=Filters(q="acupuncture")).results == []


@pytest.mark.parametrize(
    "query",
    ['"', "pain*", "NEAR(pain back)", "-pain", "title:pain", "'; DROP TABLE x; --", "a" * 5000],
)
def test_a_hostile_query_is_searched_as_words(library, member_a, query):
    search = evidence_search(user=member_a, filters=Filters(q=query))
    assert search.count == len(search.results)
    assert "Paracetamol draft note" not in _titles(search)


def test_search_syntax_is_searched_as_words(db, member_a):
    item = EvidenceItemFactory(title="NEAR and NOT in a title")
    assert _found(member_a, "near not") == {item.pk}
    assert _found(member_a, "NEAR(not)") == {item.pk}


def test_results_come_in_pages_of_twenty_in_rank_order(db, member_a):
    for n in range(PAGE_SIZE + 5):
        EvidenceItemFactory(title=f"Back pain item {n:02d}", summary="back " * (n % 3))
    first = evidence_search(user=member_a, filters=Filters(q="back"), page="1")
    second = evidence_search(user=member_a, filters=Filters(q="back"), page="2")
    assert first.count == PAGE_SIZE + 5
    assert len(first.results) == PAGE_SIZE and len(second.results) == 5
    ranks = [r.rank for r in first.results + second.results]
    assert ranks == sorted(ranks, reverse=True)
    assert not {r.item.pk for r in first.results} & {r.item.pk for r in second.results}


def test_a_page_beyond_the_last_or_not_a_number_shows_a_real_page(library, member_a):
    assert evidence_search(user=member_a, filters=Filters(), page="99").page.number == 1
    assert evidence_search(user=member_a, filters=Filters(), page="x").page.number == 1


def test_the_one_search_function_narrows_any_queryset(vocabulary):
    published = EvidenceItem.objects.filter(status=Status.PUBLISHED)
    found = evidence_matching(published, q="myths")
    assert list(found) == [vocabulary["myth"]]
    assert evidence_matching(published, q="the of").count() == 0


def test_an_item_saved_through_the_services_is_found_at_once(db, lead):
    item = services.evidence_create(
        curator=lead,
        kind=Kind.TRIAL,
        title="Graded activity",
        summary="Walking programmes.",
        citation="Trial 2021",
        url="https://example.org/t",
    )
    assert evidence_matching(EvidenceItem.objects.all(), q="walk").get() == item
    services.evidence_update(item=item, by=lead, version=item.version, title="Graded exposure")
    assert not evidence_matching(EvidenceItem.objects.all(), q="activity").exists()
    assert evidence_matching(EvidenceItem.objects.all(), q="exposure").get() == item
