"""The facilitators' daily digest; visits and agreed actions in it; leads' overdue actions.

The digest is assembled from sections the apps register with `register_digest_section`
(pdsa: stale cycles, workshops: the coming week's sessions, followup: survey responses, and
this module's visits and actions); a section is called once for all facilitators with
{facilitator id: their practices} and returns {facilitator id: lines}, so the digest costs
the same few queries however many facilitators there are. A facilitator with nothing in any
section gets no email.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse

from messaging.models import Category
from messaging.reminders import Outgoing, iso_week, register, reminder_body
from practices.models import FacilitatorAssignment, User
from practices.selectors import (
    DueAction,
    PlannedVisit,
    open_actions_due,
    planned_visits,
    practice_leads,
)
from qiproject.dates import format_date
from qiproject.links import absolute_url
from qiproject.text import and_list

COMING_WEEK = timedelta(days=7)


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

    @property
    def practice_names(self) -> str:
        """The practices as a sentence says them: "Castle Lane Surgery and Mill Road Practice"."""
        return and_list([practice.name for practice in self.practices])


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
    current = FacilitatorAssignment.objects.filter(ended_on__isnull=True).select_related(
        "practice__programme"
    )
    facilitators = (
        User.objects.filter(facilitations__ended_on__isnull=True, is_active=True)
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
    """Each facilitator with anything to hear of gets one digest a day."""
    for entry in facilitator_digests(today):
        context = {"entry": entry, "today": today}
        yield Outgoing(
            recipient=entry.facilitator,
            subject_key="digest",
            period=today.isoformat(),
            subject=f"Your qiproject digest for {format_date(today)}",
            body=render_to_string("practices/email/digest.txt", context),
        )


def _describe(action: DueAction) -> str:
    owner = f" ({action.owner_name})" if action.owner_name else ""
    return f"{action.practice_name}: {action.description}{owner}, due {format_date(action.due_on)}"


def _describe_visit(visit: PlannedVisit) -> str:
    return (
        f"{visit.practice_name}: {visit.mode_label.lower()} visit on "
        f"{format_date(visit.visited_on)}, {visit.topics}"
    )


def _practice_ids(practices_by_facilitator: dict[int, list]) -> set[int]:
    return {p.pk for practices in practices_by_facilitator.values() for p in practices}


@register_digest_section("Overdue agreed actions", order=20)
def overdue_actions(practices_by_facilitator: dict[int, list], today: date) -> dict:
    """Open actions past their due date in each facilitator's practices (one query)."""
    found = open_actions_due(due_before=today, practice_ids=_practice_ids(practices_by_facilitator))
    lines = {pk: [_describe(a) for a in actions] for pk, actions in found.items()}
    return lines_by_facilitator(practices_by_facilitator, lines)


@register_digest_section("Visits in the coming week", order=25)
def visits_coming(practices_by_facilitator: dict[int, list], today: date) -> dict:
    """Planned visits to each facilitator's practices from today to six days ahead (one query)."""
    found = planned_visits(
        on_or_after=today,
        before=today + COMING_WEEK,
        practice_ids=_practice_ids(practices_by_facilitator),
    )
    lines = {pk: [_describe_visit(v) for v in visits] for pk, visits in found.items()}
    return lines_by_facilitator(practices_by_facilitator, lines)


@register_digest_section("Agreed actions falling due in the coming week", order=30)
def actions_due_soon(practices_by_facilitator: dict[int, list], today: date) -> dict:
    """Actions agreed at visits that fall due in the next seven days (one query)."""
    found = open_actions_due(
        due_from=today,
        due_before=today + COMING_WEEK,
        practice_ids=_practice_ids(practices_by_facilitator),
    )
    lines = {pk: [_describe(a) for a in actions] for pk, actions in found.items()}
    return lines_by_facilitator(practices_by_facilitator, lines)


@register(
    "practice_overdue_actions",
    category=Category.REMINDER,
    description="Practice leads: overdue agreed actions (weekly)",
    hour=7,
    minute=10,
)
def practice_overdue_actions(today: date) -> Iterable[Outgoing]:
    """Each practice lead, once a week, hears of their practice's overdue actions."""
    found = open_actions_due(due_before=today)
    leads = practice_leads(found)
    for practice_id, actions in found.items():
        practice_name = actions[0].practice_name
        link = absolute_url(reverse("action_list", args=[practice_id]))
        for lead in leads.get(practice_id, []):
            yield Outgoing(
                recipient=lead,
                subject_key=f"practice:{practice_id}",
                period=iso_week(today),
                subject=f"Overdue actions at {practice_name}",
                body=reminder_body(
                    recipient=lead,
                    intro=f"These actions agreed with {practice_name} are past their due date:",
                    lines=[_describe(action) for action in actions],
                    link=link,
                ),
            )
