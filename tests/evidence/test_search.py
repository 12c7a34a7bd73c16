"""Search runs on both databases; ranking is PostgreSQL's and is tested only there."""

import pytest
from django.db import connection

from evidence.models import Kind, Status
from evidence.selectors import Filters, evidence_search
from tests.evidence.factories import EvidenceItemFactory, TopicFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking and the GIN index are PostgreSQL features"
)


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


def _titles(results):
    return [result.item.title for result in results]


def test_a_query_finds_matching_published_items_only(library, member_a):
    results = evidence_search(user=member_a, filters=Filters(q="paracetamol"))
    assert set(_titles(results)) == {
        "Paracetamol for acute low back pain",
        "Opioids for chronic low back pain",
    }


def test_a_curator_also_finds_drafts(library, lead):
    results = evidence_search(user=lead, filters=Filters(q="paracetamol"))
    assert "Paracetamol draft note" in _titles(results)


def test_results_say_why_they_matched(library, member_a):
    results = {
        r.item.title: r for r in evidence_search(user=member_a, filters=Filters(q="degeneration"))
    }
    result = results["Scan findings in people without pain"]
    assert result.matched == ["summary"]
    assert "<mark>" in result.snippet.lower()


def test_a_title_match_ranks_above_a_summary_match(library, member_a):
    results = evidence_search(user=member_a, filters=Filters(q="paracetamol"))
    assert _titles(results)[0] == "Paracetamol for acute low back pain"


def test_filters_narrow_by_topic_and_type(library, lead):
    by_topic = evidence_search(user=lead, filters=Filters(topic="imaging"))
    assert _titles(by_topic) == ["Scan findings in people without pain"]
    by_kind = evidence_search(user=lead, filters=Filters(kind=Kind.GUIDELINE))
    assert _titles(by_kind) == ["Paracetamol draft note"]
    by_status = evidence_search(user=lead, filters=Filters(status=Status.DRAFT))
    assert _titles(by_status) == ["Paracetamol draft note"]


def test_a_query_that_matches_nothing_returns_nothing(library, member_a):
    assert evidence_search(user=member_a, filters=Filters(q="acupuncture")) == []


def test_markup_in_a_query_is_not_echoed_as_html(library, member_a):
    results = evidence_search(user=member_a, filters=Filters(q="<b>pain</b>"))
    assert all("<b>" not in result.snippet for result in results)


@postgresql_only
def test_postgresql_matches_word_forms_and_ranks_by_relevance(library, member_a):
    results = evidence_search(user=member_a, filters=Filters(q="trial"))
    assert _titles(results) == ["Paracetamol for acute low back pain"]
    assert results[0].rank > 0
    ranked = evidence_search(user=member_a, filters=Filters(q="paracetamol pain"))
    assert ranked[0].rank >= ranked[-1].rank


@postgresql_only
def test_postgresql_has_the_full_text_gin_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'evidence_item_search'")
        (definition,) = cursor.fetchone()
    assert "USING gin" in definition
    assert "to_tsvector" in definition
