"""Audit statistics against hand-worked and published values, and at every edge."""

import pytest

from audits import stats
from audits.stats import (
    funnel_limits,
    funnel_position,
    sample_size_needed,
    start_back,
    verdict,
    wilson_interval,
)


# Newcombe, Stat Med 1998;17:857, table I (method 3, the Wilson score interval).
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_wilson_interval_matches_newcombes_published_values(successes, n, low, high):
    result = wilson_interval(successes, n)
    assert result == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_wilson_interval_of_none_met_is_zero_to_z_squared_over_n_plus_z_squared():
    # By hand: 0 of 10 gives an upper bound of z^2 / (n + z^2) = 3.84146 / 13.84146.
    assert wilson_interval(0, 10) == (0.0, pytest.approx(3.841459 / 13.841459, abs=1e-6))


def test_wilson_interval_of_all_met_mirrors_none_met():
    assert wilson_interval(10, 10) == (pytest.approx(1 - 3.841459 / 13.841459, abs=1e-6), 1.0)


def test_wilson_interval_of_no_cases_is_zero_to_one():
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_wilson_interval_is_wider_at_higher_confidence():
    low95, high95 = wilson_interval(8, 10)
    low99, high99 = wilson_interval(8, 10, confidence=0.99)
    assert low99 < low95 and high99 > high95


@pytest.mark.parametrize(("successes", "n"), [(-1, 10), (11, 10), (1, 0), (True, 3), (1.0, 3)])
def test_wilson_interval_refuses_impossible_counts(successes, n):
    with pytest.raises(ValueError):
        wilson_interval(successes, n)


def test_funnel_limits_are_worked_by_hand_for_a_half_of_a_hundred():
    # se = sqrt(0.25 / 100) = 0.05.
    limits = funnel_limits(0.5, 100)
    assert limits.lower95 == pytest.approx(0.5 - 1.959964 * 0.05)
    assert limits.upper95 == pytest.approx(0.5 + 1.959964 * 0.05)
    assert limits.lower998 == pytest.approx(0.5 - 3.090232 * 0.05)
    assert limits.upper998 == pytest.approx(0.5 + 3.090232 * 0.05)


def test_funnel_limits_are_clipped_to_zero_and_one():
    # se = sqrt(0.16 / 25) = 0.08; 0.2 - 3.090232 * 0.08 < 0.
    limits = funnel_limits(0.2, 25)
    assert limits.lower998 == 0.0
    assert limits.lower95 == pytest.approx(0.2 - 1.959964 * 0.08)


@pytest.mark.parametrize("p0", [0.0, 1.0])
def test_funnel_limits_collapse_onto_a_centre_of_zero_or_one(p0):
    limits = funnel_limits(p0, 40)
    assert limits.lower95 == limits.upper95 == limits.lower998 == limits.upper998 == p0


@pytest.mark.parametrize(("p0", "n"), [(-0.1, 10), (1.1, 10), (0.5, 0), (0.5, 2.5)])
def test_funnel_limits_refuse_impossible_input(p0, n):
    with pytest.raises(ValueError):
        funnel_limits(p0, n)


@pytest.mark.parametrize(
    ("successes", "expected"),
    [(70, "high_998"), (60, "high_95"), (50, "within"), (40, "low_95"), (30, "low_998")],
)
def test_funnel_position_names_each_band(successes, expected):
    # Limits for 0.5 of 100: 95% 0.402 to 0.598, 99.8% 0.345 to 0.655.
    assert funnel_position(successes, 100, 0.5) == expected


def test_funnel_position_on_the_limit_itself_is_within():
    # p0 = 0 and p0 = 1 put every limit on the centre: exactly on it is not beyond it.
    assert funnel_position(0, 30, 0.0) == "within"
    assert funnel_position(30, 30, 1.0) == "within"


def test_funnel_position_with_a_centre_of_zero_or_one_flags_any_difference():
    assert funnel_position(1, 30, 0.0) == "high_998"
    assert funnel_position(29, 30, 1.0) == "low_998"


def test_funnel_position_refuses_no_cases():
    with pytest.raises(ValueError):
        funnel_position(0, 0, 0.5)


def test_verdict_meets_when_the_interval_lies_at_or_above_the_standard():
    assert verdict(100, 100, 0.9) == "meets"  # 0.963 to 1


def test_verdict_is_below_when_the_interval_lies_under_the_standard():
    assert verdict(5, 20, 0.9) == "below"


def test_verdict_cannot_tell_when_the_interval_straddles_the_standard():
    assert verdict(18, 20, 0.9) == "cannot_tell"


def test_verdict_without_eligible_cases_says_so():
    assert verdict(0, 0, 0.9) == "no_cases"


def test_sample_size_needed_is_the_first_size_that_decides():
    needed = sample_size_needed(0.8, 0.9)
    assert stats._wilson(0.8, needed, stats.Z95)[1] < 0.9
    assert stats._wilson(0.8, needed - 1, stats.Z95)[1] >= 0.9


def test_sample_size_needed_above_the_standard_uses_the_lower_bound():
    needed = sample_size_needed(0.95, 0.9)
    assert stats._wilson(0.95, needed, stats.Z95)[0] >= 0.9
    assert stats._wilson(0.95, needed - 1, stats.Z95)[0] < 0.9


def test_no_sample_size_tells_a_proportion_from_an_equal_standard():
    assert sample_size_needed(0.9, 0.9) is None


def test_start_back_with_nothing_positive_is_low_risk():
    assert start_back([0] * 9) == stats.StartBack(total=0, psychosocial=0, stratum="low")


def test_start_back_total_of_three_is_still_low_risk():
    assert start_back([1, 1, 1, 0, 0, 0, 0, 0, 0]).stratum == "low"


def test_start_back_total_of_four_with_low_subscale_is_medium_risk():
    result = start_back([1, 1, 1, 1, 1, 1, 1, 0, 0])
    assert (result.total, result.psychosocial, result.stratum) == (7, 3, "medium")


def test_start_back_subscale_of_four_is_high_risk():
    result = start_back([0, 0, 0, 0, 1, 1, 1, 1, 0])
    assert (result.total, result.psychosocial, result.stratum) == (4, 4, "high")


@pytest.mark.parametrize(("item9", "counts"), [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)])
def test_start_back_item_nine_counts_only_at_very_much_or_extremely(item9, counts):
    result = start_back([0, 0, 0, 0, 0, 0, 0, 0, item9])
    assert result.total == result.psychosocial == counts


def test_start_back_item_nine_can_tip_the_subscale_into_high_risk():
    assert start_back([0, 0, 0, 0, 1, 1, 1, 0, 3]).stratum == "high"
    assert start_back([0, 0, 0, 0, 1, 1, 1, 0, 2]).stratum == "low"


def test_start_back_all_positive_scores_nine_and_five():
    assert start_back((1, 1, 1, 1, 1, 1, 1, 1, 4)) == stats.StartBack(9, 5, "high")


@pytest.mark.parametrize(
    "answers",
    [
        [0] * 8,
        [0] * 10,
        [2, 0, 0, 0, 0, 0, 0, 0, 0],
        [-1, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 5],
        [True, 0, 0, 0, 0, 0, 0, 0, 0],
        [0.0, 0, 0, 0, 0, 0, 0, 0, 0],
        ["1", 0, 0, 0, 0, 0, 0, 0, 0],
        "000000000",
        None,
    ],
)
def test_start_back_refuses_anything_but_nine_valid_answers(answers):
    with pytest.raises(ValueError):
        start_back(answers)


def test_stats_module_imports_nothing_from_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(stats.__file__).read_text())
    modules = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in modules if name and name.startswith("django")]
