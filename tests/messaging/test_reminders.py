from datetime import date

import pytest

from messaging import reminders, schedules, services
from messaging.models import Category, Message
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

    reminders.register_digest_section("Stale cycles", order=1)(items)
    yield
    del reminders.DIGEST_SECTIONS["Stale cycles"]


@pytest.fixture
def no_digest_sections(monkeypatch):
    monkeypatch.setattr(reminders, "DIGEST_SECTIONS", {})


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
        entries = reminders.facilitator_digests(TODAY)

    assert len(entries) == 6


def test_a_registered_builder_is_a_new_reminder_with_its_own_schedule(member_a, monkeypatch):
    monkeypatch.setattr(reminders, "REMINDERS", {})

    @reminders.register(
        "measure_data_due", category=Category.REMINDER, description="Measure data due", hour=8
    )
    def measure_data_due(today):
        yield reminders.Outgoing(
            recipient=member_a,
            subject_key="measure:1",
            period="2027-02",
            subject="Data due",
            body="Enter February's data.",
        )

    assert reminders.reminder_run(kind="measure_data_due", today=TODAY) == 1
    assert reminders.reminder_run(kind="measure_data_due", today=TODAY) == 0
    spec = schedules.SCHEDULES.pop("Reminder: Measure data due")
    assert spec.args == ("measure_data_due",)
    assert spec.crontab == {"minute": 0, "hour": 8}


def test_a_builder_can_attach_a_calendar_file_as_workshop_reminders_will(
    member_a, monkeypatch, smtp_server, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(reminders, "REMINDERS", {})
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"

    @reminders.register(
        "workshop_reminder", category=Category.REMINDER, description="Workshop reminder"
    )
    def workshop_reminder(today):
        yield reminders.Outgoing(
            recipient=member_a,
            subject_key="workshop:1",
            period="day-7",
            subject="Workshop in 7 days",
            body="See you there.",
            attachments=(services.Attachment("workshop.ics", ics, "text/calendar"),),
        )

    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminder_run(kind="workshop_reminder", today=TODAY)
    schedules.SCHEDULES.pop("Reminder: Workshop reminder")

    (received,) = smtp_server.received
    (part,) = [part for part in received.walk() if part.get_filename() == "workshop.ics"]
    assert part.get_content_type() == "text/calendar"
