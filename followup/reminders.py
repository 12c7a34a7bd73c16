"""The follow-up survey's schedule and its line in the facilitators' digest."""

from datetime import date, timedelta

from django.db.models import Count, Q

from followup.models import Recipient
from followup.services import LINK_VALID_DAYS
from messaging.schedules import ScheduleSpec, register_schedule
from practices.reminders import lines_by_facilitator, register_digest_section

# Every minute: the invitations go out on the scheduler's first run after the follow-up date
# comes, and a run that finds everything claimed sends nothing.
register_schedule(
    ScheduleSpec(
        name="Follow-up survey: invitations and reminders",
        task="followup.tasks.followup_send_due",
        description=(
            "Invites each team to the one-year follow-up survey; reminds at 14 and 28 days."
        ),
        every_minutes=1,
    )
)


@register_digest_section("Follow-up survey responses", order=50)
def survey_response_rates(practices_by_facilitator: dict[int, list], today: date) -> dict:
    """Response rates of the facilitators' practices while a survey is collecting answers."""
    practice_ids = {p.pk for practices in practices_by_facilitator.values() for p in practices}
    rows = (
        Recipient.objects.filter(
            practice_id__in=practice_ids,
            survey__programme__follow_up_due_date__lte=today,
            survey__programme__follow_up_due_date__gt=today - timedelta(days=LINK_VALID_DAYS),
        )
        .values("practice_id", "practice__name")
        .annotate(invited=Count("pk"), responded=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by("practice__name")
    )
    lines = {
        row["practice_id"]: [
            f"{row['practice__name']}: {row['responded']} of {row['invited']} have answered"
        ]
        for row in rows
        if row["responded"] < row["invited"]
    }
    return lines_by_facilitator(practices_by_facilitator, lines)
