"""The facilitators' daily digest (practices.reminders) and its sections' framework."""

from datetime import date

import pytest

from messaging import reminders, services
from messaging.models import Category, Message
from practices import reminders as digest
from tests.practices.factories import FacilitatorAssignmentFactory, PracticeFactory

TODAY = date(2027, 3, 1)


@pytest.fixture
def digest_section():
    """Register a digest section for the test, as pdsa or visits will for real."""

    def items(practices_by_facilitator, today):
        return {
            facilitator_id: [f"{p.name}: a cycle has had no update for 3 weeks" for p in practices]
            for facilitator_id, practices in practices_by_facilitator.items()
        }

    digest.register_digest_section("Stale cycles", order=1)(items)
    yield
    del digest.DIGEST_SECTIONS["Stale cycles"]


@pytest.fixture
def no_digest_sections(monkeypatch):
    monkeypatch.setattr(digest, "DIGEST_SECTIONS", {})


def test_the_facilitator_digest_is_registered_as_a_daily_digest():
    reminder = reminders.REMINDERS["facilitator_digest"]

    assert reminder.category == Category.DIGEST


def test_a_facilitator_with_nothing_to_report_gets_no_digest(facilitator, no_digest_sections):
    assert reminders.reminder_run(kind="facilitator_digest", today=TODAY) == 0
    assert not Message.objects.exists()


def test_a_facilitator_gets_a_digest_of_their_own_practices(
    facilitator, practice_a, practice_b, member_a, no_digest_sections, digest_section
):
    assert reminders.reminder_run(kind="facilitator_digest", today=TODAY) == 1

    message = Message.objects.get()
    assert message.recipient == facilitator
    assert message.period == "2027-03-01"
    assert "Practice A: a cycle has had no update" in message.body
    assert "Practice B" not in message.body


def test_the_digest_runs_twice_in_a_day_but_is_claimed_once(
    facilitator, no_digest_sections, digest_section
):
    reminders.reminder_run(kind="facilitator_digest", today=TODAY)
    reminders.reminder_run(kind="facilitator_digest", today=TODAY)

    assert Message.objects.count() == 1


def test_the_next_day_brings_the_next_digest(facilitator, no_digest_sections, digest_section):
    reminders.reminder_run(kind="facilitator_digest", today=TODAY)
    reminders.reminder_run(kind="facilitator_digest", today=date(2027, 3, 2))

    assert Message.objects.count() == 2


def test_a_facilitator_who_turned_digests_off_gets_none(
    facilitator, no_digest_sections, digest_section
):
    services.preference_update(user=facilitator, digests=False, reminders=True)

    assert reminders.reminder_run(kind="facilitator_digest", today=TODAY) == 0


def test_a_former_facilitator_gets_no_digest(
    programme, facilitator, no_digest_sections, digest_section
):
    assignment = facilitator.facilitations.get()
    assignment.ended_on = assignment.started_on
    assignment.save()
    FacilitatorAssignmentFactory(practice=PracticeFactory(programme=programme))

    reminders.reminder_run(kind="facilitator_digest", today=TODAY)

    assert not Message.objects.filter(recipient=facilitator).exists()


def test_the_digest_is_built_in_a_fixed_number_of_queries(
    programme, no_digest_sections, digest_section, django_assert_max_num_queries
):
    for _ in range(6):
        FacilitatorAssignmentFactory(practice=PracticeFactory(programme=programme))

    with django_assert_max_num_queries(2):
        entries = digest.facilitator_digests(TODAY)

    assert len(entries) == 6


def test_the_digest_names_the_practices_as_a_sentence_does(
    programme, no_digest_sections, digest_section
):
    facilitator = FacilitatorAssignmentFactory(
        practice=PracticeFactory(programme=programme, name="Mill Road Practice")
    ).facilitator
    FacilitatorAssignmentFactory(
        facilitator=facilitator,
        practice=PracticeFactory(programme=programme, name="Castle Lane Surgery"),
    )

    reminders.reminder_run(kind="facilitator_digest", today=TODAY)

    body = Message.objects.get(recipient=facilitator).body
    assert "attention in Castle Lane Surgery and Mill Road Practice." in body
    assert "<Practice" not in body
    assert "[" not in body


def test_the_facilitator_digest_is_the_practices_apps_reminder():
    assert reminders.REMINDERS["facilitator_digest"].build is digest.facilitator_digest
