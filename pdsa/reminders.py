"""Stale cycles in the facilitators' digest, and the practice leads' data-due reminder."""

from collections.abc import Iterable
from datetime import date

from django.urls import reverse

from messaging.models import Category
from messaging.reminders import Outgoing, register, reminder_body
from pdsa.selectors import measure_data_due, stale_cycles
from practices.reminders import lines_by_facilitator, register_digest_section
from practices.selectors import practice_leads
from qiproject.dates import format_date
from qiproject.links import absolute_url


@register_digest_section("Stale PDSA cycles", order=10)
def stale_cycle_lines(practices_by_facilitator: dict[int, list], today: date) -> dict:
    """Open cycles of each facilitator's practices with no update for too long (one query)."""
    practices = {p for practices in practices_by_facilitator.values() for p in practices}
    found = stale_cycles(
        practice_ids={p.pk for p in practices},
        today=today,
        thresholds={p.programme.stale_cycle_days for p in practices},
    )
    lines = {
        practice_id: [
            f"{c.practice_name}: {c.title} (cycle {c.number}), no update for {c.days} days "
            f"(last on {format_date(c.updated_on)})"
            for c in cycles
        ]
        for practice_id, cycles in found.items()
    }
    return lines_by_facilitator(practices_by_facilitator, lines)


@register(
    "measure_data_due",
    category=Category.REMINDER,
    description="Practice leads: measure data due for the last period",
    hour=7,
    minute=20,
)
def measure_data_due_reminders(today: date) -> Iterable[Outgoing]:
    """Each practice lead hears once per period of their practice's measures still missing data.

    One message per practice and frequency: weekly measures for last week, monthly measures
    for last month, keyed by that period so a period is reminded about once.
    """
    due = measure_data_due(today=today)
    leads = practice_leads({item.practice_id for item in due})
    groups: dict[tuple[int, str], list] = {}
    for item in due:
        groups.setdefault((item.practice_id, item.frequency), []).append(item)
    for (practice_id, frequency), items in groups.items():
        first = items[0]
        link = absolute_url(reverse("pdsa:practice_dashboard", args=[practice_id]))
        for lead in leads.get(practice_id, []):
            yield Outgoing(
                recipient=lead,
                subject_key=f"practice:{practice_id}:{frequency}",
                period=first.period_start.isoformat(),
                subject=f"Data due for {first.period_label}: {first.practice_name}",
                body=reminder_body(
                    recipient=lead,
                    intro=(
                        f"These measures of {first.practice_name} have no data yet for "
                        f"{first.period_label}:"
                    ),
                    lines=[
                        f"{item.measure_name} ({item.plan_title}): "
                        + absolute_url(reverse("pdsa:measure_data", args=[item.measure_id]))
                        for item in items
                    ],
                    link=link,
                ),
            )
