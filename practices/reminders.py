"""Visits and agreed actions in the facilitators' digest; practice leads' overdue actions."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse

from messaging.models import Category
from messaging.reminders import (
    Outgoing,
    iso_week,
    lines_by_facilitator,
    register,
    register_digest_section,
    reminder_body,
)
from practices.selectors import (
    DueAction,
    PlannedVisit,
    open_actions_due,
    planned_visits,
    practice_leads,
)
from qiproject.links import absolute_url

COMING_WEEK = timedelta(days=7)


def _describe(action: DueAction) -> str:
    owner = f" ({action.owner_name})" if action.owner_name else ""
    return f"{action.practice_name}: {action.description}{owner}, due {action.due_on:%-d %b %Y}"


def _describe_visit(visit: PlannedVisit) -> str:
    return (
        f"{visit.practice_name}: {visit.mode_label.lower()} visit on "
        f"{visit.visited_on:%-d %b %Y}, {visit.topics}"
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
