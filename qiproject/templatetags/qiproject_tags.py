"""Template tags shared by every app's templates."""

from django import template

register = template.Library()


@register.simple_tag
def form_token():
    """A hidden one-time token that makes a create form safe to submit twice (idempotency)."""
    from django.utils.html import format_html

    from qiproject.idempotency import FIELD, new_token

    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
