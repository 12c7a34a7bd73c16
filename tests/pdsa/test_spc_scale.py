"""pdsa.spc at scale: the fast crossings limit equals the exact one, and charts stay linear.

No test here times anything (the timing of 100,000 points is in `make bench`); they count the
work done instead, which does not depend on how busy the machine is.
"""

import math
import random

import pytest

from pdsa import spc
from pdsa.spc import crossings_limit, p_chart, run_chart, xmr_chart

# The worked limits published in the QI methods reference (qi-methods.md, run charts).
PUBLISHED_CROSSINGS = {10: 2, 12: 3, 20: 6, 24: 8, 30: 10, 50: 19}


def exact_crossings_limit(n_useful):
    """The definition, term by term: the smallest c with P(X <= c) >= 1/20, X ~ B(n - 1, 1/2)."""
    trials = max(n_useful - 1, 0)
    cumulative = 0
    for c in range(trials + 1):
        cumulative += math.comb(trials, c)
        if cumulative * 20 >= 2**trials:
            return c
    return trials


@pytest.mark.parametrize(("n", "expected"), PUBLISHED_CROSSINGS.items())
def test_the_crossings_limit_matches_the_published_table(n, expected):
    assert crossings_limit(n) == expected


def test_the_crossings_limit_equals_the_exact_binomial_sum_for_every_small_n():
    for n in range(0, 600):
        assert crossings_limit(n) == exact_crossings_limit(n), n


def test_the_floating_point_search_equals_the_exact_sum_for_many_larger_n():
    # The whole-number sum (linear in n) stands for the definition above beyond a few hundred.
    # It is checked against the definition itself where both are quick enough.
    sizes = [*range(201, 1200), *random.Random(15).sample(range(1200, 6000), 30)]
    for n in sizes:
        found = spc._crossings_limit_float(n - 1)
        assert found is not None, n
        assert found == spc._crossings_limit_exact(n - 1), n
    for n in (201, 333, 599):
        assert spc._crossings_limit_exact(n - 1) == exact_crossings_limit(n)


def test_a_call_too_close_for_floating_point_is_settled_with_whole_numbers(monkeypatch):
    # With the margin widened every answer counts as too close, so the exact sum decides.
    monkeypatch.setattr(spc, "CROSSINGS_FLOAT_MARGIN", 1.0)
    for n in (250, 777, 4096):
        assert spc._crossings_limit_float(n - 1) is None
        assert crossings_limit.__wrapped__(n) == exact_crossings_limit(n)


def test_the_crossings_limit_for_100000_points_takes_a_few_dozen_steps(monkeypatch):
    calls = []
    pmf = spc._binomial_half_pmf
    monkeypatch.setattr(spc, "_binomial_half_pmf", lambda t, k: calls.append(k) or pmf(t, k))
    monkeypatch.setattr(
        spc, "_crossings_limit_exact", lambda trials: pytest.fail("the exact sum was needed")
    )

    limit = crossings_limit.__wrapped__(100_000)

    # Within a whisker of the normal approximation, found without an exact sum.
    assert abs(limit - (99_999 / 2 - 1.6449 * math.sqrt(99_999) / 2)) < 2
    assert len(calls) < 10


def test_a_long_chart_explains_each_distinct_finding_once(monkeypatch):
    calls = []
    explain = spc._explain
    monkeypatch.setattr(spc, "_explain", lambda *args: calls.append(args) or explain(*args))
    rng = random.Random(1)
    values = [rng.gauss(50, 10) for _ in range(20_000)]

    chart = xmr_chart(values)

    flagged = [p for p in chart.points if p.rule is not None]
    assert len(flagged) > 100
    # One explanation per (rule, side) at the segment's limits: at most four rules x two sides.
    assert len(calls) <= 8


@pytest.mark.parametrize("length", [1_000, 8_000])
def test_every_rule_visits_each_point_a_bounded_number_of_times(length):
    # Counting comparisons through a float subclass: linear rules make a fixed number per point.
    counter = {"n": 0}

    class Counted(float):
        def __gt__(self, other):
            counter["n"] += 1
            return float.__gt__(self, other)

        def __lt__(self, other):
            counter["n"] += 1
            return float.__lt__(self, other)

    rng = random.Random(length)
    values = [Counted(rng.gauss(50, 10)) for _ in range(length)]
    run_chart(values)
    xmr_chart(values)
    numerators = [Counted(rng.randint(0, 100)) for _ in range(length)]
    p_chart(numerators, [100] * length, laney=True)

    assert counter["n"] < 40 * length
