from django import template
from django.utils.safestring import mark_safe

from evidence import markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    """Render curator Markdown, sanitised."""
    return mark_safe(markdown.render(text))  # noqa: S308 - nh3 has sanitised it


@register.inclusion_tag("evidence/partials/evidence_link.html", takes_context=True)
def evidence_link(context, item):
    """A link to an item, or a plain 'retired' label when the reader may not open it."""
    roles = context.get("roles")
    return {"item": item, "can_open": item.is_published or bool(roles and roles.is_curator)}
