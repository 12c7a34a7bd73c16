"""pdsa.spc's quick paths against plain point-by-point references on thousands of series.

A long chart is built in a few passes: runs found by regular expression, each distinct
finding labelled once, limits worked out once per denominator, the mean taken from fsum
parts, and points given their whole dictionary at once. The references below are the plain
versions those replaced; the charts must come out the same, float for float.
"""

import dataclasses
import itertools
import math
import random
import statistics
from fractions import Fraction

import pytest

from pdsa import spc
from pdsa.spc import p_chart, xmr_chart

SERIES = 3000


def reference_trend(values):
    flags = [0] * len(values)
    steps = [(b > a) - (b < a) for a, b in itertools.pairwise(values)]
    for step, bit in ((1, spc._HIGH), (-1, spc._LOW)):
        start = 0
        for i in range(1, len(values) + 1):
            if i < len(values) and steps[i - 1] == step:
                continue
            if i - start >= spc.TREND_POINTS:
                for j in range(start, i):
                    flags[j] |= bit
            start = i
    return flags


def reference_shift(sides):
    flags = [0] * len(sides)
    start = 0
    for i in range(1, len(sides) + 1):
        if i < len(sides) and sides[i] == sides[start]:
            continue
        if sides[start] != 0 and i - start >= spc.SHIFT_POINTS:
            for j in range(start, i):
                flags[j] |= sides[start]
        start = i
    return flags


def reference_label_points(
    values, centres, lowers, uppers, near_lowers, near_uppers, improvement, centre_name, fmt
):
    rule_flags = spc._rule_flags(values, centres, lowers, uppers, near_lowers, near_uppers)
    rules = [rule for rule, _ in rule_flags]
    found = {}
    labels = []
    for i in range(len(values)):
        flag = spc._first_flag(rules, [flags[i] for _, flags in rule_flags], improvement)
        if flag is None:
            labels.append(spc._Label(spc.COMMON_CAUSE, None, None, spc.COMMON_CAUSE_EXPLANATION))
            continue
        rule, high = flag
        limit = uppers[i] if high else lowers[i]
        if (rule, high, limit) not in found:
            cause = spc._special_cause(high, improvement)
            explanation = spc._explain(rule, high, cause, limit, centre_name, fmt)
            found[rule, high, limit] = spc._Label(cause, rule, high, explanation)
        labels.append(found[rule, high, limit])
    return labels


def reference_frozen_instances(cls, fields):
    return [cls(**f) for f in fields]


def random_values(rng, n):
    kind = rng.randrange(6)
    if kind == 0:
        values = [rng.gauss(50, 10) for _ in range(n)]
    elif kind == 1:
        # Decimal data with ties, plateaus and points on the mean.
        values = [round(rng.gauss(85.5, 2), 1) for _ in range(n)]
    elif kind == 2:
        values = [rng.choice([0.1, 0.2, 0.3, 1.0, 2.0, 85.5]) for _ in range(n)]
    elif kind == 3:
        # Rising and falling stretches, so that trends are common.
        values, level = [], 0.0
        for _ in range(n):
            level += rng.choice([-1, 1]) * rng.random() if rng.random() < 0.2 else rng.random()
            values.append(level)
    elif kind == 4:
        values = [float(rng.randint(0, 4)) for _ in range(n)]
    else:
        values = [rng.choice([1e-300, 1e16, -1e16, 1.0, 3.3, -0.0, 0.0]) for _ in range(n)]
    if rng.random() < 0.3:
        values = [None if rng.random() < 0.1 else v for v in values]
    return values


def same(chart, reference):
    # repr shows every field (and tells -0.0 from 0.0); vars shows each point's dictionary.
    assert repr(chart) == repr(reference)
    assert [list(vars(p).items()) for p in chart.points] == [
        list(vars(p).items()) for p in reference.points
    ]


def test_trends_and_shifts_match_the_point_by_point_rules():
    rng = random.Random(1)
    for _ in range(SERIES):
        values = [v for v in random_values(rng, rng.randint(0, 60)) if v is not None]
        assert spc._trend(values) == reference_trend(values)
        centre = statistics.median(values) if values else 0.0
        sides = [spc._side(v, centre) for v in values]
        assert spc._shift(sides) == reference_shift(sides)


def test_the_mean_is_statistics_mean_exactly():
    rng = random.Random(2)
    awkward = [1e308, -1e308, 1e-308, 5e-324, 1e16, 1.0, 0.1, -0.0, 2.0**53 + 2]
    for _ in range(SERIES):
        n = rng.randint(1, 200)
        kind = rng.randrange(3)
        if kind == 0:
            values = [rng.gauss(0, 10) ** rng.randint(1, 9) for _ in range(n)]
        elif kind == 1:
            values = [rng.choice(awkward) * rng.choice([1, -1, 3, 0.5]) for _ in range(n)]
        else:
            values = [round(rng.uniform(0, 100), rng.randint(0, 3)) for _ in range(n)]
        assert repr(spc._mean(values)) == repr(float(statistics.mean(values))), values
    for values in ([1, 2, 4], [Fraction(1, 3), 1.0], [math.inf, 1.0], [1e308] * 3):
        assert repr(spc._mean(values)) == repr(float(statistics.mean(values)))


def test_points_built_in_one_step_are_the_frozen_dataclass_instances():
    fields = {"value": 1.5, "special_cause": spc.COMMON_CAUSE, "rule": None, "high": None}
    fields |= {"explanation": "x", "mean": 1.0, "lower_limit": 0.0, "upper_limit": 2.0}
    fields |= {"near_lower": 0.5, "near_upper": 1.5}
    [point] = spc._frozen_instances(spc.XmrPoint, [fields])
    made = spc.XmrPoint(**fields)
    assert type(point) is spc.XmrPoint
    assert point == made
    assert hash(point) == hash(made)
    assert repr(point) == repr(made)
    assert list(vars(point).items()) == list(vars(made).items())
    assert dataclasses.asdict(point) == dataclasses.asdict(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.value = 2.0


@pytest.fixture
def reference_spc(monkeypatch):
    """pdsa.spc with the plain versions of the quick paths, for charts to compare with."""

    def build(chart):
        with monkeypatch.context() as patch:
            patch.setattr(spc, "_trend", reference_trend)
            patch.setattr(spc, "_shift", reference_shift)
            patch.setattr(spc, "_label_points", reference_label_points)
            patch.setattr(spc, "_frozen_instances", reference_frozen_instances)
            patch.setattr(spc, "_mean", lambda values: float(statistics.mean(values)))
            return chart()

    return build


def test_xmr_charts_match_the_reference(reference_spc):
    rng = random.Random(3)
    for _ in range(SERIES):
        n = rng.choice([0, 1, 2, 3, 8, 13, 20, 40, 100])
        values = random_values(rng, n)
        options = {
            "improvement": rng.choice(spc.IMPROVEMENT_DIRECTIONS),
            "target": rng.choice([None, 0.0, 50.0]),
            "screen_outliers": rng.random() < 0.8,
        }
        if n and rng.random() < 0.3:
            options["baseline"] = rng.randint(2, n + 2)
        if n and rng.random() < 0.3:
            options["rebase_at"] = sorted({rng.randrange(n) for _ in range(rng.randint(1, 3))})

        def chart(values=values, options=options):
            return xmr_chart(values, **options)

        same(chart(), reference_spc(chart))


def reference_p_limits(chart, numerators, denominators, baseline):
    """Each recorded period's limits worked out on their own, as a P chart defines them."""
    pairs = list(zip(numerators, denominators, strict=True))
    base_pairs = pairs[:baseline]
    recorded = [(n, d) for n, d in pairs if n is not None and d is not None and d > 0]
    base = [(n, d) for n, d in base_pairs if n is not None and d is not None and d > 0]
    centre = math.fsum(n for n, _ in base) / math.fsum(d for _, d in base)
    assert chart.centre == centre
    sigmas = [spc._binomial_sigma(centre, d) for _, d in recorded]
    if chart.laney:
        if not any(sigmas[: len(base)]):
            assert chart.sigma_z == 1.0
        else:
            z = iter((n / d - centre) / s for (n, d), s in zip(recorded, sigmas, strict=False))
            gaps = [next(z) if (n, d) in base else None for n, d in base_pairs]
            assert chart.sigma_z == spc.average_moving_range(gaps, screen_outliers=False) / spc.D2
        sigmas = [s * chart.sigma_z for s in sigmas]
    return [
        (
            spc._clip(centre - 3 * s),
            spc._clip(centre + 3 * s),
            spc._clip(centre - 3 * spc.NEAR_FRACTION * s),
            spc._clip(centre + 3 * spc.NEAR_FRACTION * s),
        )
        for s in sigmas
    ]


def test_p_charts_match_the_reference(reference_spc):
    rng = random.Random(4)
    checked = 0
    for _ in range(SERIES):
        n = rng.choice([1, 2, 3, 8, 13, 20, 40, 100])
        denominators = rng.choice(
            [
                [100] * n,
                [rng.choice([20, 50, 100, 100.0]) for _ in range(n)],
                [rng.choice([0, None, 7, 30]) for _ in range(n)],
                [rng.randint(1, 500) for _ in range(n)],
            ]
        )
        numerators = [
            rng.choice([None, 0]) if not d else rng.choice([0, d, rng.randint(0, int(d))])
            for d in denominators
        ]
        baseline = rng.randint(2, n + 2) if rng.random() < 0.3 else None
        laney = rng.random() < 0.5

        def chart(numerators=numerators, denominators=denominators, b=baseline, laney=laney):
            return p_chart(numerators, denominators, laney=laney, baseline=b)

        result = chart()
        same(result, reference_spc(chart))
        if any(p.lower_limit is not None for p in result.points):
            limits = [
                (p.lower_limit, p.upper_limit, p.near_lower, p.near_upper)
                for p in result.points
                if p.value is not None
            ]
            expected = reference_p_limits(result, numerators, denominators, baseline)
            assert repr(limits) == repr(expected)
            checked += 1
    assert checked > SERIES // 2
