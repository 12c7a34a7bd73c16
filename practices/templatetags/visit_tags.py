"""Template filters for the visit log."""

from django import template

register = template.Library()


@register.filter
def minutes(value) -> str:
    """Minutes as hours and minutes: 95 -> '1 h 35 min'."""
    try:
        value = int(value or 0)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(value, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


@register.filter
def overdue_count(summary, today) -> int:
    """How many of a VisitSummary's open actions are past their due date."""
    return summary.overdue_count(today) if summary is not None else 0
