"""Dashboard tags: rows and measure icons are built in Python (dashboards.rows)."""

from django import template
from django.utils.safestring import mark_safe

from dashboards import rows as row_html
from pdsa.charts import ASSURANCE_LABELS, VARIATION_LABELS
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


@register.inclusion_tag("dashboards/_icon_legend.html")
def icon_legend():
    """A visible key to the measure icons: each icon the rows draw and what it means."""
    variations = [
        (value, VARIATION_LABELS.get(value, "Not enough data for SPC"))
        for value in charts.VARIATIONS
    ]
    # qiproject.charts escapes the labels it draws.
    return {
        "variations": [
            (mark_safe(charts.variation_use(value or None, label)), label)
            for value, label in variations
        ],
        "assurances": [
            (mark_safe(charts.assurance_use(value, label)), label)
            for value, label in ASSURANCE_LABELS.items()
        ],
    }
