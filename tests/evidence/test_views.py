from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.models import EvidenceItem, Kind, Status
from tests.evidence.factories import EvidenceItemFactory, TopicFactory


@pytest.fixture
def item(db):
    return EvidenceItemFactory(
        title="Paracetamol for back pain", summary="**No better** than placebo."
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, item):
    for url in (reverse("evidence:list"), reverse("evidence:detail", args=[item.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response.url


def test_a_practice_member_reads_a_published_item_with_sanitised_markdown(login, member_a, item):
    response = login(member_a).get(reverse("evidence:detail", args=[item.pk]))
    assert response.status_code == 200
    assert "<strong>No better</strong>" in response.content.decode()


def test_draft_and_retired_items_are_404_to_practice_users(login, member_a, patient_rep):
    draft = EvidenceItemFactory(status=Status.DRAFT)
    retired = EvidenceItemFactory(status=Status.RETIRED, retired_reason="Superseded")
    for user in (member_a, patient_rep):
        client = login(user)
        for hidden in (draft, retired):
            assert client.get(reverse("evidence:detail", args=[hidden.pk])).status_code == 404


def test_practice_users_cannot_curate(login, member_a, facilitator, item):
    for user in (member_a, facilitator):
        client = login(user)
        assert client.get(reverse("evidence:create")).status_code == 404
        assert client.get(reverse("evidence:edit", args=[item.pk])).status_code == 404
        assert client.post(reverse("evidence:publish", args=[item.pk])).status_code == 404
        response = client.post(reverse("evidence:retire", args=[item.pk]), {"retired_reason": "x"})
        assert response.status_code == 404
        assert client.get(reverse("evidence:history", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_a_lead_creates_publishes_and_retires_an_item(login, lead, member_a):
    topic = TopicFactory(slug="medicines", name="Medicines")
    client = login(lead)
    response = client.post(
        reverse("evidence:create"),
        {
            "kind": Kind.SYSTEMATIC_REVIEW,
            "title": "Opioids for chronic back pain",
            "summary": "Small short-term benefit.",
            "citation": "Chaparro 2013",
            "doi": "10.1002/14651858.CD004959.pub4",
            "strength": "moderate",
            "clinical_topic": "Low back pain",
            "topics": [topic.pk],
        },
    )
    item = EvidenceItem.objects.get(title="Opioids for chronic back pain")
    assert response.status_code == 302
    assert item.status == Status.DRAFT
    assert login(member_a).get(reverse("evidence:detail", args=[item.pk])).status_code == 404

    login(lead).post(reverse("evidence:publish", args=[item.pk]))
    assert login(member_a).get(reverse("evidence:detail", args=[item.pk])).status_code == 200

    login(lead).post(reverse("evidence:retire", args=[item.pk]), {"retired_reason": "Superseded"})
    item.refresh_from_db()
    assert item.status == Status.RETIRED
    history = login(lead).get(reverse("evidence:history", args=[item.pk]))
    assert "Retired: Superseded" in history.content.decode()


def test_staff_can_edit_an_item(login, staff, item):
    data = {
        "kind": item.kind,
        "title": "Paracetamol alone for back pain",
        "summary": item.summary,
        "citation": item.citation,
        "url": item.url,
        "strength": item.strength,
        "clinical_topic": item.clinical_topic,
        "version": item.version,
    }
    response = login(staff).post(reverse("evidence:edit", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Paracetamol alone for back pain"


def test_a_validation_error_shows_next_to_its_field_and_keeps_the_version(login, lead, item):
    opened_at = item.version
    data = {
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "citation": item.citation,
        "url": item.url,
        "strength": item.strength,
        "clinical_topic": item.clinical_topic,
        "published_on": "2999-01-01",
        "version": opened_at,
    }
    response = login(lead).post(reverse("evidence:edit", args=[item.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "published_on" in form.errors
    assert form.non_field_errors() == []
    assert form["version"].value() == str(opened_at)
    assert "saved this after you opened it" not in response.content.decode()


def test_editing_an_item_keeps_its_dates(login, lead):
    item = EvidenceItemFactory(published_on=date(2011, 10, 29), next_review_on=date(2027, 10, 29))
    page = login(lead).get(reverse("evidence:edit", args=[item.pk])).content.decode()
    assert 'value="2011-10-29"' in page and 'value="2027-10-29"' in page


def test_a_stale_edit_shows_the_newer_version_and_keeps_the_typed_text(login, lead, item):
    data = {
        "kind": item.kind,
        "title": item.title,
        "summary": "My careful rewrite",
        "citation": item.citation,
        "url": item.url,
        "strength": item.strength,
        "clinical_topic": item.clinical_topic,
        "version": item.version - 1 if item.version > 1 else 0,
    }
    response = login(lead).post(reverse("evidence:edit", args=[item.pk]), data)
    content = response.content.decode()
    assert response.status_code == 409
    assert "saved this after you opened it" in content
    assert "My careful rewrite" in content
    assert "No better" in content


def test_searching_shows_why_each_result_matched(login, member_a, item):
    response = login(member_a).get(reverse("evidence:list"), {"q": "placebo"})
    content = response.content.decode()
    assert "Paracetamol for back pain" in content
    assert "Matched in summary" in content


def _library_page(client, params):
    """The page, with the number of queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("evidence:list"), params)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_library_page_runs_the_same_queries_whatever_the_library_size(login, member_a):
    topics = [TopicFactory(slug=f"t{n}", name=f"T{n}") for n in range(3)]
    client = login(member_a)
    counts = []
    for total in (25, 70):
        while EvidenceItem.objects.count() < total:
            EvidenceItemFactory(
                title=f"Back pain item {EvidenceItem.objects.count()}", topics=topics
            )
        searched, searched_queries = _library_page(client, {"q": "back"})
        listed, listed_queries = _library_page(client, {"page": "2"})
        assert searched.count("<mark>Back</mark> pain item") == 20
        assert listed.count("Back pain item") == min(20, total - 20)
        counts.append((searched_queries, listed_queries))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 10


def test_page_links_keep_the_query_and_filters(login, member_a):
    for n in range(45):
        EvidenceItemFactory(title=f"Back pain item {n}", kind=Kind.TRIAL)
    content = login(member_a).get(
        reverse("evidence:list"), {"q": "back", "kind": Kind.TRIAL, "page": "2"}
    )
    page = content.content.decode()
    assert '<nav aria-label="Pages of results">' in page
    assert "Showing 21 to 40, page 2 of 3." in page
    assert 'href="?q=back&amp;kind=trial&amp;page=3"' in page
    assert 'rel="prev" href="?q=back&amp;kind=trial&amp;page=1"' in page
    assert 'aria-current="page" href="?q=back&amp;kind=trial&amp;page=2"' in page


def test_one_page_of_results_has_no_page_links(login, member_a, item):
    page = login(member_a).get(reverse("evidence:list"), {"q": "paracetamol"}).content.decode()
    assert "Pages of results" not in page
    assert "1 item for “paracetamol”." in page


def test_marked_matches_escape_the_stored_and_typed_text(login, member_a):
    EvidenceItemFactory(title="<script>alert(1)</script> Back pain", summary="<b>back</b> & neck")
    page = login(member_a).get(reverse("evidence:list"), {"q": "back <i>"}).content.decode()
    assert "<script>alert(1)" not in page and "<b>back" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Back</mark> pain" in page
    # PostgreSQL's snippets leave out markup; SQLite's keep it, escaped.
    assert "<mark>back</mark>" in page and "&amp; neck" in page
    assert "“back &lt;i&gt;”" in page


def test_synonyms_searched_are_named(login, member_a):
    EvidenceItemFactory(title="MRI findings")
    page = login(member_a).get(reverse("evidence:list"), {"q": "x-ray"}).content.decode()
    assert "Also searched for xray, imaging, scan, MRI, radiograph." in page
    assert "<mark>MRI</mark> findings" in page


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"'},
        {"q": "NEAR(back pain) AND * OR -x"},
        {"q": "\x00\x02\x03"},
        {"q": "x" * 201},
        {"q": "back", "page": "-1"},
        {"q": "back", "page": "99999999999999999999999"},
        {"kind": "<script>"},
    ],
)
def test_a_hostile_search_is_answered_not_an_error(login, member_a, item, params):
    response = login(member_a).get(reverse("evidence:list"), params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_an_over_long_query_is_refused_with_a_message(login, member_a, item):
    page = login(member_a).get(reverse("evidence:list"), {"q": "x" * 201}).content.decode()
    assert "at most 200 characters" in page


def test_a_retire_reason_of_a_few_hundred_characters_retires_the_item(login, lead, item):
    reason = "Withdrawn by the authors after a correction to the trial data. " * 6
    response = login(lead).post(
        reverse("evidence:retire", args=[item.pk]), {"retired_reason": reason}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.RETIRED and item.retired_reason == reason.strip()


def test_an_over_long_retire_reason_is_refused_with_a_message(login, lead, item):
    response = login(lead).post(
        reverse("evidence:retire", args=[item.pk]), {"retired_reason": "x" * 2001}
    )
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
