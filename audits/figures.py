"""The audit charts the pages and the reports show, built from the selectors' results.

The one place that turns a round's results, a re-audit comparison or a funnel into SVG, so
the round page, the funnel page and the reports draw them alike.
"""

from django.utils.safestring import mark_safe

from audits.stats import funnel_limits
from qiproject import charts
from qiproject.dates import format_month


def results_chart(results, title: str, ident: str = "criteria-chart") -> str:
    """A round's criteria against their standards, with 95% intervals (escaped SVG)."""
    series = charts.Series(
        name="This round",
        intervals=[
            charts.Interval(result.proportion, result.low, result.high) if result.eligible else None
            for result in results
        ],
    )
    return mark_safe(  # noqa: S308 - charts escape every piece of text they draw
        charts.whisker_chart(
            title=title,
            description="Each criterion's proportion met with its 95% confidence interval; "
            "the dashed red line is the standard. The table below gives the numbers.",
            labels=[result.criterion.short_name for result in results],
            standards=[result.standard for result in results],
            series=[series],
            ident=ident,
        )
    )


def comparison_chart(comparison, ident: str = "rounds-chart") -> str:
    """Every round of a template in a practice, criterion by criterion (escaped SVG)."""
    series = []
    for index, audit_round in enumerate(comparison.rounds):
        series.append(
            charts.Series(
                name=f"Round {index + 1} ({format_month(audit_round.period_end)})",
                intervals=[
                    charts.Interval(cell.proportion, cell.low, cell.high)
                    if cell is not None and cell.eligible
                    else None
                    for cell in (row.cells[index] for row in comparison.rows)
                ],
            )
        )
    return mark_safe(  # noqa: S308 - charts escape every piece of text they draw
        charts.whisker_chart(
            title="Every round of this audit in the practice",
            description="Each criterion's proportion met in each round, with 95% confidence "
            "intervals; the dashed red line is the standard. The table gives the numbers.",
            labels=[row.short_name for row in comparison.rows],
            standards=[row.standard / 100 for row in comparison.rows],
            series=series,
            ident=ident,
        )
    )


def funnel_chart(result, ident: str = "funnel") -> str:
    """A funnel (selectors.funnel) as SVG, or "" when no practice has a complete round."""
    if not result.points:
        return ""
    return mark_safe(  # noqa: S308 - charts escape every piece of text they draw
        charts.funnel_chart(
            title=f"{result.criterion_name}: practices compared",
            description="Each practice's proportion met against its eligible cases, with "
            "the programme's overall proportion and its 95% (dashed) and 99.8% limits. "
            "The table below gives the numbers.",
            centre=result.centre,
            dots=[
                charts.FunnelDot(p.label, p.met, p.eligible, highlight=p.is_own)
                for p in result.points
            ],
            limits=funnel_limits,
            ident=ident,
        )
    )
