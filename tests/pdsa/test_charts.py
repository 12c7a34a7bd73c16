from datetime import date

import pytest
from django.utils.text import Truncator

from pdsa.charts import MIN_SPC_POINTS, SeriesPoint, _shorten, analyse, chart_cycles
from qiproject.charts import format_value


def _months(values, *, proportion=False):
    points = []
    for i, value in enumerate(values):
        period = date(2025 + i // 12, i % 12 + 1, 1)
        if proportion:
            numerator, denominator = value
            points.append(SeriesPoint(period, numerator / denominator, numerator, denominator))
        else:
            points.append(SeriesPoint(period, value))
    return points


def test_a_short_series_offers_only_the_run_chart():
    analysis = analyse(_months([1, 2, 3]), is_proportion=False, improvement="increase")
    assert not analysis.spc_available
    assert analysis.variation is None
    assert analysis.variation_label == "Not enough data for SPC"
    assert analysis.run.median == 2


def test_an_empty_series_is_analysed_without_error():
    analysis = analyse([], is_proportion=True, improvement="increase")
    assert analysis.rows == [] and not analysis.has_improvement and not analysis.sustained()


def test_a_shift_after_a_change_is_flagged_as_improvement_on_an_xmr_chart():
    values = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9] + [15, 16, 15, 17, 16, 15, 16, 17]
    analysis = analyse(_months(values), is_proportion=False, improvement="increase")
    assert analysis.kind == "xmr" and analysis.spc_available
    assert analysis.has_improvement
    assert analysis.rows[-1].special_cause == "improvement"
    assert analysis.variation == "improvement_high"
    assert analysis.sustained()


def test_a_baseline_holds_the_limits_and_says_so():
    values = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9] + [15, 16, 15, 17, 16, 15]
    analysis = analyse(
        _months(values),
        is_proportion=False,
        improvement="increase",
        baseline_end=date(2025, 12, 1),
    )
    assert analysis.rows[0].upper == analysis.rows[-1].upper
    assert "first 12 periods" in analysis.notes[0]
    assert "Trial limits" in analysis.notes[-1]


def test_a_rebase_recalculates_the_limits_from_the_confirmed_period():
    values = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9] + [15, 16, 15, 17, 16, 15, 16, 17]
    analysis = analyse(
        _months(values),
        is_proportion=False,
        improvement="increase",
        rebased_from=date(2026, 1, 1),
    )
    assert analysis.rows[0].centre < 11 < analysis.rows[-1].centre
    assert analysis.variation == "common_cause"
    assert any("recalculated from Jan 2026" in note for note in analysis.notes)


def test_proportions_use_a_p_chart_with_limits_per_point():
    pairs = [(5, 20), (6, 40), (4, 18), (7, 35)] * 4
    analysis = analyse(_months(pairs, proportion=True), is_proportion=True, improvement="increase")
    assert analysis.kind == "p" and len(analysis.rows) == 16 >= MIN_SPC_POINTS
    assert analysis.rows[0].upper != analysis.rows[1].upper
    assert 0 <= analysis.rows[0].lower <= analysis.rows[0].centre <= analysis.rows[0].upper <= 1


def test_a_p_chart_target_gives_an_assurance():
    pairs = [(18, 20), (19, 20), (18, 20), (19, 20)] * 4
    analysis = analyse(
        _months(pairs, proportion=True), is_proportion=True, improvement="increase", target=0.5
    )
    assert analysis.assurance == "pass"
    assert "consistently meets" in analysis.assurance_label


@pytest.mark.parametrize(
    "title", ["Short", "exactly twenty chars", "twenty-one characters", "é" * 30, "cafe\u0301 " * 6]
)
def test_cycle_labels_on_the_chart_are_cut_as_django_cuts_text(title):
    assert _shorten(title, 20) == Truncator(title).chars(20)


def test_a_p_chart_baseline_freezes_the_centre_and_says_how_in_words():
    # Twelve baseline months of 5/20 then 10/20 (c = 0.25): the later months stay on 0.25.
    pairs = [(5, 20)] * 12 + [(10, 20)] * 4
    analysis = analyse(
        _months(pairs, proportion=True),
        is_proportion=True,
        improvement="increase",
        baseline_end=date(2025, 12, 1),
    )
    assert {row.centre for row in analysis.rows} == {0.25}
    assert analysis.rows[-1].special_cause == "improvement"
    (note, *_rest) = analysis.notes
    assert "first 12 periods" in note and "total numerator" in note and "25.0%" in note
    assert "XmR charts only" not in " ".join(analysis.notes)
    assert analysis.trial_limits  # twelve points set them


def test_a_count_limit_reads_the_same_in_the_flag_words_as_in_the_table():
    values = [3, 2, 3, 4, 2, 3, 3, 2, 4, 3, 2, 3, 9]
    analysis = analyse(
        _months(values), is_proportion=False, improvement="increase", data_type="count"
    )
    flagged = analysis.rows[-1]
    assert flagged.rule is not None
    assert format_value(flagged.upper, data_type="count") in flagged.explanation
    assert f"{flagged.upper:.3g}" not in flagged.explanation


def test_cycles_outside_the_data_are_left_off_the_chart():
    from types import SimpleNamespace

    analysis = analyse(_months([1, 2, 3]), is_proportion=False, improvement="increase")
    measure = SimpleNamespace(normalise_period=lambda d: d.replace(day=1))
    cycles = [
        SimpleNamespace(start_date=date(2024, 12, 5)),
        SimpleNamespace(start_date=date(2025, 2, 9)),
        SimpleNamespace(start_date=date(2025, 4, 1)),
    ]
    assert chart_cycles(measure, analysis.rows, cycles) == [(1, cycles[1])]
