"""Workshop reminders 7 days and 1 day before, and the coming week's sessions in the digest."""

from collections.abc import Iterable
from datetime import date

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from messaging.models import Category
from messaging.reminders import Outgoing, register
from messaging.services import Attachment
from practices.reminders import register_digest_section
from qiproject.links import absolute_url
from workshops.calendar import session_ics
from workshops.selectors import invitations_to_remind, sessions_starting

COMING_WEEK_DAYS = 7


def reminder_period(days_left: int) -> str:
    """Which reminder a session this many days away is due: day-7 (2 to 7 days), day-1, or none.

    A window rather than an exact day, so a day the scheduler missed is caught up; the
    message key (person, session, period) keeps each reminder to one send.
    """
    if days_left == 1:
        return "day-1"
    if 2 <= days_left <= 7:
        return "day-7"
    return ""


@register_digest_section("Workshop sessions in the coming week", order=40)
def sessions_this_week(practices_by_facilitator: dict[int, list], today: date) -> dict:
    """Sessions of each facilitator's practices' programmes starting this coming week."""
    programmes = {
        facilitator_id: {practice.programme_id for practice in practices}
        for facilitator_id, practices in practices_by_facilitator.items()
    }
    sessions = sessions_starting(
        programme_ids=set().union(*programmes.values()), first_day=today, days=COMING_WEEK_DAYS
    )
    return {
        facilitator_id: [
            f"{s.title} ({s.programme.name}): {timezone.localtime(s.starts_at):%a %-d %b %Y, %H:%M}"
            for s in sessions
            if s.programme_id in programme_ids
        ]
        for facilitator_id, programme_ids in programmes.items()
    }


@register(
    "workshop_reminder",
    category=Category.REMINDER,
    description="Workshop reminders 7 days and 1 day before",
    hour=8,
)
def workshop_reminders(today: date) -> Iterable[Outgoing]:
    """Everyone invited who has not said no, 7 days and 1 day before, with the .ics."""
    for invitation, days_left in invitations_to_remind(today=today):
        period = reminder_period(days_left)
        if not period:
            continue
        session = invitation.session
        context = {
            "invitation": invitation,
            "session": session,
            "days_left": days_left,
            "link": absolute_url(reverse("workshops:session_detail", args=[session.pk])),
        }
        when = "tomorrow" if days_left == 1 else f"in {days_left} days"
        ics = session_ics(session, attendee=invitation.user).decode()
        yield Outgoing(
            recipient=invitation.user,
            subject_key=f"workshop:{session.pk}",
            period=period,
            subject=f"Reminder: {session.title} {when}",
            body=render_to_string("workshops/email/reminder.txt", context),
            attachments=(Attachment("workshop.ics", ics, "text/calendar"),),
        )
