"""The reminders framework: each kind registers a builder that says who gets what.

A builder takes today's date and yields `Outgoing` messages; `reminder_run()` claims each
under (recipient, kind, subject key, period), so a beat that fires twice sends once. Apps
register their builders in their own `reminders.py` (discovered at start-up), and each gets
a periodic task, editable in the admin:

    @register("measure_data_due", category=Category.REMINDER, description="...", hour=7)
    def measure_data_due(today): yield Outgoing(...)

The facilitators' daily digest is assembled from sections the apps register with
`register_digest_section`; a section is called once for all facilitators with
{facilitator id: their practices} and returns {facilitator id: lines}, so the digest costs
the same few queries however many facilitators there are. A facilitator with nothing in any
section gets no email.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.template.loader import render_to_string

from messaging import services
from messaging.models import Category
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


@dataclass(frozen=True)
class DigestSection:
    title: str
    # ({facilitator id: their current practices}, today) -> {facilitator id: lines}. Called
    # once for all facilitators, so a section costs the same few queries however many there are.
    items: Callable[[dict[int, list], date], dict[int, list[str]]]
    order: int = 100


@dataclass
class DigestEntry:
    facilitator: object
    practices: list = field(default_factory=list)
    sections: list = field(default_factory=list)


DIGEST_SECTIONS: dict[str, DigestSection] = {}


def register_digest_section(title: str, *, order: int = 100):
    """Add a section (stale cycles, overdue actions, visits, workshops...) to the digest."""

    def decorator(items):
        DIGEST_SECTIONS[title] = DigestSection(title, items, order)
        return items

    return decorator


def lines_by_facilitator(practices_by_facilitator: dict[int, list], lines_by_practice) -> dict:
    """Spread per-practice lines ({practice id: lines}) to each facilitator of those practices."""
    return {
        facilitator_id: [
            line for practice in practices for line in lines_by_practice.get(practice.pk, [])
        ]
        for facilitator_id, practices in practices_by_facilitator.items()
    }


def facilitator_digests(today: date) -> list[DigestEntry]:
    """Each facilitator's digest for today, leaving out those with nothing in it.

    Two queries for the facilitators and their practices, then each section's own fixed few.
    """
    from practices.models import FacilitatorAssignment

    current = FacilitatorAssignment.objects.filter(ended_on__isnull=True).select_related(
        "practice__programme"
    )
    facilitators = (
        get_user_model()
        .objects.filter(facilitations__ended_on__isnull=True, is_active=True)
        .distinct()
        .prefetch_related(Prefetch("facilitations", queryset=current, to_attr="current"))
    )
    entries = {}
    for facilitator in facilitators:
        practices = sorted((a.practice for a in facilitator.current), key=lambda p: p.name)
        entries[facilitator.pk] = DigestEntry(facilitator=facilitator, practices=practices)
    practices_by_facilitator = {pk: entry.practices for pk, entry in entries.items()}
    sections = sorted(DIGEST_SECTIONS.values(), key=lambda section: (section.order, section.title))
    for section in sections:
        if not entries:
            break
        found = section.items(practices_by_facilitator, today)
        for facilitator_id, entry in entries.items():
            lines = found.get(facilitator_id)
            if lines:
                entry.sections.append((section.title, lines))
    return [entry for entry in entries.values() if entry.sections]


@register(
    "facilitator_digest",
    category=Category.DIGEST,
    description="Facilitators' daily digest",
    hour=7,
)
def facilitator_digest(today: date) -> Iterable[Outgoing]:
    for entry in facilitator_digests(today):
        context = {"entry": entry, "today": today}
        yield Outgoing(
            recipient=entry.facilitator,
            subject_key="digest",
            period=today.isoformat(),
            subject=f"Your qiproject digest for {today:%-d %b %Y}",
            body=render_to_string("messaging/email/digest.txt", context),
        )
