"""Run charts and statistical process control (SPC) charts for improvement measures.

Pure computation: nothing here imports Django, so the rules can be tested and reused alone.

Sources (see the QI methods reference, qi-methods.md):

- Run charts follow the Anhøj rules as implemented in qicharts2 (R/helper.functions.R).
- XmR charts follow NHS England's Making Data Count rules as implemented in NHSRplotthedots
  0.2.x, with one deliberate difference: in the "two of three" rule, points beyond a process
  limit count as well as points near it, as Making Data Count announced in November 2023
  (NHSRplotthedots issue #194). The package still counts only points between 2 and 3 sigma.
- P charts use the usual binomial limits, optionally Laney's p' adjustment as in qicharts2.

Choices made where the sources are silent or differ:

- Missing periods (``None``) are left out of the statistics. On a run chart they are simply
  dropped. On SPC charts no moving range is taken across a gap (as in both R packages, since
  such a range would span two periods), and the special-cause rules run over the recorded
  points in order, so a gap neither breaks nor extends a run. A missing point keeps its place
  in ``points`` with ``value=None`` and ``special_cause=None``.
- When every moving range is zero (a constant series) screening would drop them all; the
  average moving range is then kept at zero, so the limits equal the mean.
- A baseline (``baseline=k``) counts the first k periods, recorded or not, as
  NHSRplotthedots does; with rebasing it applies to the first segment only, because a rebase
  marks a deliberate change and the new segment's limits should reflect all of it. (The
  package applies its ``fix_after_n_points`` within every rebase group.)
- A point within a relative 1e-9 of the mean (or centre line) counts as on it, so that a
  decimal value equal to a decimal mean breaks a shift as the rule intends, whatever the
  binary rounding. R compares exactly, so it can differ from the packages in such ties.
- Labelling follows the rules in priority order. A trend is high when it rises (the package
  uses the point's side of the mean instead). If one point ends a rising trend and starts a
  falling one, the improvement side wins, as in the Making Data Count single chart tool;
  with no preferred direction the high side is shown.
- The variation icon is ``None`` whenever the latest recorded point has no limits (empty
  series, a single point), since one point cannot show variation.
- Assurance is ``None`` for a neutral improvement direction, as in NHSRplotthedots.
- On a P chart a zero or missing denominator skips the period; the near band is 2 sigma from
  the centre line, clipped to [0, 1] like the limits; Laney's moving ranges of z are not
  screened (the qicharts2 default), and with no moving range of z there are no limits.
"""

from __future__ import annotations

import collections
import fractions
import functools
import itertools
import math
import operator
import re
import statistics
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

# 1.128 is d2 for subgroups of two: the expected moving range of two consecutive points is
# 1.128 sigma, so sigma = AMR / 1.128 (Montgomery, Introduction to Statistical Quality Control).
D2 = 1.128
# 2.66 = 3 / 1.128, rounded as Making Data Count and NHSRplotthedots round it: the process
# limits sit three sigma from the mean, expressed in average moving ranges.
LIMIT_FACTOR = 2.66
# 3.267 is D4 for subgroups of two, the upper limit of the moving-range chart; moving ranges at
# or above 3.267 x AMR are screened out before the limits are set (Nelson 1982).
MR_SCREEN_FACTOR = 3.267

# The "near the limits" band starts two thirds of the way from the mean to a limit (2 sigma).
NEAR_FRACTION = 2 / 3
# Making Data Count uses seven points for both a trend and a shift.
TREND_POINTS = 7
SHIFT_POINTS = 7
# Making Data Count treats limits from 12 or fewer points as trial limits.
TRIAL_LIMIT_POINTS = 12
# Decimal data such as 85.5% is stored in binary, so a point the user sees on the mean can
# land a hair either side of it; within this relative tolerance it counts as on the line.
ON_CENTRE_TOLERANCE = 1e-9

_T = TypeVar("_T")

IMPROVEMENT_DIRECTIONS = ("increase", "decrease", "neutral")

OUTSIDE_LIMITS = "outside_limits"
TREND = "trend"
TWO_OF_THREE = "two_of_three"
SHIFT = "shift"

COMMON_CAUSE = "common_cause"
IMPROVEMENT = "improvement"
CONCERN = "concern"
NEUTRAL = "neutral"

__all__ = [
    "D2",
    "LIMIT_FACTOR",
    "MR_SCREEN_FACTOR",
    "PChart",
    "PPoint",
    "RunChart",
    "XmrChart",
    "XmrPoint",
    "XmrSegment",
    "average_moving_range",
    "crossings_limit",
    "longest_run_limit",
    "p_chart",
    "run_chart",
    "xmr_chart",
]


# Run chart (Anhøj rules) --------------------------------------------------------------------


@dataclass(frozen=True)
class RunChart:
    """A run chart analysed with the Anhøj rules."""

    median: float | None
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    crossings: int | None
    crossings_min: int | None
    runs_signal: bool
    crossings_signal: bool
    signal: bool
    explanations: list[str]


def run_chart(values: Iterable[float | None]) -> RunChart:
    """Analyse a series with the Anhøj run chart rules, ignoring missing (None) values."""
    observed = [v for v in values if v is not None]
    if not observed:
        return RunChart(None, 0, 0, None, None, None, None, False, False, False, [])
    median = statistics.median(observed)
    # Points on the median are dropped before counting runs, so they neither break nor
    # extend a run (qicharts2 does the same).
    sides = [v > median for v in observed if v != median]
    n_useful = len(sides)
    if not n_useful:
        return RunChart(median, len(observed), 0, None, None, None, None, False, False, False, [])

    run_lengths = _run_lengths(sides)
    longest_run = max(run_lengths)
    longest_run_max = longest_run_limit(n_useful)
    crossings = len(run_lengths) - 1
    crossings_min = crossings_limit(n_useful)
    runs_signal = longest_run > longest_run_max
    crossings_signal = crossings < crossings_min

    explanations = []
    if runs_signal:
        explanations.append(
            f"The longest run ({longest_run} points on one side of the median) is longer "
            f"than the {longest_run_max} expected by chance."
        )
    if crossings_signal:
        explanations.append(
            f"The line crosses the median {_times(crossings)}, fewer than the "
            f"{crossings_min} expected by chance."
        )
    return RunChart(
        median=median,
        n_obs=len(observed),
        n_useful=n_useful,
        longest_run=longest_run,
        longest_run_max=longest_run_max,
        crossings=crossings,
        crossings_min=crossings_min,
        runs_signal=runs_signal,
        crossings_signal=crossings_signal,
        signal=runs_signal or crossings_signal,
        explanations=explanations,
    )


def longest_run_limit(n_useful: int) -> int:
    """Return the longest run expected by chance among n useful points (Schilling 2012)."""
    # log2(n) is never exactly k + 0.5 for whole n, so R's and Python's rounding agree.
    return round(math.log2(n_useful)) + 3


@functools.cache
def crossings_limit(n_useful: int) -> int:
    """Return the fewest median crossings expected by chance: qbinom(0.05, n - 1, 0.5)."""
    trials = max(n_useful - 1, 0)
    if trials <= EXACT_CROSSINGS_TRIALS:
        return _crossings_limit_exact(trials)
    # Found in floating point from the normal approximation, then confirmed: the answer is
    # the c with P(X <= c - 1) < 1/20 <= P(X <= c). Only if either probability is too close
    # to 1/20 for rounding to be ruled out is the whole-number sum done instead. Both ways
    # give qbinom's answer; the float way takes O(sqrt(n)) steps instead of O(n) big sums.
    c = _crossings_limit_float(trials)
    return _crossings_limit_exact(trials) if c is None else c


# Up to here the whole-number sum is as quick as the floating-point search.
EXACT_CROSSINGS_TRIALS = 200
# The floating-point probabilities carry a relative error of a few units in the last place of
# log-gamma values near trials x log(trials); a call closer than a thousand times that is
# settled with whole numbers.
CROSSINGS_FLOAT_MARGIN = 1000 * sys.float_info.epsilon


def _crossings_limit_exact(trials: int) -> int:
    # Whole-number arithmetic keeps the comparison exact: P(X <= c) >= 1/20 with
    # P(X <= c) = cumulative / 2**trials. Each binomial coefficient comes from the one
    # before it, so the sum is linear in c (rather than a fresh comb() per term).
    total = 2**trials
    term = 1
    cumulative = 0
    for c in range(trials + 1):
        cumulative += term
        if cumulative * 20 >= total:
            return c
        term = term * (trials - c) // (c + 1)
    return trials


def _crossings_limit_float(trials: int) -> int | None:
    """The crossings limit from float tail sums, or None when too close to call."""
    # Start from the normal approximation's fifth percentile (z = 1.645).
    c = max(0, min(trials, int(trials / 2 - 1.6448536269514722 * math.sqrt(trials) / 2)))
    cdf = _binomial_half_cdf(trials, c)
    # Walk to the smallest c with P(X <= c) >= 1/20; the guess is within a step or two.
    while cdf < 0.05 and c < trials:
        c += 1
        cdf += _binomial_half_pmf(trials, c)
    while c > 0:
        below = cdf - _binomial_half_pmf(trials, c)
        if below < 0.05:
            break
        c -= 1
        cdf = below
    else:
        below = 0.0
    margin = 0.05 * CROSSINGS_FLOAT_MARGIN * (math.lgamma(trials + 1) + trials + 1)
    if abs(cdf - 0.05) <= margin or (c > 0 and abs(below - 0.05) <= margin):
        return None
    return c


def _binomial_half_pmf(trials: int, k: int) -> float:
    # log-gamma keeps the coefficient and 2**trials within floating-point range.
    return math.exp(
        math.lgamma(trials + 1)
        - math.lgamma(k + 1)
        - math.lgamma(trials - k + 1)
        - trials * math.log(2)
    )


def _binomial_half_cdf(trials: int, k: int) -> float:
    # Summed downwards from k with the ratio pmf(j - 1) / pmf(j) = j / (trials - j + 1),
    # until the terms no longer change the sum: about sqrt(trials) steps in the tail.
    term = _binomial_half_pmf(trials, k)
    terms = [term]
    j = k
    while j > 0 and term > 1e-18 * terms[0]:
        term *= j / (trials - j + 1)
        terms.append(term)
        j -= 1
    return math.fsum(terms)


def _run_lengths(sides: Sequence[bool]) -> list[int]:
    lengths = [1]
    for previous, current in itertools.pairwise(sides):
        if current == previous:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


# Special-cause rules shared by the XmR and P charts -----------------------------------------
#
# Each rule takes the recorded points of one segment and returns, for every point, the sides
# it is flagged on as bits: HIGH, LOW, both, or 0 when the rule does not flag it. Every rule is
# one pass over the points, so a chart's cost grows linearly with its length.

_HIGH = 1
_LOW = 2


def _outside_limits(
    values: Sequence[float], lowers: Sequence[float], uppers: Sequence[float]
) -> list[int]:
    return [
        _HIGH if v > upper else _LOW if v < lower else 0
        for v, lower, upper in zip(values, lowers, uppers, strict=True)
    ]


def _long_runs(codes: Sequence[int], code: int, length: int) -> Iterator[range]:
    """The positions of each run of at least ``length`` consecutive ``code``s (1 or 2)."""
    # A regular expression over the codes as bytes finds the runs in C: one Python step per
    # run instead of one per point, which matters on a chart of 100,000 points.
    for run in re.finditer(b"%c{%d,}" % (code, length), bytes(codes)):
        yield range(run.start(), run.end())


def _trend(values: Sequence[float]) -> list[int]:
    flags = [0] * len(values)
    # steps[i] is HIGH when point i + 1 rises from point i, LOW when it falls; an equal value
    # is neither a rise nor a fall, so it ends the trend.
    steps = [_HIGH if b > a else _LOW if b < a else 0 for a, b in itertools.pairwise(values)]
    for bit in (_HIGH, _LOW):
        # TREND_POINTS points in a row make TREND_POINTS - 1 steps.
        for run in _long_runs(steps, bit, TREND_POINTS - 1):
            for j in range(run.start, run.stop + 1):
                flags[j] |= bit
    return flags


def _side(value: float, centre: float) -> int:
    if math.isclose(value, centre, rel_tol=ON_CENTRE_TOLERANCE, abs_tol=1e-12):
        return 0
    return _HIGH if value > centre else _LOW


def _two_of_three(
    values: Sequence[float],
    sides: Sequence[int],
    near_lowers: Sequence[float],
    near_uppers: Sequence[float],
) -> list[int]:
    flags = [0] * len(values)
    for bit in (_HIGH, _LOW):
        # "Near" here includes beyond the limit, following Making Data Count (Nov 2023).
        near = [
            v > nu if bit == _HIGH else v < nl
            for v, nl, nu in zip(values, near_lowers, near_uppers, strict=True)
        ]
        for start in range(len(values) - 2):
            if (
                sides[start] == bit
                and sides[start + 1] == bit
                and sides[start + 2] == bit
                and near[start] + near[start + 1] + near[start + 2] >= 2
            ):
                for j in range(start, start + 3):
                    if near[j]:
                        flags[j] |= bit
    return flags


def _shift(sides: Sequence[int]) -> list[int]:
    flags = [0] * len(sides)
    # A point exactly on the centre line (side 0) breaks the run.
    for bit in (_HIGH, _LOW):
        for run in _long_runs(sides, bit, SHIFT_POINTS):
            for j in run:
                flags[j] |= bit
    return flags


def _rule_flags(
    values: Sequence[float],
    centres: Sequence[float],
    lowers: Sequence[float],
    uppers: Sequence[float],
    near_lowers: Sequence[float],
    near_uppers: Sequence[float],
) -> list[tuple[str, list[int]]]:
    sides = [_side(v, c) for v, c in zip(values, centres, strict=True)]
    # The order is the Making Data Count priority for labelling a point.
    return [
        (OUTSIDE_LIMITS, _outside_limits(values, lowers, uppers)),
        (TREND, _trend(values)),
        (TWO_OF_THREE, _two_of_three(values, sides, near_lowers, near_uppers)),
        (SHIFT, _shift(sides)),
    ]


def _first_flag(
    rules: Sequence[str], point_flags: Sequence[int], improvement: str
) -> tuple[str, bool] | None:
    for rule, sides in zip(rules, point_flags, strict=True):
        if sides == _HIGH:
            return rule, True
        if sides == _LOW:
            return rule, False
        if sides:
            # Only a point between a rising and a falling trend gets here.
            return rule, improvement != "decrease"
    return None


def _special_cause(high: bool, improvement: str) -> str:
    if improvement == "neutral":
        return NEUTRAL
    return IMPROVEMENT if high == (improvement == "increase") else CONCERN


Formatter = Callable[[float], str]

_CONCLUSIONS = {
    IMPROVEMENT: "This suggests improvement.",
    CONCERN: "This is a cause for concern.",
    NEUTRAL: "This is special-cause variation; the measure has no preferred direction.",
}


def _explain(
    rule: str, high: bool, special_cause: str, limit: float, centre_name: str, fmt: Formatter
) -> str:
    above = "above" if high else "below"
    if rule == OUTSIDE_LIMITS:
        which = "upper" if high else "lower"
        finding = f"This point is {above} the {which} process limit of {fmt(limit)}."
    elif rule == TREND:
        trend, direction = ("rising", "higher") if high else ("falling", "lower")
        finding = (
            f"This point is part of a {trend} trend: {TREND_POINTS} or more points in a row, "
            f"each {direction} than the one before it."
        )
    elif rule == TWO_OF_THREE:
        which = "upper" if high else "lower"
        finding = (
            f"This point is one of two or more in three consecutive points close to or "
            f"beyond the {which} process limit, all {above} {centre_name}."
        )
    else:
        finding = (
            f"This point is part of a run of {SHIFT_POINTS} or more points {above} {centre_name}."
        )
    return f"{finding} {_CONCLUSIONS[special_cause]}"


COMMON_CAUSE_EXPLANATION = (
    "This point is inside the process limits and part of no special-cause pattern: "
    "common-cause variation."
)
MISSING_EXPLANATION = "No value was recorded for this period."
NO_LIMITS_EXPLANATION = "There are too few points to calculate process limits."


def _format_number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _format_percent(x: float) -> str:
    return f"{x * 100:.1f}%"


@dataclass(frozen=True)
class _Label:
    special_cause: str
    rule: str | None
    high: bool | None
    explanation: str


def _label_fields(label: _Label) -> dict[str, str | bool | None]:
    return {
        "special_cause": label.special_cause,
        "rule": label.rule,
        "high": label.high,
        "explanation": label.explanation,
    }


def _frozen_instances(cls: type[_T], fields: Sequence[dict[str, object]]) -> list[_T]:
    """Instances of the frozen dataclass cls, one for each dict of all its fields, in order.

    The same objects as [cls(**f) for f in fields], made in well under half the time. The
    generated __init__ sets each field through object.__setattr__ to get past the frozen
    guard, which is the slowest step of a long chart; here each instance is given its whole
    dictionary in one step instead, and map() makes and fills the instances without a Python
    call apiece. The price is memory: an instance dictionary of its own, about 170 bytes more
    a point than the compact one __init__ leaves (17 MB at 100,000 points).
    """
    instances = list(map(object.__new__, itertools.repeat(cls, len(fields))))
    # Setting each dictionary returns None; a deque of length zero runs the map and keeps none.
    collections.deque(
        map(object.__setattr__, instances, itertools.repeat("__dict__"), fields), maxlen=0
    )
    return instances


def _label_points(
    values: Sequence[float],
    centres: Sequence[float],
    lowers: Sequence[float],
    uppers: Sequence[float],
    near_lowers: Sequence[float],
    near_uppers: Sequence[float],
    improvement: str,
    centre_name: str,
    fmt: Formatter,
) -> list[_Label]:
    rule_flags = _rule_flags(values, centres, lowers, uppers, near_lowers, near_uppers)
    rules = [rule for rule, _ in rule_flags]
    common = _Label(COMMON_CAUSE, None, None, COMMON_CAUSE_EXPLANATION)
    found: dict[tuple[str, bool, float], _Label] = {}

    def label(point_flags: Sequence[int], lower: float, upper: float) -> _Label:
        flag = _first_flag(rules, point_flags, improvement)
        if flag is None:
            return common
        rule, high = flag
        limit = upper if high else lower
        if (rule, high, limit) not in found:
            special_cause = _special_cause(high, improvement)
            explanation = _explain(rule, high, special_cause, limit, centre_name, fmt)
            found[rule, high, limit] = _Label(special_cause, rule, high, explanation)
        return found[rule, high, limit]

    # Labels are immutable, so points with the same finding share one. A point's label
    # depends only on each rule's flags for it and on its limits, and a long chart has few
    # distinct combinations of those (an XmR segment has one limit on each side), so each
    # combination is labelled once, in order of first appearance, and its points share it.
    keys = list(zip(*(flags for _, flags in rule_flags), lowers, uppers, strict=True))
    labels = {key: label(key[:-2], key[-2], key[-1]) for key in dict.fromkeys(keys)}
    return [labels[key] for key in keys]


def _variation(point: XmrPoint | PPoint | None) -> str | None:
    # One point, or a segment too short for limits, cannot show variation either way.
    if point is None or point.lower_limit is None:
        return None
    if point.special_cause == COMMON_CAUSE:
        return COMMON_CAUSE
    return f"{point.special_cause}_{'high' if point.high else 'low'}"


def _assurance(
    target: float | None, lower: float | None, upper: float | None, improvement: str
) -> str | None:
    if target is None or lower is None or upper is None or improvement == "neutral":
        return None
    if target > upper:
        return "fail" if improvement == "increase" else "pass"
    if target < lower:
        return "pass" if improvement == "increase" else "fail"
    return "inconsistent"


def _check_improvement(improvement: str) -> None:
    if improvement not in IMPROVEMENT_DIRECTIONS:
        raise ValueError(f"improvement must be one of {', '.join(IMPROVEMENT_DIRECTIONS)}")


# XmR chart (Making Data Count) --------------------------------------------------------------


@dataclass(frozen=True)
class XmrPoint:
    """One period on an XmR chart, with the limits of its segment and its label."""

    value: float | None
    special_cause: str | None
    rule: str | None
    high: bool | None
    explanation: str
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    near_lower: float | None
    near_upper: float | None


@dataclass(frozen=True)
class XmrSegment:
    """A run of periods sharing one mean and one set of limits (from start up to stop)."""

    start: int
    stop: int
    mean: float | None
    amr: float | None
    lower_limit: float | None
    upper_limit: float | None
    near_lower: float | None
    near_upper: float | None
    n_limit_points: int
    trial_limits: bool


@dataclass(frozen=True)
class XmrChart:
    """An XmR chart; the chart-level mean and limits are those of the latest segment.

    ``trial_limits`` is true when any segment's limits rest on 12 or fewer points.
    """

    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    near_lower: float | None
    near_upper: float | None
    amr: float | None
    trial_limits: bool
    points: list[XmrPoint]
    segments: list[XmrSegment]
    variation: str | None
    assurance: str | None


def xmr_chart(
    values: Sequence[float | None],
    improvement: str = "increase",
    target: float | None = None,
    screen_outliers: bool = True,
    baseline: int | None = None,
    rebase_at: Iterable[int] | None = None,
    fmt: Formatter | None = None,
) -> XmrChart:
    """Build an XmR chart labelled with the Making Data Count special-cause rules.

    ``fmt`` words the limits in the explanations as the page shows the measure's values.
    """
    _check_improvement(improvement)
    if baseline is not None and baseline < 2:
        raise ValueError("baseline must be at least 2 points")
    values = list(values)
    segments = []
    points: list[XmrPoint] = []
    for number, (start, stop) in enumerate(_segment_bounds(len(values), rebase_at)):
        window = stop - start
        if number == 0 and baseline is not None:
            window = min(baseline, window)
        segment = _xmr_segment(values[start : start + window], start, stop, screen_outliers)
        segments.append(segment)
        points.extend(_xmr_points(values[start:stop], segment, improvement, fmt))

    latest = segments[-1] if segments else _xmr_segment([], 0, 0, screen_outliers)
    last = _last_recorded(points)
    return XmrChart(
        mean=latest.mean,
        lower_limit=latest.lower_limit,
        upper_limit=latest.upper_limit,
        near_lower=latest.near_lower,
        near_upper=latest.near_upper,
        amr=latest.amr,
        trial_limits=any(s.trial_limits for s in segments),
        points=points,
        segments=segments,
        variation=_variation(last),
        assurance=_assurance(target, latest.lower_limit, latest.upper_limit, improvement),
    )


def _segment_bounds(length: int, rebase_at: Iterable[int] | None) -> list[tuple[int, int]]:
    if not length:
        return []
    starts = {0}
    for index in rebase_at or ():
        if not 0 <= index < length:
            raise ValueError(f"rebase index {index} is outside the series of {length} points")
        starts.add(index)
    ordered = sorted(starts)
    return list(zip(ordered, [*ordered[1:], length], strict=True))


def _moving_ranges(values: Sequence[float | None]) -> list[float]:
    # No range is taken across a missing period: it would span two periods, not one.
    return [
        abs(current - previous)
        for previous, current in itertools.pairwise(values)
        if previous is not None and current is not None
    ]


def average_moving_range(values: Sequence[float | None], screen_outliers: bool = True) -> float:
    """Return the average moving range, screening out ranges of 3.267 x AMR or more."""
    ranges = _moving_ranges(values)
    if not ranges:
        raise ValueError("at least two consecutive values are needed for a moving range")
    return _average_range(ranges, screen_outliers)


def _average_range(ranges: Sequence[float], screen_outliers: bool) -> float:
    amr = math.fsum(ranges) / len(ranges)
    if screen_outliers and amr > 0:
        # Screened once only, as NHSRplotthedots and Nelson (1982) do.
        ranges = [r for r in ranges if r < MR_SCREEN_FACTOR * amr]
        amr = math.fsum(ranges) / len(ranges)
    return amr


def _mean(values: Sequence[float]) -> float:
    """float(statistics.mean(values)), which is the exact mean correctly rounded, found sooner.

    statistics.mean turns every value into a fraction, the slowest step of a long XmR chart.
    For floats the exact sum is found instead as a few floats: math.fsum gives the sum, then
    the sum of the values less the parts found so far, until nothing is left (two or three
    passes in C). Dividing that exact sum by n as a fraction rounds as statistics.mean does.
    """
    if set(map(type, values)) == {float}:
        parts: list[float] = []
        try:
            # A sum of floats is a whole multiple of the smallest float and so has a bounded
            # number of bits; each pass takes another 53 of them, so this ends long before 60.
            for _ in range(60):
                rest = math.fsum(itertools.chain(values, [-part for part in parts]))
                if not rest:
                    return float(sum(map(fractions.Fraction, parts)) / len(values))
                if not math.isfinite(rest):
                    break
                parts.append(rest)
        except (OverflowError, ValueError):
            # Infinities, NaNs and sums beyond the float range: left to statistics.mean.
            pass
    return float(statistics.mean(values))


def _xmr_segment(
    limit_values: Sequence[float | None], start: int, stop: int, screen_outliers: bool
) -> XmrSegment:
    recorded = [v for v in limit_values if v is not None]
    # The mean is correctly rounded, as R's long-double mean is in practice.
    mean = _mean(recorded) if recorded else None
    ranges = _moving_ranges(limit_values)
    if mean is None or not ranges:
        return XmrSegment(start, stop, mean, None, None, None, None, None, len(recorded), False)
    amr = _average_range(ranges, screen_outliers)
    width = LIMIT_FACTOR * amr
    return XmrSegment(
        start=start,
        stop=stop,
        mean=mean,
        amr=amr,
        lower_limit=mean - width,
        upper_limit=mean + width,
        near_lower=mean - NEAR_FRACTION * width,
        near_upper=mean + NEAR_FRACTION * width,
        n_limit_points=len(recorded),
        trial_limits=len(recorded) <= TRIAL_LIMIT_POINTS,
    )


def _xmr_points(
    values: Sequence[float | None],
    segment: XmrSegment,
    improvement: str,
    fmt: Formatter | None = None,
) -> list[XmrPoint]:
    limits = {
        "mean": segment.mean,
        "lower_limit": segment.lower_limit,
        "upper_limit": segment.upper_limit,
        "near_lower": segment.near_lower,
        "near_upper": segment.near_upper,
    }
    recorded = [v for v in values if v is not None]
    if segment.lower_limit is None:
        labels = [_Label(COMMON_CAUSE, None, None, NO_LIMITS_EXPLANATION)] * len(recorded)
    else:
        n = len(recorded)
        labels = _label_points(
            recorded,
            [segment.mean] * n,
            [segment.lower_limit] * n,
            [segment.upper_limit] * n,
            [segment.near_lower] * n,
            [segment.near_upper] * n,
            improvement,
            "the mean",
            fmt or _format_number,
        )
    # A segment has a handful of distinct labels; each one's fields, with the segment's
    # limits, are gathered once, and each point's fields are a copy with its own value.
    distinct = {id(label): label for label in labels}
    fields = {key: {"value": None} | _label_fields(lab) | limits for key, lab in distinct.items()}
    points = iter(
        _frozen_instances(
            XmrPoint,
            [
                {**fields[id(label)], "value": value}
                for value, label in zip(recorded, labels, strict=True)
            ],
        )
    )
    return [
        next(points)
        if value is not None
        else XmrPoint(None, None, None, None, MISSING_EXPLANATION, **limits)
        for value in values
    ]


def _last_recorded(points: Sequence[XmrPoint | PPoint]) -> XmrPoint | PPoint | None:
    for point in reversed(points):
        if point.value is not None:
            return point
    return None


# P chart ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PPoint:
    """One period on a P chart: its proportion, its own limits and its label."""

    numerator: float | None
    denominator: float | None
    value: float | None
    special_cause: str | None
    rule: str | None
    high: bool | None
    explanation: str
    lower_limit: float | None
    upper_limit: float | None
    near_lower: float | None
    near_upper: float | None


@dataclass(frozen=True)
class PChart:
    """A P chart (or Laney p' chart) with limits that vary with each denominator."""

    centre: float | None
    laney: bool
    sigma_z: float | None
    points: list[PPoint]
    variation: str | None
    assurance: str | None


def p_chart(
    numerators: Sequence[float | None],
    denominators: Sequence[float | None],
    improvement: str = "increase",
    target: float | None = None,
    laney: bool = False,
    baseline: int | None = None,
    fmt: Formatter | None = None,
) -> PChart:
    """Build a P chart (Laney's p' if asked) labelled with the Making Data Count rules.

    With ``baseline``, the centre (and Laney's sigma_z) come from the first ``baseline``
    periods only and stay frozen after them, as qicharts2's ``freeze`` does for every chart
    type: p-bar = the baseline's total numerator / total denominator, and each period's limits
    are p-bar +/- 3 sqrt(p-bar (1 - p-bar) / n_i) with its own denominator n_i, clipped to
    [0, 1]. ``fmt`` words the limits in the explanations as the page shows the values.
    """
    _check_improvement(improvement)
    if len(numerators) != len(denominators):
        raise ValueError("numerators and denominators must be the same length")
    if baseline is not None and baseline < 2:
        raise ValueError("baseline must be at least 2 points")
    pairs = list(zip(numerators, denominators, strict=True))
    for numerator, denominator in pairs:
        _check_pair(numerator, denominator)
    # A period is recorded when it has a numerator and a positive denominator. Several lists
    # below need to know, so it is worked out once.
    kept = [num is not None and den is not None and den > 0 for num, den in pairs]
    base_kept = kept[:baseline] if baseline is not None else kept
    recorded = list(itertools.compress(pairs, kept))
    base = recorded[: sum(base_kept)]
    if not recorded:
        return PChart(None, laney, None, [_skipped_p_point(n, d) for n, d in pairs], None, None)
    proportions = [num / den for num, den in recorded]
    if not base:
        # Nothing recorded in the baseline: no centre to freeze, so no limits.
        labels = [_Label(COMMON_CAUSE, None, None, NO_LIMITS_EXPLANATION)] * len(recorded)
        points = _p_points(pairs, kept, proportions, labels, [_NO_LIMITS] * len(recorded))
        return PChart(None, laney, None, points, None, None)

    centre = math.fsum([num for num, _ in base]) / math.fsum([den for _, den in base])
    denominators = [den for _, den in recorded]
    # A period's limits depend on its denominator alone, and a long chart has few distinct
    # denominators (often one), so each distinct one's sigma and limits are found once.
    sigma_of = {den: _binomial_sigma(centre, den) for den in dict.fromkeys(denominators)}
    sigma_z = None
    if laney:
        sigmas = [sigma_of[den] for den in denominators[: len(base)]]
        sigma_z = _laney_sigma_z(proportions[: len(base)], sigmas, centre, base_kept)
        if sigma_z is None:
            # Laney's adjustment needs a moving range of z; without one there are no limits.
            labels = [_Label(COMMON_CAUSE, None, None, NO_LIMITS_EXPLANATION)] * len(recorded)
            points = _p_points(pairs, kept, proportions, labels, [_NO_LIMITS] * len(recorded))
            return PChart(centre, laney, None, points, None, None)
        sigma_of = {den: s * sigma_z for den, s in sigma_of.items()}

    limits_of = {
        den: {
            "lower_limit": _clip(centre - 3 * s),
            "upper_limit": _clip(centre + 3 * s),
            "near_lower": _clip(centre - 3 * NEAR_FRACTION * s),
            "near_upper": _clip(centre + 3 * NEAR_FRACTION * s),
        }
        for den, s in sigma_of.items()
    }
    limits = [limits_of[den] for den in denominators]
    labels = _label_points(
        proportions,
        [centre] * len(proportions),
        list(map(operator.itemgetter("lower_limit"), limits)),
        list(map(operator.itemgetter("upper_limit"), limits)),
        list(map(operator.itemgetter("near_lower"), limits)),
        list(map(operator.itemgetter("near_upper"), limits)),
        improvement,
        "the centre line",
        fmt or _format_percent,
    )
    points = _p_points(pairs, kept, proportions, labels, limits)
    last = _last_recorded(points)
    return PChart(
        centre=centre,
        laney=laney,
        sigma_z=sigma_z,
        points=points,
        variation=_variation(last),
        assurance=_assurance(target, last.lower_limit, last.upper_limit, improvement),
    )


def _check_pair(numerator: float | None, denominator: float | None) -> None:
    if numerator is None or denominator is None:
        return
    if numerator < 0 or denominator < 0 or (denominator > 0 and numerator > denominator):
        raise ValueError("each numerator must lie between 0 and its denominator")


_NO_LIMITS = {"lower_limit": None, "upper_limit": None, "near_lower": None, "near_upper": None}


def _p_points(
    pairs: Sequence[tuple[float | None, float | None]],
    kept: Sequence[bool],
    proportions: Sequence[float],
    labels: Sequence[_Label],
    limits: Sequence[dict[str, float | None]],
) -> list[PPoint]:
    # A long chart has few distinct labels and few distinct denominators, so few pairings of
    # a label with limits: each pairing's fields are gathered once and shared by its points.
    keys = list(zip(map(id, labels), map(id, limits), strict=True))
    pairings = dict(zip(keys, zip(labels, limits, strict=True), strict=True))
    shared = {
        key: {"numerator": None, "denominator": None, "value": None} | _label_fields(lab) | lims
        for key, (lab, lims) in pairings.items()
    }
    recorded = iter(
        _frozen_instances(
            PPoint,
            [
                {**shared[key], "numerator": num, "denominator": den, "value": value}
                for (num, den), value, key in zip(
                    itertools.compress(pairs, kept), proportions, keys, strict=True
                )
            ],
        )
    )
    return [
        next(recorded) if is_kept else _skipped_p_point(num, den)
        for (num, den), is_kept in zip(pairs, kept, strict=True)
    ]


def _skipped_p_point(numerator: float | None, denominator: float | None) -> PPoint:
    if denominator == 0:
        explanation = "The denominator is zero, so this period is left out."
    else:
        explanation = MISSING_EXPLANATION
    return PPoint(
        numerator, denominator, None, None, None, None, explanation, None, None, None, None
    )


def _binomial_sigma(centre: float, denominator: float) -> float:
    # max() guards against a tiny negative from rounding when the centre is 0 or 1.
    return math.sqrt(max(centre * (1 - centre), 0.0) / denominator)


def _laney_sigma_z(
    proportions: Sequence[float], sigmas: Sequence[float], centre: float, kept: Sequence[bool]
) -> float | None:
    if not any(sigmas):
        # With a centre of 0 or 1 every proportion sits on it: there is no spread to adjust.
        return 1.0
    z_values = iter((p - centre) / s for p, s in zip(proportions, sigmas, strict=True))
    # Gaps stay in place so that no moving range of z spans a skipped period.
    z_series = [next(z_values) if is_kept else None for is_kept in kept]
    ranges = _moving_ranges(z_series)
    if not ranges:
        return None
    # qicharts2 leaves the moving ranges of z unscreened by default; so do we.
    return _average_range(ranges, screen_outliers=False) / D2


def _clip(x: float) -> float:
    return min(max(x, 0.0), 1.0)
