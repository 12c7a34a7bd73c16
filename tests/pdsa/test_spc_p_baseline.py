"""P chart limits frozen from a baseline, against limits worked by hand.

Baseline: the first three periods, 10/50, 12/40 and 8/30: 30 of 120, so p-bar = 0.25 and
p-bar (1 - p-bar) = 0.1875. Each period's limits are 0.25 +/- 3 sqrt(0.1875 / n):
  n = 50: 3 x 0.0612372 = 0.1837117 -> 0.0662883 to 0.4337117
  n = 40: 3 x 0.0684653 = 0.2053960 -> 0.0446040 to 0.4553960
  n = 30: 3 x 0.0790569 = 0.2371708 -> 0.0128292 to 0.4871708
  n = 60: 3 x 0.0559017 = 0.1677051 -> 0.0822949 to 0.4177051 (30/60 = 0.5 is above it)
  n = 20: 3 x 0.0968246 = 0.2904738 -> -0.0404738, clipped to 0, to 0.5404738
Without the baseline every period counts: 65 of 200, p-bar = 0.325.
"""

import pytest

from pdsa.spc import p_chart

NUMERATORS = [10, 12, 8, 30, 5]
DENOMINATORS = [50, 40, 30, 60, 20]
HAND_WORKED = [
    (0.0662883, 0.4337117),
    (0.0446040, 0.4553960),
    (0.0128292, 0.4871708),
    (0.0822949, 0.4177051),
    (0.0, 0.5404738),
]


def test_the_baseline_centre_is_the_baselines_total_numerator_over_its_total_denominator():
    assert p_chart(NUMERATORS, DENOMINATORS, baseline=3).centre == pytest.approx(0.25)
    assert p_chart(NUMERATORS, DENOMINATORS).centre == pytest.approx(0.325)


def test_each_periods_limits_use_the_baseline_centre_and_its_own_denominator():
    chart = p_chart(NUMERATORS, DENOMINATORS, baseline=3)
    for point, (lower, upper) in zip(chart.points, HAND_WORKED, strict=True):
        assert point.lower_limit == pytest.approx(lower, abs=1e-7)
        assert point.upper_limit == pytest.approx(upper, abs=1e-7)


def test_a_point_after_the_baseline_is_judged_against_the_frozen_limits():
    chart = p_chart(NUMERATORS, DENOMINATORS, baseline=3)
    assert chart.points[3].special_cause == "improvement"
    assert "41.8%" in chart.points[3].explanation
    # With every period in the centre the same point is inside its limits.
    assert p_chart(NUMERATORS, DENOMINATORS).points[3].special_cause == "common_cause"


def test_periods_without_a_denominator_are_left_out_of_the_baseline():
    chart = p_chart([10, None, 12, 8, 30], [50, 0, 40, 30, 60], baseline=4)
    assert chart.centre == pytest.approx(0.25)
    assert chart.points[1].lower_limit is None


def test_a_baseline_with_nothing_recorded_gives_no_limits():
    chart = p_chart([None, None, 5], [None, None, 20], baseline=2)
    assert chart.centre is None and chart.points[2].lower_limit is None
    assert chart.variation is None


def test_a_baseline_of_one_period_is_refused():
    with pytest.raises(ValueError, match="baseline"):
        p_chart(NUMERATORS, DENOMINATORS, baseline=1)


def test_the_explanation_uses_the_formatter_it_is_given():
    chart = p_chart(NUMERATORS, DENOMINATORS, baseline=3, fmt=lambda v: f"<{v:.2f}>")
    assert "<0.42>" in chart.points[3].explanation
