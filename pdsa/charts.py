"""What a measure's chart shows: the run chart, the SPC chart and the latest icons.

Pure: no Django. Callers pass the measure's settings and its data in period order; this
module picks the chart (P chart for proportions, XmR otherwise), applies the baseline and a
rebase the team confirmed, and returns one row per period for the SVG and the data table;
measure_chart_svg draws the chart with qiproject.charts.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from pdsa import spc
from qiproject import charts

# Fewer points give limits too unstable to act on; below this the page offers the run chart.
MIN_SPC_POINTS = 12

VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause: improvement (high)",
    "improvement_low": "Special cause: improvement (low)",
    "concern_high": "Special cause: concern (high)",
    "concern_low": "Special cause: concern (low)",
    "neutral_high": "Special cause: neither better nor worse (high)",
    "neutral_low": "Special cause: neither better nor worse (low)",
}
ASSURANCE_LABELS = {
    "pass": "The process consistently meets the target",
    "fail": "The process consistently misses the target",
    "inconsistent": "The process will sometimes meet and sometimes miss the target",
}


@dataclass(frozen=True)
class SeriesPoint:
    period: date
    value: float
    numerator: int | None = None
    denominator: int | None = None


@dataclass
class ChartRow:
    period: date
    value: float
    numerator: int | None
    denominator: int | None
    centre: float | None = None
    lower: float | None = None
    upper: float | None = None
    special_cause: str = "common_cause"
    rule: str | None = None
    explanation: str = ""


@dataclass
class Analysis:
    kind: str  # "p" or "xmr"
    rows: list[ChartRow]
    run: spc.RunChart
    spc_available: bool
    trial_limits: bool = False
    variation: str | None = None
    assurance: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def variation_label(self) -> str:
        return VARIATION_LABELS.get(self.variation or "", "Not enough data for SPC")

    @property
    def assurance_label(self) -> str:
        return ASSURANCE_LABELS.get(self.assurance or "", "")

    @property
    def has_improvement(self) -> bool:
        return any(row.special_cause == "improvement" for row in self.rows)

    def sustained(self, after: int = 6) -> bool:
        """Improvement flagged and still showing at the latest point, `after` periods on."""
        flagged = [i for i, row in enumerate(self.rows) if row.special_cause == "improvement"]
        return bool(
            flagged
            and self.rows[-1].special_cause == "improvement"
            and len(self.rows) - 1 - flagged[0] >= after
        )


def analyse(
    points: list[SeriesPoint],
    *,
    is_proportion: bool,
    improvement: str,
    target: float | None = None,
    baseline_end: date | None = None,
    rebased_from: date | None = None,
    data_type: str = "",
) -> Analysis:
    """The run chart and the SPC chart of a measure's points (in period order).

    Limits in the flags' words are written as the chart and the table write the measure's
    values (qiproject.charts.format_value), so a limit reads the same in all three.
    """
    data_type = "proportion" if is_proportion else data_type
    fmt = partial(charts.format_value, data_type=data_type)
    values = [p.value for p in points]
    rows = [ChartRow(p.period, p.value, p.numerator, p.denominator) for p in points]
    analysis = Analysis(
        kind="p" if is_proportion else "xmr",
        rows=rows,
        run=spc.run_chart(values),
        spc_available=len(points) >= MIN_SPC_POINTS,
    )
    if not analysis.spc_available:
        return analysis
    periods = [p.period for p in points]
    rebase_index = periods.index(rebased_from) if rebased_from in periods else None
    if rebase_index == 0:
        rebase_index = None
    baseline = sum(1 for p in periods if p <= baseline_end) if baseline_end else None
    if baseline is not None and baseline < 2:
        baseline = None
    if is_proportion:
        _p_rows(analysis, points, improvement, target, rebase_index, baseline, fmt)
        if baseline:
            analysis.notes.append(
                f"Limits frozen from the first {baseline} periods (the baseline): the centre "
                f"line is their total numerator divided by their total denominator "
                f"({fmt(analysis.rows[0].centre)}), and each period's limits are three "
                f"standard errors either side of it, wider for a period with a smaller "
                f"denominator and narrower for a larger one."
            )
    else:
        chart = spc.xmr_chart(
            values,
            improvement=improvement,
            target=target,
            baseline=baseline,
            rebase_at=[rebase_index] if rebase_index else None,
            fmt=fmt,
        )
        for row, point in zip(rows, chart.points, strict=True):
            row.centre, row.lower, row.upper = point.mean, point.lower_limit, point.upper_limit
            row.special_cause = point.special_cause or "common_cause"
            row.rule, row.explanation = point.rule, point.explanation
        analysis.trial_limits = chart.trial_limits
        analysis.variation, analysis.assurance = chart.variation, chart.assurance
        if baseline:
            analysis.notes.append(f"Limits from the first {baseline} periods (the baseline).")
    if rebase_index:
        analysis.notes.append(f"Limits recalculated from {periods[rebase_index]:%b %Y}.")
    if analysis.trial_limits:
        analysis.notes.append("Trial limits: fewer than 13 points set them.")
    return analysis


def _p_rows(analysis, points, improvement, target, rebase_index, baseline, fmt):
    """P chart limits, one segment before and one after a confirmed rebase; the baseline, as
    for XmR, freezes the first segment's centre (spc.p_chart explains the limits)."""
    bounds = [(0, rebase_index), (rebase_index, len(points))] if rebase_index else [(0, None)]
    chart = None
    for number, (start, stop) in enumerate(bounds):
        segment = points[start:stop]
        frozen = min(baseline, len(segment)) if number == 0 and baseline else None
        chart = spc.p_chart(
            [p.numerator for p in segment],
            [p.denominator for p in segment],
            improvement=improvement,
            target=target,
            baseline=frozen if frozen and frozen >= 2 else None,
            fmt=fmt,
        )
        for row, point in zip(analysis.rows[start:stop], chart.points, strict=True):
            row.centre, row.lower, row.upper = chart.centre, point.lower_limit, point.upper_limit
            row.special_cause = point.special_cause or "common_cause"
            row.rule, row.explanation = point.rule, point.explanation
        limit_points = frozen or len(segment)
        analysis.trial_limits = analysis.trial_limits or limit_points <= spc.TRIAL_LIMIT_POINTS
    analysis.variation, analysis.assurance = chart.variation, chart.assurance


@dataclass(frozen=True)
class Summary:
    """What the dashboards show of a measure without loading its data: kept on the measure."""

    variation: str = ""
    assurance: str = ""
    latest_period: date | None = None
    latest_value: float | None = None
    point_count: int = 0
    shows_improvement: bool = False
    improvement_sustained: bool = False


def summarise(analysis: Analysis) -> Summary:
    """The latest icons, the latest value and the improvement flags of an analysis."""
    latest = analysis.rows[-1] if analysis.rows else None
    return Summary(
        variation=analysis.variation or "",
        assurance=analysis.assurance or "",
        latest_period=latest.period if latest else None,
        latest_value=latest.value if latest else None,
        point_count=len(analysis.rows),
        shows_improvement=analysis.has_improvement,
        improvement_sustained=analysis.sustained(),
    )


def chart_cycles(measure, rows: list[ChartRow], cycles) -> list[tuple[int, object]]:
    """(index of the period it starts in, cycle) for each cycle that starts within the data.

    A cycle that starts before the first period or after the latest one is not on the chart
    (the page lists it apart); the chart's key numbers follow this order.
    """
    periods = [row.period for row in rows]
    if not periods:
        return []
    placed = []
    for cycle in cycles:
        start = measure.normalise_period(cycle.start_date)
        if start < periods[0] or start > periods[-1]:
            continue
        index = next(i for i, p in enumerate(periods) if p >= start)
        placed.append((index, cycle))
    placed.sort(key=lambda item: item[0])
    return placed


def period_label(measure, period: date) -> str:
    """A period on the chart's time axis: "Mar 2026", or "3 Mar 26" for a weekly measure."""
    if measure.frequency == "weekly":
        return f"{period.day} {period:%b %y}"
    return f"{period:%b %Y}"


def measure_chart_svg(measure, analysis, cycles, *, spc: bool, ident: str = "chart") -> str:
    """The measure's chart as SVG (qiproject.charts escapes every text it is given); `ident`
    keeps its ids apart from other charts on the same page."""
    rows = analysis.rows
    on_chart = chart_cycles(measure, rows, cycles)
    common = {
        "labels": [period_label(measure, row.period) for row in rows],
        "values": [row.value for row in rows],
        "target": measure.target_as_fraction(),
        "annotations": [
            (index, f"PDSA {cycle.number}: {_shorten(cycle.title, 60)}")
            for index, cycle in on_chart
        ],
        "data_type": measure.data_type,
        "weekly": measure.frequency == "weekly",
        "ident": ident,
    }
    if spc:
        name = "P chart" if analysis.kind == "p" else "XmR chart"
        return charts.line_chart(
            title=f"{name} of {measure.name}",
            description=f"{analysis.variation_label}. {analysis.assurance_label}".strip(),
            kinds=[row.special_cause for row in rows],
            centre=[row.centre for row in rows],
            lower=[row.lower for row in rows],
            upper=[row.upper for row in rows],
            centre_label="Centre line" if analysis.kind == "p" else "Mean",
            **common,
        )
    run = analysis.run
    verdict = "Non-random variation. " if run.signal else "No signal of non-random variation. "
    return charts.line_chart(
        title=f"Run chart of {measure.name}",
        description=verdict + " ".join(run.explanations),
        centre=[run.median] * len(rows) if run.median is not None else None,
        centre_label="Median",
        **common,
    )


def _shorten(text: str, length: int) -> str:
    """`text` cut to `length` characters with an ellipsis, as Django's Truncator.chars cuts."""
    text = unicodedata.normalize("NFC", text)
    counted, end = 0, None
    for index, char in enumerate(text):
        if unicodedata.combining(char):
            continue
        counted += 1
        if end is None and counted > length - 1:
            end = index
        if counted > length:
            return text[:end] + "…"
    return text


@dataclass(frozen=True)
class Signal:
    """Where a run of special-cause points starts, and the PDSA cycle that came before it."""

    period: date
    special_cause: str  # "improvement", "concern" or "neutral"
    explanation: str
    cycle: object | None


def signals(measure, analysis: Analysis, cycles) -> list[Signal]:
    """The first point of each run of special cause on the chart, each with the cycle that
    started last in or before its period (the chart's annotation rule), if any."""
    started = sorted(
        ((measure.normalise_period(c.start_date), c.number, c) for c in cycles if c.start_date),
        key=lambda item: (item[0], item[1]),
    )
    found, previous = [], "common_cause"
    for row in analysis.rows:
        if row.special_cause not in ("common_cause", previous):
            before = [cycle for start, _, cycle in started if start <= row.period]
            found.append(
                Signal(
                    row.period, row.special_cause, row.explanation, before[-1] if before else None
                )
            )
        previous = row.special_cause
    return found
