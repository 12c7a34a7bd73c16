"""Dashboard tags: rows and measure icons are built in Python (dashboards.rows)."""

from django import template
from django.utils.safestring import mark_safe

from dashboards import rows as row_html
from qiproject import charts

register = template.Library()


@register.simple_tag
def icon_sprite():
    """The icons the rows draw by reference, once per page."""
    return mark_safe(charts.icon_sprite())  # qiproject.charts escapes its text


@register.simple_tag
def matrix_rows(lines):
    """The programme dashboard's practice-by-measure icon rows."""
    return row_html.matrix_rows_html(lines)
