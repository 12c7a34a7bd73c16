"""The reminders framework: each kind registers a builder that says who gets what.

A builder takes today's date and yields `Outgoing` messages; `reminder_run()` claims each
under (recipient, kind, subject key, period), so a beat that fires twice sends once. Apps
register their builders in their own `reminders.py` (discovered at start-up), and each gets
a periodic task, editable in the admin:

    @register("measure_data_due", category=Category.REMINDER, description="...", hour=7)
    def measure_data_due(today): yield Outgoing(...)

The outbox knows no app of ours: messages are about whatever the builders say. The
facilitators' daily digest, for instance, is the practices app's reminder
(practices.reminders), with sections registered by each app that has something to say.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string

from messaging import services
from messaging.schedules import ScheduleSpec, register_schedule


@dataclass(frozen=True)
class Outgoing:
    recipient: object
    subject_key: str
    period: str
    subject: str
    body: str
    attachments: tuple = ()


@dataclass(frozen=True)
class Reminder:
    kind: str
    category: str
    description: str
    build: Callable[[date], Iterable[Outgoing]]


REMINDERS: dict[str, Reminder] = {}


def register(kind: str, *, category: str, description: str, hour: int = 7, minute: int = 0):
    """Register a reminder builder, run daily at hour:minute (editable in the admin)."""

    def decorator(build):
        REMINDERS[kind] = Reminder(kind, category, description, build)
        register_schedule(
            ScheduleSpec(
                name=f"Reminder: {description}",
                task="messaging.tasks.reminders_run",
                description=description,
                crontab={"minute": minute, "hour": hour},
                args=(kind,),
            )
        )
        return build

    return decorator


def iso_week(day: date) -> str:
    """The ISO week of a day as a message period, e.g. 2027-W09 (weekly reminders)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def reminder_body(*, recipient, intro: str, lines: list[str], link: str = "", **extra) -> str:
    """The text of a list-style reminder (intro, one line per item, link, how to opt out)."""
    context = {
        "recipient": recipient,
        "intro": intro,
        "lines": lines,
        "link": link,
        **extra,
    }
    return render_to_string("messaging/email/reminder.txt", context)


def reminder_run(*, kind: str, today: date) -> int:
    """Claim every message a reminder kind owes today; returns how many were new."""
    reminder = REMINDERS[kind]
    created_count = 0
    for outgoing in reminder.build(today):
        _, created = services.message_claim(
            recipient=outgoing.recipient,
            kind=kind,
            subject_key=outgoing.subject_key,
            period=outgoing.period,
            category=reminder.category,
            subject=outgoing.subject,
            body=outgoing.body,
            attachments=outgoing.attachments,
        )
        created_count += created
    return created_count
