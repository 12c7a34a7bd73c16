"""Audit summaries shown on other apps' pages (practice, plan, measure, PDSA cycle)."""

from django import template

from audits.models import AuditPoint, AuditRound, MeasureLink

register = template.Library()


@register.inclusion_tag("audits/partials/practice_audits.html")
def practice_audits(practice, user=None):
    """The practice's audit rounds, newest first, with a link to start one."""
    rounds = (
        AuditRound.objects.filter(practice=practice)
        .select_related("template_version__template")
        .order_by("-period_end", "-pk")[:10]
    )
    return {"practice": practice, "rounds": list(rounds)}


@register.inclusion_tag("audits/partials/measure_audit.html")
def measure_audit(measure):
    """Whether an audit criterion feeds the measure, and which points came from rounds."""
    link = MeasureLink.objects.filter(measure=measure).select_related("template").first()
    points = (
        AuditPoint.objects.filter(data_point__measure=measure)
        .select_related("data_point", "round")
        .order_by("data_point__period")
    )
    return {"measure": measure, "link": link, "points": list(points)}


@register.inclusion_tag("audits/partials/cycle_audits.html")
def cycle_audits(cycle):
    """The audit rounds that study this cycle's change."""
    rounds = cycle.audit_rounds.select_related("template_version__template")
    return {"rounds": list(rounds)}
