import pytest
from django.core.exceptions import ValidationError

from evidence import services
from evidence.models import Kind, Status
from qiproject.locking import StaleEditError
from tests.evidence.factories import EvidenceItemFactory, TopicFactory


def _fields(**overrides):
    fields = {
        "kind": Kind.TRIAL,
        "title": "Stratified care trial",
        "summary": "Matched care did better.",
        "citation": "Hill 2011",
        "url": "https://example.org/hill",
    }
    fields.update(overrides)
    return fields


def test_a_new_item_is_a_draft_curated_by_its_creator(lead):
    topic = TopicFactory(slug="assessment", name="Assessment")
    item = services.evidence_create(curator=lead, topics=[topic], **_fields())
    assert item.status == Status.DRAFT
    assert item.curator == lead
    assert list(item.topics.all()) == [topic]


def test_every_change_is_kept_in_the_history_with_who_made_it(lead, staff):
    item = services.evidence_create(curator=lead, **_fields())
    item = services.evidence_update(item=item, by=staff, version=item.version, title="Renamed")
    item = services.evidence_publish(item=item, by=lead)
    item = services.evidence_retire(item=item, by=lead, reason="Superseded by a newer trial")
    reasons = list(
        item.history.order_by("history_date").values_list(
            "history_change_reason", "history_user__email"
        )
    )
    assert reasons == [
        ("Created", lead.email),
        ("Edited", staff.email),
        ("Published", lead.email),
        ("Retired: Superseded by a newer trial", lead.email),
    ]
    oldest = item.history.earliest("history_date")
    assert oldest.title == "Stratified care trial"


def test_a_stale_edit_is_refused_and_the_newer_text_kept(lead, staff):
    item = services.evidence_create(curator=lead, **_fields())
    opened_at = item.version
    services.evidence_update(item=item, by=staff, version=opened_at, summary="Staff's newer text")
    with pytest.raises(StaleEditError):
        services.evidence_update(item=item, by=lead, version=opened_at, summary="Lead's older text")
    item.refresh_from_db()
    assert item.summary == "Staff's newer text"


def test_retiring_needs_a_reason(lead):
    item = EvidenceItemFactory()
    with pytest.raises(ValidationError):
        services.evidence_retire(item=item, by=lead, reason="  ")
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_publishing_a_retired_item_reinstates_it(lead):
    item = EvidenceItemFactory(status=Status.RETIRED, retired_reason="Old")
    item = services.evidence_publish(item=item, by=lead)
    assert item.status == Status.PUBLISHED
    assert item.retired_reason == ""


def test_a_long_retire_reason_is_kept_whole_on_the_item_and_fits_the_history(lead):
    item = EvidenceItemFactory(status=Status.PUBLISHED)
    reason = "Superseded by the 2026 NICE guideline, which changes the advice on " * 5
    item = services.evidence_retire(item=item, by=lead, reason=reason)
    assert item.retired_reason == reason.strip()
    limit = item.history.model._meta.get_field("history_change_reason").max_length
    stored = item.history.latest("history_date").history_change_reason
    assert stored.startswith("Retired: Superseded") and len(stored) <= limit
