"""The curators' weekly reminder of evidence items past their review date."""

from collections.abc import Iterable
from datetime import date

from django.urls import reverse

from evidence.selectors import items_due_for_review
from messaging.models import Category
from messaging.reminders import Outgoing, iso_week, register, reminder_body
from practices.access import evidence_curators
from qiproject.dates import format_date
from qiproject.links import absolute_url


@register(
    "evidence_review_due",
    category=Category.REMINDER,
    description="Curators: evidence items past their review date (weekly)",
    hour=7,
    minute=30,
)
def evidence_review_due(today: date) -> Iterable[Outgoing]:
    """Every curator (programme leads and staff), once a week while any item is due."""
    items = items_due_for_review(today=today)
    if not items:
        return
    lines = [
        f"{item.title}: review was due {format_date(item.next_review_on)} "
        f"({absolute_url(reverse('evidence:edit', args=[item.pk]))})"
        for item in items
    ]
    for curator in evidence_curators().order_by("pk"):
        yield Outgoing(
            recipient=curator,
            subject_key="evidence-review",
            period=iso_week(today),
            subject=f"{len(items)} evidence item(s) due for review",
            body=reminder_body(
                recipient=curator,
                intro="These items of the evidence library have reached their review date:",
                lines=lines,
                link=absolute_url(reverse("evidence:list")),
                link_text="The library",
            ),
        )
