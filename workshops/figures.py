"""The workshops' charts, built from the selectors' results: the learning-needs pages and the
programme report draw them alike."""

from django.utils.safestring import mark_safe

from qiproject import charts


def confidence_chart_context(results, *, ident: str) -> dict:
    """The learning-needs results with their before-and-after bar chart."""
    chart = charts.hbar_chart(
        title="Mean confidence (1 to 5) per topic, before and after the workshops",
        description="The table below has the figures.",
        rows=[(r.topic.name, (r.before, r.after)) for r in results],
        series=[("Before the workshops", "#768692"), ("After the workshops", "#005eb8")],
        scale_max=5,
        ident=ident,
    )
    # qiproject.charts escapes every text it draws.
    return {"results": results, "chart": mark_safe(chart)}
