"""Reads for the follow-up survey: adopted changes, links, and results."""

import hashlib

from django.db.models import Count, Q

from followup import stats
from followup.factors import FACTOR_KEYS
from followup.models import Link, Recipient, Response, Survey
from pdsa.selectors import adopted_changes


def adopted_changes_for(practice) -> list[tuple[str, str]]:
    """The changes the practice adopted in its PDSA cycles, as (key, title) pairs (one query).

    One per change idea whose cycle ended in "adopt" (per cycle when no idea was recorded).
    """
    return adopted_changes([practice.pk]).get(practice.pk, [])


def token_hash(token: str) -> str:
    """The stored form of a survey token."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_for_token(token: str) -> Link | None:
    """The link a token opens (usable or not), with its survey; None when unknown."""
    return (
        Link.objects.select_related(
            "recipient__survey__programme", "recipient__practice", "recipient__user"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def _summarise(recipients) -> stats.Summary:
    responses = Response.objects.filter(recipient__in=recipients).select_related("recipient")
    answers = [
        stats.Answer(
            profession=response.recipient.get_profession_display(),
            changes=response.changes,
            factor_scores=response.factor_scores,
            free_text=response.free_text,
        )
        for response in responses
    ]
    return stats.summarise(invited=recipients.count(), answers=answers, factor_keys=FACTOR_KEYS)


def practice_results(*, survey: Survey, practice) -> stats.Summary:
    """One practice's summary (two queries)."""
    return _summarise(Recipient.objects.filter(survey=survey, practice=practice))


def programme_results(*, survey: Survey) -> stats.Summary:
    """The whole programme's summary (two queries)."""
    return _summarise(Recipient.objects.filter(survey=survey))


def surveys_run_by(*, user):
    """The surveys of the programmes the user runs, with their programme."""
    return Survey.objects.run_by(user).select_related("programme")


def survey_for(*, programme) -> Survey:
    """The programme's survey, or an unsaved one with the default questions if none exists."""
    return Survey.objects.filter(programme=programme).first() or Survey(programme=programme)


def response_rates(*, user):
    """Practices the user may see with invited and responded counts, for open surveys."""
    return (
        Recipient.objects.visible_to(user)
        .values("practice_id", "practice__name", "survey__programme__name", "survey_id")
        .annotate(
            invited=Count("pk"),
            responded=Count("pk", filter=Q(submitted_at__isnull=False)),
        )
        .order_by("survey__programme__name", "practice__name")
    )


def responses_for_export(*, survey: Survey):
    """Every response of a survey with its practice and profession, for the CSV (one query)."""
    return (
        Response.objects.filter(recipient__survey=survey)
        .select_related("recipient__practice")
        .order_by("recipient__practice__name", "pk")
    )
