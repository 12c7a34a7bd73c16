"""Measure icons for the dashboards, built in Python: a page shows hundreds of them."""

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from pdsa import svg
from pdsa.charts import ASSURANCE_LABELS, VARIATION_LABELS

register = template.Library()
PLACEHOLDER = 999999999


@lru_cache(maxsize=64)
def _icons(variation: str, assurance: str) -> str:
    # Only a handful of (variation, assurance) pairs exist, so each is drawn once per process.
    return svg.variation_icon(
        variation or None, VARIATION_LABELS.get(variation, "Not enough data for SPC")
    ) + svg.assurance_icon(assurance or None, ASSURANCE_LABELS.get(assurance, ""))


def _chart_url() -> str:
    return reverse("pdsa:measure_chart", args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")


def _linked(measure, chart_url: str) -> tuple:
    return (
        chart_url.format(measure.pk),
        measure.name,
        mark_safe(_icons(measure.latest_variation, measure.latest_assurance)),  # svg.py escapes
    )


LINK = (
    '<a class="text-decoration-none me-1" href="{}"><span class="visually-hidden">{}: </span>{}</a>'
)


@register.simple_tag
def measure_icons(measures):
    """Each measure's latest variation and assurance icons, linked to its chart."""
    if not measures:
        return format_html('<span class="text-body-secondary">{}</span>', "No measures")
    chart_url = _chart_url()
    return format_html_join("", LINK, (_linked(m, chart_url) for m in measures))


@register.simple_tag
def measure_icon(measure):
    """One measure's icons linked to its chart, or a dash when the practice lacks it."""
    if measure is None:
        return format_html('<span class="visually-hidden">{}</span>–', "No such measure")
    return format_html(LINK, *_linked(measure, _chart_url()))
