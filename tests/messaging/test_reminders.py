from datetime import date

from messaging import reminders, schedules, services
from messaging.models import Category

TODAY = date(2027, 3, 1)


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
