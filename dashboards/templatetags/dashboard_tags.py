"""Dashboard tags: rows and measure icons are built in Python (dashboards.rows)."""

from django import template

from dashboards import rows as row_html

register = template.Library()


@register.simple_tag
def measure_icons(measures):
    """Each measure's latest variation and assurance icons, linked to its chart."""
    return row_html.measure_icons(measures)


@register.simple_tag
def measure_icon(measure):
    """One measure's icons linked to its chart, or a dash when the practice lacks it."""
    return row_html.measure_icon(measure)


@register.simple_tag
def practice_rows(rows, today):
    """Every dashboard row's <tr>, built in Python: a page has 50 rows of 10 columns."""
    return row_html.practice_rows_html(rows, today=today)


@register.simple_tag
def matrix_rows(rows):
    """The programme dashboard's practice-by-measure icon rows."""
    return row_html.matrix_rows_html(rows)
