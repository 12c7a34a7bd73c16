"""Reads for the API: the web pages' access querysets, filtered, in a fixed number of queries.

Every list starts from `Model.objects.visible_to(user)` (practices/access.py), so a token sees
exactly what its person sees on the site, and an object outside it is a 404.
"""

from django.db.models import Prefetch, Q

from api.models import ApiToken
from audits.models import AuditRound
from audits.selectors import rounds_for
from pdsa.models import DataPoint, ImprovementPlan, Measure, PDSACycle
from practices.models import Practice


def practices_for(user, *, practice=None, **_):
    """Practices the person may see."""
    rows = Practice.objects.visible_to(user).select_related("programme")
    if practice:
        rows = rows.filter(pk=practice)
    return rows.order_by("name", "pk")


def plans_for(user, *, practice=None, plan=None, **_):
    """Improvement plans the person may see."""
    rows = ImprovementPlan.objects.visible_to(user)
    if practice:
        rows = rows.filter(practice_id=practice)
    if plan:
        rows = rows.filter(pk=plan)
    return rows.order_by("pk")


def measures_for(user, *, practice=None, plan=None, measure=None, **_):
    """Measures the person may see, with the summary kept on each (latest analysis)."""
    rows = Measure.objects.visible_to(user).select_related("plan")
    if practice:
        rows = rows.filter(plan__practice_id=practice)
    if plan:
        rows = rows.filter(plan_id=plan)
    if measure:
        rows = rows.filter(pk=measure)
    return rows.order_by("pk")


def data_points_for(
    user, *, practice=None, plan=None, measure=None, period_from=None, period_to=None, **_
):
    """Data points the person may see, oldest period first within each measure."""
    rows = DataPoint.objects.visible_to(user).select_related("measure__plan")
    if practice:
        rows = rows.filter(measure__plan__practice_id=practice)
    if plan:
        rows = rows.filter(measure__plan_id=plan)
    if measure:
        rows = rows.filter(measure_id=measure)
    if period_from:
        rows = rows.filter(period__gte=period_from)
    if period_to:
        rows = rows.filter(period__lte=period_to)
    return rows.order_by("measure_id", "period")


def _overlapping(rows, start: str, end: str, period_from, period_to):
    """Rows whose [start, end] (an open end runs on) meets [period_from, period_to]."""
    if period_from:
        rows = rows.filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": period_from}))
    if period_to:
        rows = rows.filter(Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": period_to}))
    return rows


def cycles_for(
    user, *, practice=None, plan=None, measure=None, period_from=None, period_to=None, **_
):
    """PDSA cycles the person may see, with the measures each studies."""
    rows = (
        PDSACycle.objects.visible_to(user)
        .select_related("plan")
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.only("pk")))
    )
    if practice:
        rows = rows.filter(plan__practice_id=practice)
    if plan:
        rows = rows.filter(plan_id=plan)
    if measure:
        rows = rows.filter(measures=measure)
    rows = _overlapping(rows, "start_date", "end_date", period_from, period_to)
    return rows.order_by("pk")


def audit_rounds_for(
    user, *, practice=None, plan=None, measure=None, period_from=None, period_to=None, **_
):
    """Audit rounds the person may see (the audit list's own read), with their cycles."""
    rows = rounds_for(user).prefetch_related(
        Prefetch("cycles", queryset=PDSACycle.objects.only("pk"))
    )
    if practice:
        rows = rows.filter(practice_id=practice)
    if plan:
        rows = rows.filter(pk__in=AuditRound.objects.filter(cycles__plan_id=plan).values("pk"))
    if measure:
        feeding = AuditRound.objects.filter(points__data_point__measure_id=measure)
        rows = rows.filter(pk__in=feeding.values("pk"))
    rows = _overlapping(rows, "period_start", "period_end", period_from, period_to)
    return rows.order_by("-period_end", "-pk")


def tokens_for(user):
    """The person's own API tokens, newest first."""
    return ApiToken.objects.visible_to(user).order_by("-created_at", "-pk")
