"""Reads for the follow-up survey: adopted changes, links, and results."""

import hashlib
from collections import Counter

from django.db.models import Count, Q
from django.utils.safestring import mark_safe

from followup import stats
from followup.factors import FACTOR_KEYS, FACTORS
from followup.models import Link, Recipient, Response, Survey
from pdsa.selectors import adopted_changes
from qiproject import charts
from qiproject.disclosure import SMALL_GROUP_LABEL, SMALL_GROUP_MIN, is_reportable


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


def results_figures(summary: stats.Summary, *, ident: str = "factor-chart") -> dict:
    """What the results pages and the reports show of a summary: each factor with its mean and
    count, their bar chart, and the small-group rule's figures."""
    factors = [
        {
            "factor": factor,
            "mean": summary.factor_means[factor.key],
            "count": summary.factor_counts[factor.key],
        }
        for factor in FACTORS
    ]
    chart = charts.hbar_chart(
        title="Mean rating of each sustainability factor, from 1 to 5",
        description="The table below gives the numbers.",
        rows=[(row["factor"].label, (row["mean"],)) for row in factors],
        series=[("Mean rating", "#005eb8")],
        scale_max=5,
        ident=ident,
    )
    return {
        "summary": summary,
        "factors": factors,
        "chart": mark_safe(chart),  # qiproject.charts escapes every text it draws
        "small_group_min": SMALL_GROUP_MIN,
        "small_group_label": SMALL_GROUP_LABEL,
    }


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


def _export_responses(survey: Survey) -> list[Response]:
    return list(
        Response.objects.filter(recipient__survey=survey).select_related("recipient__practice")
    )


def export_rows(*, survey: Survey) -> tuple[list[str], list[list]]:
    """The answers as rows for the CSV, with no free text and no time (one query).

    A profession with fewer than SMALL_GROUP_MIN answers in a practice is written as
    "fewer than 5"; rows are sorted by their content, not by when they were sent.
    """
    responses = _export_responses(survey)
    group_sizes = Counter(
        (answer.recipient.practice_id, answer.recipient.profession) for answer in responses
    )
    header = ["practice", "ods_code", "profession", *FACTOR_KEYS, "changes"]
    rows = []
    for answer in responses:
        recipient = answer.recipient
        size = group_sizes[(recipient.practice_id, recipient.profession)]
        changes = "; ".join(f"{change['title']}: {change['status']}" for change in answer.changes)
        rows.append(
            [
                recipient.practice.name,
                recipient.practice.ods_code,
                recipient.get_profession_display() if is_reportable(size) else SMALL_GROUP_LABEL,
                *[answer.factor_scores.get(key, "") for key in FACTOR_KEYS],
                changes,
            ]
        )
    rows.sort(key=lambda row: [str(cell) for cell in row])
    return header, rows


def export_comments(*, survey: Survey) -> list[str]:
    """Everything people wrote in their own words, alone and sorted (one query).

    Free text is the most identifying part of an answer: it goes out with no practice,
    profession or time beside it, and not at all while fewer than SMALL_GROUP_MIN answered.
    """
    responses = _export_responses(survey)
    if not is_reportable(len(responses)):
        return []
    texts = [answer.free_text.strip() for answer in responses]
    texts += [
        f"{change['title']}: {change['why'].strip()}"
        for answer in responses
        for change in answer.changes
        if (change.get("why") or "").strip()
    ]
    return sorted(text for text in texts if text)
