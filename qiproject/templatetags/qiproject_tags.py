"""Template tags shared by every app's templates (loaded as a builtin in settings)."""

from django import template

from qiproject import dates

register = template.Library()


@register.filter
def day(value):
    """A date as "3 Mar 2027"."""
    return dates.format_date(value)


@register.filter
def month(value):
    """A month as "Mar 2027"."""
    return dates.format_month(value)


@register.filter
def day_time(value):
    """A moment as "3 Mar 2027, 14:05" in London time."""
    return dates.format_datetime(value)


@register.simple_tag
def form_token():
    """A hidden one-time token that makes a create form safe to submit twice (idempotency)."""
    from django.utils.html import format_html

    from qiproject.idempotency import FIELD, new_token

    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
