"""Writes for the follow-up survey: send it when due, remind, and record an answer once."""

import secrets
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from followup.models import Link, Recipient, Response, Survey
from followup.selectors import link_for_token, token_hash
from messaging.models import Category, Message
from messaging.services import message_claim, wants_message
from practices.freshness import practices_changed
from practices.models import Membership, Programme
from qiproject.links import absolute_url
from qiproject.saving import saved

LINK_VALID_DAYS = 60
REMINDER_DAYS = (14, 28)
INVITATION = "followup_invitation"
REMINDER = "followup_reminder"


@transaction.atomic
def survey_ensure(*, programme: Programme) -> Survey:
    """The programme's survey, created with the default questions the first time."""
    survey, _ = Survey.objects.get_or_create(programme=programme)
    return survey


@transaction.atomic
def survey_update_questions(*, survey: Survey, **questions) -> Survey:
    """Change the questions; refused once the invitations have started to go out."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.is_open:
        raise ValidationError("The survey has gone out: its questions can no longer change.")
    for name, value in questions.items():
        setattr(survey, name, value)
    return saved(survey)


def _reminder_period(invited_on: date, today: date) -> str:
    """Which reminder is due (the latest one passed), or "" for none."""
    days = (today - invited_on).days
    if days >= LINK_VALID_DAYS:
        return ""
    due = [day for day in REMINDER_DAYS if days >= day]
    return f"day-{due[-1]}" if due else ""


def _expiry(recipient: Recipient) -> datetime:
    start = datetime.combine(recipient.invited_on, time.min, tzinfo=timezone.get_current_timezone())
    return start + timedelta(days=LINK_VALID_DAYS)


def _send(recipient: Recipient, *, kind: str, period: str, category: str) -> bool:
    """Mint a personal link and claim its message; a claim that existed keeps no new link."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = saved(
            Link(recipient=recipient, token_hash=token_hash(token), expires_at=_expiry(recipient))
        )
        survey = recipient.survey
        context = {
            "recipient": recipient,
            "survey": survey,
            "programme": survey.programme,
            "link": absolute_url(reverse("followup_answer", args=[token])),
            "expires_on": timezone.localdate(link.expires_at) - timedelta(days=1),
            "is_reminder": kind == REMINDER,
        }
        prefix = "Reminder: " if kind == REMINDER else ""
        message, created = message_claim(
            recipient=recipient.user,
            kind=kind,
            subject_key=f"followup:{survey.pk}:{recipient.practice_id}",
            period=period,
            category=category,
            subject=f"{prefix}One-year follow-up survey: {survey.programme.name}",
            body=render_to_string("followup/email/invitation.txt", context),
            redact=[token],
        )
        if not created:
            link.delete()
    return created


def survey_send(*, survey: Survey, today: date) -> int:
    """Invite every team member and patient representative who joined by the final workshop,
    and remind at 14 and 28 days.

    Idempotent: every message is claimed under its key, so running again sends nothing new.
    Returns how many messages were newly claimed.
    """
    with transaction.atomic():
        if survey.opened_at is None:
            Survey.objects.filter(pk=survey.pk, opened_at__isnull=True).update(
                opened_at=timezone.now()
            )
        # "One year since you finished" is for people who were in the team for the
        # programme: someone who joined after its final workshop took no part in it.
        memberships = Membership.objects.filter(
            practice__programme=survey.programme_id,
            joined_on__lte=survey.programme.final_workshop_date,
        )
        known = set(Recipient.objects.filter(survey=survey).values_list("practice_id", "user_id"))
        Recipient.objects.bulk_create(
            [
                Recipient(
                    survey=survey,
                    practice_id=membership.practice_id,
                    user_id=membership.user_id,
                    profession=membership.role,
                    invited_on=today,
                )
                for membership in memberships
                if (membership.practice_id, membership.user_id) not in known
            ],
            ignore_conflicts=True,
        )
        # bulk_create() sends no signals: the dashboards' response rates change.
        practices_changed(membership.practice_id for membership in memberships)
    recipients = list(
        Recipient.objects.filter(survey=survey, user__is_active=True)
        .select_related("user", "practice", "survey__programme")
        .order_by("pk")
    )
    claimed = set(
        Message.objects.filter(
            kind__in=[INVITATION, REMINDER], subject_key__startswith=f"followup:{survey.pk}:"
        ).values_list("recipient_id", "kind", "subject_key", "period")
    )
    sent = 0
    for recipient in recipients:
        subject_key = f"followup:{survey.pk}:{recipient.practice_id}"
        if (recipient.user_id, INVITATION, subject_key, "") not in claimed:
            sent += _send(recipient, kind=INVITATION, period="", category=Category.ESSENTIAL)
            continue
        if recipient.submitted_at is not None:
            continue
        period = _reminder_period(recipient.invited_on, today)
        if (
            period
            and (recipient.user_id, REMINDER, subject_key, period) not in claimed
            and wants_message(recipient.user, Category.REMINDER)
        ):
            sent += _send(recipient, kind=REMINDER, period=period, category=Category.REMINDER)
    return sent


def followup_send_due(*, today: date) -> int:
    """Send (or remind about) every survey whose programme's follow-up date has come."""
    window_start = today - timedelta(days=LINK_VALID_DAYS)
    programmes = Programme.objects.filter(
        follow_up_due_date__lte=today, follow_up_due_date__gt=window_start
    )
    return sum(
        survey_send(survey=survey_ensure(programme=programme), today=today)
        for programme in programmes
    )


@transaction.atomic
def response_submit(
    *, token: str, changes: list[dict], factor_scores: dict[str, int], free_text: str = ""
) -> Response:
    """Record an answer once: the first submit uses up every link of that person."""
    link = link_for_token(token)
    now = timezone.now()
    if link is None or link.is_expired_at(now):
        raise ValidationError("This survey link has expired or is not valid.")
    # The conditional update is the single use: a replay or a double submit finds it taken.
    taken = Recipient.objects.filter(pk=link.recipient_id, submitted_at__isnull=True).update(
        submitted_at=now
    )
    if not taken:
        raise ValidationError("An answer has already been sent with this link.")
    practices_changed(
        Recipient.objects.filter(pk=link.recipient_id).values_list("practice_id", flat=True)
    )
    return saved(
        Response(
            recipient_id=link.recipient_id,
            submitted_at=now,
            changes=changes,
            factor_scores=factor_scores,
            free_text=free_text,
        )
    )
