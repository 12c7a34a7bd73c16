"""Template helpers for improvement work: measure values, icons and the practice summary."""

from django import template
from django.utils.safestring import mark_safe

from pdsa import selectors
from practices.access import can_edit_practice
from qiproject import charts

register = template.Library()


@register.filter
def measure_value(value, measure):
    """A charted value in the measure's units (proportions as percentages)."""
    return charts.format_value(value, data_type=measure.data_type)


@register.simple_tag
def measure_sparkline(dashboard, measure):
    """A sparkline of the measure's recent values (qiproject.charts, which escapes the label)."""
    values = dashboard.recent.get(measure.pk, [])
    return mark_safe(
        charts.sparkline(
            values,
            label=f"{measure.name}, last {len(values)} periods" if values else measure.name,
            data_type=measure.data_type,
        )
    )


@register.simple_tag
def variation_icon(analysis):
    """The variation icon (SVG, text escaped by qiproject.charts) for an analysis."""
    return mark_safe(charts.variation_icon(analysis.variation, analysis.variation_label))


@register.simple_tag
def assurance_icon(analysis):
    """The assurance icon (SVG, text escaped by qiproject.charts) for an analysis, or nothing."""
    return mark_safe(charts.assurance_icon(analysis.assurance, analysis.assurance_label))


@register.inclusion_tag("pdsa/partials/practice_summary.html", takes_context=True)
def practice_work_summary(context, practice):
    """The practice's improvement work, for the practice page."""
    user = context["request"].user
    return {
        "dashboard": selectors.practice_dashboard(user=user, pk=practice.pk),
        "can_edit": can_edit_practice(user, practice),
        "request": context["request"],
    }
