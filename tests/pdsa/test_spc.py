"""Tests for pdsa.spc: run charts (Anhøj), XmR charts (Making Data Count) and P charts.

Most XmR rule tests put their pattern after a frozen baseline of twelve points alternating
2, 0, 2, 0, ... whose limits are easy to work by hand: mean 1, every moving range 2, so
AMR 2, process limits 1 +/- 5.32 (-4.32 to 6.32) and the near band 1 +/- 3.5467
(-2.5467 to 4.5467). The baseline ends below the mean, so it never extends a run above it.
"""

import math

import pytest

from pdsa.spc import (
    D2,
    LIMIT_FACTOR,
    MR_SCREEN_FACTOR,
    average_moving_range,
    crossings_limit,
    longest_run_limit,
    p_chart,
    run_chart,
    xmr_chart,
)

# R: set.seed(123); rnorm(20), as in the NHSRplotthedots tests.
RNORM_123 = [
    -0.56047565,
    -0.23017749,
    1.55870831,
    0.07050839,
    0.12928774,
    1.71506499,
    0.46091621,
    -1.26506123,
    -0.68685285,
    -0.44566197,
    1.22408180,
    0.35981383,
    0.40077145,
    0.11068272,
    -0.55584113,
    1.78691314,
    0.49785048,
    -1.96661716,
    0.70135590,
    -0.47279141,
]

BASE = [2, 0] * 6
BASE_N = len(BASE)


def frozen(tail, **kwargs):
    """An XmR chart of the baseline plus tail, with limits frozen on the baseline."""
    return xmr_chart(BASE + tail, baseline=BASE_N, **kwargs)


def tail_of(chart, attribute="rule"):
    return [getattr(point, attribute) for point in chart.points[BASE_N:]]


def from_sides(pattern):
    """Values for a run chart with median 0: L below, H above, 0 on the median."""
    values = [{"L": -1, "H": 1, "0": 0}[c] for c in pattern]
    below, above = pattern.count("L"), pattern.count("H")
    # Enough extra zeros keep the median at exactly 0 however unbalanced the sides are.
    return values + [0] * (abs(below - above) + 1)


# Constants ----------------------------------------------------------------------------------


def test_the_published_constants_are_used():
    assert (LIMIT_FACTOR, MR_SCREEN_FACTOR, D2) == (2.66, 3.267, 1.128)


def test_the_limit_factor_is_three_over_d2_rounded():
    assert abs(3 / D2 - LIMIT_FACTOR) < 0.001


# Run chart ----------------------------------------------------------------------------------


WORKED_LIMITS = [(10, 6, 2), (12, 7, 3), (20, 7, 6), (24, 8, 8), (30, 8, 10), (50, 9, 19)]


@pytest.mark.parametrize(("n", "longest_run_max", "crossings_min"), WORKED_LIMITS)
def test_the_run_chart_limits_match_the_worked_values(n, longest_run_max, crossings_min):
    assert longest_run_limit(n) == longest_run_max
    assert crossings_limit(n) == crossings_min


@pytest.mark.parametrize(("n", "longest_run_max", "crossings_min"), WORKED_LIMITS)
def test_a_run_chart_reports_the_worked_limits_for_its_useful_points(
    n, longest_run_max, crossings_min
):
    chart = run_chart(from_sides("LH" * (n // 2)))

    assert chart.n_useful == n
    assert (chart.longest_run_max, chart.crossings_min) == (longest_run_max, crossings_min)


def test_the_crossings_limit_is_the_exact_binomial_fifth_percentile():
    # Binomial(9, 0.5): P(X <= 1) = 10/512 < 0.05 <= P(X <= 2) = 46/512.
    assert crossings_limit(10) == 2


def test_a_longest_run_of_eight_in_twenty_useful_points_is_a_signal():
    chart = run_chart(from_sides("LLLLLLLL" + "HLHLHLHL" + "HHHH"))

    assert (chart.n_useful, chart.longest_run, chart.longest_run_max) == (20, 8, 7)
    assert chart.runs_signal
    assert not chart.crossings_signal
    assert chart.signal


def test_a_longest_run_of_seven_in_twenty_useful_points_is_not_a_signal():
    chart = run_chart(from_sides("LLLLLLL" + "HLHLHLHLH" + "HHHH"))

    assert (chart.n_useful, chart.longest_run) == (20, 7)
    assert not chart.runs_signal
    assert not chart.signal
    assert chart.explanations == []


def test_five_crossings_in_twenty_useful_points_is_a_signal():
    chart = run_chart(from_sides("LLLLHHHLLLHHHHLLLHHH"))

    assert (chart.n_useful, chart.crossings, chart.crossings_min) == (20, 5, 6)
    assert chart.crossings_signal
    assert not chart.runs_signal
    assert chart.signal


def test_six_crossings_in_twenty_useful_points_is_not_a_signal():
    chart = run_chart(from_sides("LLLHHHLLLHHHLLLHHHLL"))

    assert (chart.n_useful, chart.crossings) == (20, 6)
    assert not chart.crossings_signal
    assert not chart.signal


def test_a_point_on_the_median_is_not_useful_and_does_not_break_a_run():
    chart = run_chart(from_sides("LLLL0LLLL" + "HLHLHLHL" + "HHHH"))

    assert chart.median == 0
    assert chart.n_useful == 20
    assert chart.n_obs > chart.n_useful
    assert chart.longest_run == 8


def test_a_long_run_is_explained_in_plain_english():
    chart = run_chart(from_sides("LLLLLLLLL" + "HL" * 6 + "HHH"))

    assert chart.explanations == [
        "The longest run (9 points on one side of the median) is longer than the 8 "
        "expected by chance."
    ]


def test_too_few_crossings_are_explained_in_plain_english():
    chart = run_chart(from_sides("LLLLHHHLLLHHHHLLLHHH"))

    assert chart.explanations == [
        "The line crosses the median 5 times, fewer than the 6 expected by chance."
    ]


def test_an_empty_run_chart_has_no_median_and_no_signal():
    chart = run_chart([])

    assert chart.median is None
    assert (chart.n_obs, chart.n_useful) == (0, 0)
    assert chart.longest_run is None
    assert chart.crossings is None
    assert not chart.signal


def test_a_single_point_run_chart_has_no_useful_points_and_no_signal():
    chart = run_chart([5])

    assert chart.median == 5
    assert chart.n_useful == 0
    assert not chart.signal


def test_a_constant_run_chart_has_no_useful_points_and_no_signal():
    chart = run_chart([3] * 12)

    assert chart.median == 3
    assert chart.n_useful == 0
    assert not chart.signal


def test_missing_values_are_dropped_from_a_run_chart():
    chart = run_chart([1, None, 3, None, 2])

    assert chart.n_obs == 3
    assert chart.median == 2
    assert chart.n_useful == 2


# XmR chart: reference values from NHSRplotthedots ---------------------------------------------


def test_the_xmr_limits_match_nhsrplotthedots_with_screening():
    chart = xmr_chart(RNORM_123)

    assert chart.mean == pytest.approx(0.1416238, abs=1e-5)
    assert chart.lower_limit == pytest.approx(-3.01138, abs=1e-5)
    assert chart.upper_limit == pytest.approx(3.294627, abs=1e-5)


def test_screening_drops_an_outlying_moving_range_as_nhsrplotthedots_does():
    values = RNORM_123.copy()
    values[14] = 10

    chart = xmr_chart(values)

    assert chart.mean == pytest.approx(0.6694159, abs=1e-5)
    assert chart.lower_limit == pytest.approx(-2.383666, abs=1e-5)
    assert chart.upper_limit == pytest.approx(3.722497, abs=1e-5)


def test_without_screening_the_limits_match_the_making_data_count_excel_tool():
    values = RNORM_123.copy()
    values[14] = 10

    chart = xmr_chart(values, screen_outliers=False)

    assert chart.lower_limit == pytest.approx(-4.596625, abs=1e-5)
    assert chart.upper_limit == pytest.approx(5.935457, abs=1e-5)


def test_a_moving_range_just_below_the_screening_limit_is_kept():
    # Six ranges of 1 and one of 5.2: AMR 1.6, screening limit 5.2272.
    assert average_moving_range([0, 1, 0, 1, 0, 1, 0, 5.2]) == pytest.approx(1.6)


def test_a_moving_range_above_the_screening_limit_is_dropped():
    # Six ranges of 1 and one of 5.3: AMR 1.6143, screening limit 5.2738.
    assert average_moving_range([0, 1, 0, 1, 0, 1, 0, 5.3]) == pytest.approx(1.0)


def test_the_limits_are_the_mean_plus_or_minus_two_point_six_six_amr():
    chart = xmr_chart(BASE)

    assert (chart.mean, chart.amr) == (1, 2)
    assert chart.lower_limit == pytest.approx(-4.32)
    assert chart.upper_limit == pytest.approx(6.32)
    assert chart.near_lower == pytest.approx(1 - 2 / 3 * 5.32)
    assert chart.near_upper == pytest.approx(1 + 2 / 3 * 5.32)


# XmR chart: rule 1, outside the limits ------------------------------------------------------


def test_a_point_above_the_upper_limit_is_flagged():
    chart = frozen([6.4])

    point = chart.points[-1]
    assert (point.rule, point.high, point.special_cause) == ("outside_limits", True, "improvement")
    assert point.explanation == (
        "This point is above the upper process limit of 6.32. This suggests improvement."
    )


def test_a_point_below_the_lower_limit_is_flagged():
    point = frozen([-4.4]).points[-1]

    assert (point.rule, point.high, point.special_cause) == ("outside_limits", False, "concern")


def test_a_point_just_inside_the_upper_limit_is_not_flagged():
    point = frozen([6.3]).points[-1]

    assert (point.rule, point.special_cause) == (None, "common_cause")


def test_a_point_exactly_on_the_limit_is_not_outside_it():
    upper = xmr_chart(BASE).upper_limit

    assert frozen([upper]).points[-1].rule is None


# XmR chart: rule 2, trend -------------------------------------------------------------------


def test_a_rising_trend_of_seven_points_flags_every_point():
    chart = frozen([-0.5, 0, 0.5, 1.5, 2, 2.5, 3])

    assert tail_of(chart) == ["trend"] * 7
    assert tail_of(chart, "high") == [True] * 7
    assert tail_of(chart, "special_cause") == ["improvement"] * 7


def test_six_rising_points_are_not_a_trend():
    chart = frozen([-0.5, 0, 0.5, 1.5, 2, 2.5])

    assert tail_of(chart) == [None] * 6


def test_an_equal_value_breaks_a_trend():
    chart = frozen([-0.5, 0, 0.5, 0.5, 1.5, 2, 2.5, 3])

    assert tail_of(chart) == [None] * 8


def test_a_falling_trend_is_flagged_on_the_low_side():
    chart = frozen([3, 2.5, 2, 1.5, 0.5, 0, -0.5])

    assert tail_of(chart) == ["trend"] * 7
    assert tail_of(chart, "high") == [False] * 7
    assert tail_of(chart, "special_cause") == ["concern"] * 7


def test_a_trend_is_high_when_it_rises_even_below_the_mean():
    chart = frozen([-2.4, -2.2, -2, -1.8, -1.6, -1.4, -1.2])

    assert tail_of(chart, "high") == [True] * 7
    assert chart.variation == "improvement_high"


def test_a_peak_between_a_rising_and_a_falling_trend_takes_the_improvement_side():
    tail = [-1, -0.5, 0, 0.5, 1.5, 2, 2.5, 2, 1.5, 0.5, 0, -0.5, -1]
    peak = BASE_N + 6

    rising_is_better = frozen(tail, improvement="increase").points[peak]
    falling_is_better = frozen(tail, improvement="decrease").points[peak]

    assert (rising_is_better.high, rising_is_better.special_cause) == (True, "improvement")
    assert (falling_is_better.high, falling_is_better.special_cause) == (False, "improvement")


# XmR chart: rule 3, two of three near or beyond a limit -------------------------------------


def test_two_of_three_points_near_the_upper_limit_flags_only_the_near_points():
    chart = frozen([4.6, 3, 4.6])

    assert tail_of(chart) == ["two_of_three", None, "two_of_three"]
    assert tail_of(chart, "special_cause") == ["improvement", "common_cause", "improvement"]


def test_two_of_three_points_near_the_lower_limit_are_flagged_on_the_low_side():
    chart = frozen([-2.6, -1, -2.6])

    assert tail_of(chart) == ["two_of_three", None, "two_of_three"]
    assert tail_of(chart, "high") == [False, None, False]


def test_one_of_three_points_near_the_limit_is_not_flagged():
    chart = frozen([4.6, 3, 4.5])

    assert tail_of(chart) == [None, None, None]


def test_two_near_points_are_not_flagged_when_the_third_is_across_the_mean():
    chart = frozen([4.6, 0.5, 4.6])

    assert tail_of(chart) == [None, None, None]


def test_two_near_points_on_opposite_sides_of_the_mean_are_not_flagged():
    chart = frozen([4.6, -2.6])

    assert tail_of(chart) == [None, None]


def test_a_point_beyond_the_limit_counts_towards_two_of_three():
    # Making Data Count, Nov 2023; NHSRplotthedots 0.2.x would leave the 4.6 unflagged.
    chart = frozen([6.4, 3, 4.6])

    assert tail_of(chart) == ["outside_limits", None, "two_of_three"]


# XmR chart: rule 4, shift -------------------------------------------------------------------


def test_a_shift_of_seven_points_above_the_mean_is_flagged():
    chart = frozen([1.5] * 7)

    assert tail_of(chart) == ["shift"] * 7
    assert tail_of(chart, "high") == [True] * 7
    assert chart.points[-1].explanation == (
        "This point is part of a run of 7 or more points above the mean. This suggests improvement."
    )


def test_six_points_above_the_mean_are_not_a_shift():
    chart = frozen([1.5] * 6)

    assert tail_of(chart) == [None] * 6


def test_a_point_on_the_mean_breaks_a_shift():
    chart = frozen([1.5] * 3 + [1] + [1.5] * 3)

    assert chart.mean == 1
    assert tail_of(chart) == [None] * 7


def test_a_decimal_value_equal_to_the_decimal_mean_breaks_a_shift():
    # The mean is 0.7 in decimal but 0.7000000000000001 in binary; the 0.7 at index 4 would
    # otherwise complete seven points "below" the mean at indices 1 to 7.
    values = [1.1, -0.2, -2.6, 0.1, 0.7, -0.1, 0.5, -0.1, 1.0, 1.7, -1.2, 0.7, -1.2, 2.2, 0.1]
    values += [0.2, -1.7, 1.6, 4.4, 0.0, -2.6, 1.3, 0.3, 2.3, -0.9, 3.5, -0.3, 0.4, 2.2, -0.3]
    values += [4.6, 1.3, 0.6, 4.2]

    chart = xmr_chart(values)

    assert chart.mean == pytest.approx(0.7)
    assert [point.rule for point in chart.points[1:8]] == [None] * 7


def test_a_shift_of_seven_points_below_the_mean_is_flagged_on_the_low_side():
    chart = frozen([1.5] + [0.5] * 7)

    assert tail_of(chart) == [None] + ["shift"] * 7
    assert tail_of(chart, "special_cause") == ["common_cause"] + ["concern"] * 7


# XmR chart: rule priority -------------------------------------------------------------------


def test_outside_the_limits_takes_priority_over_a_trend():
    chart = frozen([-0.5, 0, 0.5, 1.5, 2, 2.5, 7])

    assert tail_of(chart) == ["trend"] * 6 + ["outside_limits"]


def test_a_trend_takes_priority_over_a_shift():
    chart = frozen([1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7])

    assert tail_of(chart) == ["trend"] * 7


def test_two_of_three_takes_priority_over_a_shift():
    chart = frozen([1.5] * 4 + [4.6, 3, 4.6])

    assert tail_of(chart) == ["shift"] * 4 + ["two_of_three", "shift", "two_of_three"]


# XmR chart: improvement, concern and neutral ------------------------------------------------


@pytest.mark.parametrize(
    ("improvement", "value", "special_cause", "variation"),
    [
        ("increase", 6.4, "improvement", "improvement_high"),
        ("increase", -4.4, "concern", "concern_low"),
        ("decrease", 6.4, "concern", "concern_high"),
        ("decrease", -4.4, "improvement", "improvement_low"),
        ("neutral", 6.4, "neutral", "neutral_high"),
        ("neutral", -4.4, "neutral", "neutral_low"),
    ],
)
def test_a_flag_is_labelled_by_the_improvement_direction(
    improvement, value, special_cause, variation
):
    chart = frozen([value], improvement=improvement)

    assert chart.points[-1].special_cause == special_cause
    assert chart.variation == variation


def test_a_neutral_flag_is_explained_without_judging_it():
    point = frozen([6.4], improvement="neutral").points[-1]

    assert point.explanation.endswith("the measure has no preferred direction.")


def test_the_variation_is_common_cause_when_the_last_point_is_not_flagged():
    chart = frozen([6.4, 1])

    assert chart.variation == "common_cause"
    assert chart.points[-1].explanation.endswith("common-cause variation.")


def test_an_unknown_improvement_direction_is_refused():
    with pytest.raises(ValueError):
        xmr_chart(BASE, improvement="up")


# XmR chart: assurance -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("improvement", "target", "assurance"),
    [
        ("increase", 7, "fail"),
        ("decrease", 7, "pass"),
        ("increase", -5, "pass"),
        ("decrease", -5, "fail"),
        ("increase", 1, "inconsistent"),
        ("decrease", 1, "inconsistent"),
    ],
)
def test_assurance_compares_the_target_with_the_limits(improvement, target, assurance):
    assert xmr_chart(BASE, improvement=improvement, target=target).assurance == assurance


def test_a_target_exactly_on_a_limit_is_inconsistent():
    upper = xmr_chart(BASE).upper_limit

    assert xmr_chart(BASE, target=upper).assurance == "inconsistent"


def test_there_is_no_assurance_without_a_target():
    assert xmr_chart(BASE).assurance is None


def test_there_is_no_assurance_for_a_neutral_measure():
    assert xmr_chart(BASE, improvement="neutral", target=100).assurance is None


def test_assurance_uses_the_latest_segment_after_a_rebase():
    values = BASE + [12, 10] * 6

    # 5 is inside the first segment's limits (-4.32 to 6.32), below the latest (5.68 to 16.32).
    chart = xmr_chart(values, target=5, rebase_at=[BASE_N])

    assert chart.mean == 11
    assert chart.assurance == "pass"
    assert xmr_chart(values[:BASE_N], target=5).assurance == "inconsistent"


# XmR chart: baseline and rebasing -----------------------------------------------------------


def test_a_baseline_freezes_the_limits_for_later_points():
    values = BASE + [30, 40, 50]

    chart = xmr_chart(values, baseline=BASE_N)

    assert (chart.mean, chart.amr) == (1, 2)
    assert chart.upper_limit == pytest.approx(6.32)
    assert chart.points[-1].upper_limit == pytest.approx(6.32)
    assert tail_of(chart) == ["outside_limits"] * 3


def test_without_a_baseline_later_points_move_the_limits():
    chart = xmr_chart(BASE + [30, 40, 50])

    assert chart.mean != 1


def test_a_baseline_longer_than_the_series_uses_every_point():
    assert xmr_chart(BASE, baseline=50).mean == xmr_chart(BASE).mean


def test_a_baseline_of_fewer_than_two_points_is_refused():
    with pytest.raises(ValueError):
        xmr_chart(BASE, baseline=1)


def test_rebasing_gives_each_segment_its_own_mean_and_limits():
    chart = xmr_chart(BASE + [12, 10] * 6, rebase_at=[BASE_N])

    assert [(s.start, s.stop, s.mean, s.amr) for s in chart.segments] == [
        (0, 12, 1, 2),
        (12, 24, 11, 2),
    ]
    assert chart.points[0].upper_limit == pytest.approx(6.32)
    assert chart.points[-1].upper_limit == pytest.approx(16.32)
    assert all(point.special_cause == "common_cause" for point in chart.points)


def test_without_rebasing_a_step_change_is_special_cause():
    chart = xmr_chart(BASE + [12, 10] * 6)

    assert any(point.special_cause != "common_cause" for point in chart.points)


def test_rules_do_not_run_across_a_rebase():
    # 0, 0.2, ... 1.4 is a rising run of eight across index 14.
    values = [2, 0] * 5 + [0.2, 0.4, 0.6, 0.8] + [1.0, 1.2, 1.4] + [0.5, 1.5] * 5

    assert any(point.rule == "trend" for point in xmr_chart(values).points)
    assert all(point.rule != "trend" for point in xmr_chart(values, rebase_at=[14]).points)


def test_a_baseline_applies_to_the_first_segment_only():
    values = BASE + [5, 5, 5] + [12, 10] * 6 + [20]

    chart = xmr_chart(values, baseline=BASE_N, rebase_at=[15])

    first, second = chart.segments
    assert (first.mean, first.n_limit_points) == (1, 12)
    assert second.n_limit_points == 13
    assert second.mean == pytest.approx(152 / 13)


def test_a_rebase_at_the_first_point_changes_nothing():
    assert xmr_chart(BASE, rebase_at=[0]).segments == xmr_chart(BASE).segments


def test_a_rebase_outside_the_series_is_refused():
    with pytest.raises(ValueError):
        xmr_chart(BASE, rebase_at=[BASE_N])


# XmR chart: short, constant, empty and incomplete series ------------------------------------


def test_limits_from_twelve_points_are_trial_limits():
    assert xmr_chart(BASE).trial_limits


def test_limits_from_thirteen_points_are_not_trial_limits():
    assert not xmr_chart(BASE + [1]).trial_limits


def test_limits_from_a_twelve_point_baseline_are_trial_limits_however_long_the_series():
    assert xmr_chart(BASE * 3, baseline=BASE_N).trial_limits


def test_a_two_point_series_has_trial_limits_and_no_flags():
    chart = xmr_chart([1, 3])

    assert (chart.mean, chart.amr) == (2, 2)
    assert chart.trial_limits
    assert [point.special_cause for point in chart.points] == ["common_cause"] * 2
    assert chart.variation == "common_cause"


def test_a_single_point_has_no_limits_and_no_flags():
    chart = xmr_chart([4], target=3)

    assert chart.mean == 4
    assert (chart.lower_limit, chart.upper_limit, chart.amr) == (None, None, None)
    assert not chart.trial_limits
    point = chart.points[0]
    assert (point.special_cause, point.rule, point.high) == ("common_cause", None, None)
    assert point.explanation == "There are too few points to calculate process limits."
    assert chart.variation is None
    assert chart.assurance is None


def test_an_empty_series_has_no_mean_limits_points_or_icons():
    chart = xmr_chart([], target=3)

    assert chart.mean is None
    assert chart.lower_limit is None
    assert chart.points == []
    assert chart.segments == []
    assert chart.variation is None
    assert chart.assurance is None


def test_a_constant_series_has_limits_equal_to_the_mean_and_no_flags():
    chart = xmr_chart([5] * 10)

    assert chart.amr == 0
    assert chart.lower_limit == chart.upper_limit == chart.mean == 5
    assert all(point.special_cause == "common_cause" for point in chart.points)


def test_a_constant_series_keeps_an_amr_of_zero_when_screened():
    assert average_moving_range([5] * 10, screen_outliers=True) == 0


def test_a_missing_value_keeps_its_place_but_is_left_out_of_the_statistics():
    chart = xmr_chart([1, None, 3, 5])

    assert chart.mean == 3
    # Only 3 -> 5 is a moving range; none is taken across the gap.
    assert chart.amr == 2
    missing = chart.points[1]
    assert (missing.value, missing.special_cause) == (None, None)
    assert missing.explanation == "No value was recorded for this period."


def test_a_missing_value_neither_breaks_nor_extends_a_shift():
    chart = frozen([1.5] * 3 + [None] + [1.5] * 4)

    assert tail_of(chart) == ["shift"] * 3 + [None] + ["shift"] * 4


def test_the_variation_icon_describes_the_last_recorded_point():
    chart = frozen([6.4, None])

    assert chart.variation == "improvement_high"


# P chart ------------------------------------------------------------------------------------


def test_the_p_chart_centre_is_the_total_numerator_over_the_total_denominator():
    chart = p_chart([10, 30], [100, 50])

    assert chart.centre == pytest.approx(40 / 150)


def test_p_chart_limits_are_three_binomial_sigmas_from_the_centre():
    chart = p_chart([10, 20, 30], [100, 100, 100])

    assert chart.centre == pytest.approx(0.2)
    point = chart.points[0]
    assert point.value == pytest.approx(0.1)
    # sigma = sqrt(0.2 x 0.8 / 100) = 0.04
    assert point.lower_limit == pytest.approx(0.08)
    assert point.upper_limit == pytest.approx(0.32)
    assert point.near_upper == pytest.approx(0.28)


def test_p_chart_limits_narrow_as_the_denominator_grows():
    small, large = p_chart([10, 40], [50, 200]).points

    assert large.upper_limit - large.lower_limit < small.upper_limit - small.lower_limit


def test_p_chart_upper_limits_are_clipped_at_one():
    chart = p_chart([9, 10, 10], [10, 10, 10])

    assert chart.centre + 3 * math.sqrt(chart.centre * (1 - chart.centre) / 10) > 1
    assert all(point.upper_limit == 1 for point in chart.points)


def test_p_chart_lower_limits_are_clipped_at_zero():
    chart = p_chart([0, 1, 0], [10, 10, 10])

    assert all(point.lower_limit == 0 for point in chart.points)


def test_a_zero_denominator_skips_the_point():
    chart = p_chart([10, 0, 30], [100, 0, 100])

    assert chart.centre == pytest.approx(0.2)
    skipped = chart.points[1]
    assert (skipped.value, skipped.lower_limit, skipped.upper_limit) == (None, None, None)
    assert skipped.special_cause is None
    assert skipped.explanation == "The denominator is zero, so this period is left out."


def test_a_p_chart_with_only_zero_denominators_has_no_centre():
    chart = p_chart([0, 0], [0, 0])

    assert chart.centre is None
    assert chart.variation is None


def test_a_p_chart_numerator_above_its_denominator_is_refused():
    with pytest.raises(ValueError):
        p_chart([11], [10])


def test_p_chart_numerators_and_denominators_must_match_in_length():
    with pytest.raises(ValueError):
        p_chart([1, 2], [10])


def test_a_p_chart_point_above_its_upper_limit_is_flagged():
    chart = p_chart([10] * 19 + [40], [100] * 20)

    point = chart.points[-1]
    assert (point.rule, point.high, point.special_cause) == ("outside_limits", True, "improvement")
    assert point.explanation == (
        "This point is above the upper process limit of 21.1%. This suggests improvement."
    )
    assert chart.variation == "improvement_high"


def test_a_p_chart_point_above_its_upper_limit_is_a_concern_when_lower_is_better():
    chart = p_chart([10] * 19 + [40], [100] * 20, improvement="decrease")

    assert chart.points[-1].special_cause == "concern"
    assert chart.variation == "concern_high"


def test_a_p_chart_shift_of_seven_points_is_flagged():
    chart = p_chart([20] * 7 + [10] * 7, [100] * 14)

    assert [point.rule for point in chart.points] == ["shift"] * 14
    assert [point.high for point in chart.points] == [True] * 7 + [False] * 7


def test_a_p_chart_run_of_six_points_is_not_a_shift():
    chart = p_chart([20] * 6 + [10] * 6, [100] * 12)

    assert all(point.rule is None for point in chart.points)


def test_a_p_chart_trend_of_seven_points_is_flagged():
    chart = p_chart(list(range(10, 17)), [100] * 7)

    assert [point.rule for point in chart.points] == ["trend"] * 7


def test_a_p_chart_flags_two_of_three_points_near_the_upper_limit():
    chart = p_chart([15, 5] * 6 + [21, 14, 21], [100] * 15)

    near = chart.points[-1]
    assert near.near_upper < near.value < near.upper_limit
    assert [point.rule for point in chart.points[-3:]] == ["two_of_three", None, "two_of_three"]


def test_a_p_chart_does_not_flag_one_of_three_points_near_the_limit():
    chart = p_chart([15, 5] * 6 + [21, 14, 17], [100] * 15)

    assert [point.rule for point in chart.points[-3:]] == [None, None, None]


@pytest.mark.parametrize(
    ("improvement", "target", "assurance"),
    [
        ("increase", 0.5, "fail"),
        ("decrease", 0.5, "pass"),
        ("increase", 0.01, "pass"),
        ("decrease", 0.01, "fail"),
        ("increase", 0.2, "inconsistent"),
        ("neutral", 0.5, None),
    ],
)
def test_p_chart_assurance_uses_the_latest_limits(improvement, target, assurance):
    chart = p_chart([10, 20, 30], [100, 100, 100], improvement=improvement, target=target)

    assert chart.assurance == assurance


def test_laney_limits_with_equal_denominators_match_an_i_chart_of_the_proportions():
    numerators = [15, 17, 14, 16, 18, 15, 17, 16]
    chart = p_chart(numerators, [100] * 8, laney=True)

    proportions = [n / 100 for n in numerators]
    amr = average_moving_range(proportions, screen_outliers=False)
    assert chart.points[0].upper_limit == pytest.approx(chart.centre + 3 * amr / D2)
    assert chart.points[0].lower_limit == pytest.approx(chart.centre - 3 * amr / D2)


def test_laney_limits_widen_for_over_dispersed_data_with_large_denominators():
    numerators = [5000, 5400, 4700, 5200, 4800, 5300, 4900, 5100]
    denominators = [50000] * 8

    plain = p_chart(numerators, denominators)
    laney = p_chart(numerators, denominators, laney=True)

    assert laney.sigma_z > 1
    assert any(point.rule == "outside_limits" for point in plain.points)
    assert all(point.rule != "outside_limits" for point in laney.points)


def test_a_single_point_laney_chart_has_no_limits():
    chart = p_chart([5], [10], laney=True)

    assert chart.points[0].upper_limit is None
    assert chart.variation is None
