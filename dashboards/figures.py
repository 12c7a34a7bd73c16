"""The dashboards' charts, built from the selectors' totals: the programme dashboard and the
programme report draw them alike."""

from django.utils.safestring import mark_safe

from qiproject import charts


def cycles_chart(months, ident: str = "cycles-chart") -> str:
    """Cycles started and completed per month (the page adds the numbers as a table)."""
    return mark_safe(  # qiproject.charts escapes every text it draws
        charts.bar_chart(
            title="PDSA cycles started and completed per month",
            description="Grouped bars per month; the table below has the numbers.",
            labels=[f"{m.month:%b %y}" for m in months],
            series=[
                charts.BarSeries("Started", [m.started for m in months], "#005eb8"),
                charts.BarSeries(
                    "Completed", [m.completed for m in months], "#007f3b", pattern=True
                ),
            ],
            ident=ident,
        )
    )
