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


@register.filter
def period(value, frequency):
    """A measure's period as "Mar 2027" or "Week of 1 Mar 2027"."""
    return dates.format_period(value, frequency)


@register.filter
def period_value(value, frequency):
    """A period as its picker's value (`2027-03`, `2027-W09`), e.g. for a link."""
    from qiproject.forms import period_value as value_of

    return value_of(value, frequency) if value else ""


@register.filter
def has_free_text(form):
    """Whether the form needs the "no patient-identifiable data" notice above it."""
    from qiproject.privacy import has_free_text as needs_notice

    return needs_notice(form)


@register.simple_tag
def no_pid_notice():
    """The "no patient-identifiable data" notice, for a form laid out field by field."""
    from django.template.loader import render_to_string

    from qiproject.privacy import NOTICE

    return render_to_string("partials/no_pid_notice.html", {"notice": NOTICE})


@register.simple_tag
def form_token():
    """A hidden one-time token that makes a create form safe to submit twice (idempotency)."""
    from django.utils.html import format_html

    from qiproject.idempotency import FIELD, new_token

    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
