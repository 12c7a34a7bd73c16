"""Dashboard tags: rows and measure icons are built in Python (dashboards.rows)."""

from django import template
from django.utils.safestring import mark_safe

from dashboards import rows as row_html
from pdsa import svg
from pdsa.charts import ASSURANCE_LABELS, VARIATION_LABELS

register = template.Library()


@register.simple_tag
def icon_sprite():
    """The icons the rows draw by reference, once per page."""
    return mark_safe(svg.icon_sprite())  # svg.py escapes its text


@register.simple_tag
def matrix_rows(lines):
    """The programme dashboard's practice-by-measure icon rows."""
    return row_html.matrix_rows_html(lines)


@register.inclusion_tag("dashboards/_icon_legend.html")
def icon_legend():
    """A visible key to the measure icons: each icon the rows draw and what it means."""
    variations = [
        (value, VARIATION_LABELS.get(value, "Not enough data for SPC")) for value in svg.VARIATIONS
    ]
    return {
        "variations": [
            (mark_safe(svg.variation_use(value or None, label)), label)  # svg.py escapes
            for value, label in variations
        ],
        "assurances": [
            (mark_safe(svg.assurance_use(value, label)), label)
            for value, label in ASSURANCE_LABELS.items()
        ],
    }
