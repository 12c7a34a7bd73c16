"""The chart module's geometry: round ticks, thinned labels, annotations, value wording."""

import ast
import math
from datetime import date, timedelta
from pathlib import Path

import pytest

from qiproject.charts import geometry as g


def _is_1_2_5(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    return any(math.isclose(mantissa, m) for m in (1, 2, 5))


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (0, 6.44),
        (3.1, 8.47),
        (0, 1),
        (0.31, 0.37),  # a narrow percentage range
        (0.0001, 0.00013),  # tiny values
        (0, 137),
        (1200, 15234),
        (-3.3, 4.1),
        (7, 7),  # one value
        (97.2, 97.9),
    ],
)
def test_axis_ticks_are_round_1_2_5_steps_covering_the_values(low, high):
    ticks = g.nice_ticks(low, high)
    steps = {round(b - a, 12) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    (step,) = steps
    assert _is_1_2_5(step)
    assert ticks[0] <= low + 1e-12 and ticks[-1] >= high - 1e-12
    assert 2 <= len(ticks) <= 6
    assert all(math.isclose(t / step, round(t / step), abs_tol=1e-9) for t in ticks)


def test_the_seen_awkward_ticks_are_gone():
    assert g.nice_ticks(0, 8.47) == [0, 2, 4, 6, 8, 10]
    labels = [g.tick_label(t, 2) for t in g.nice_ticks(0, 8.47)]
    assert labels == ["0", "2", "4", "6", "8", "10"]


def test_proportion_ticks_stay_within_0_and_100_percent_and_read_as_percentages():
    ticks = g.nice_ticks(0.82, 1.0, bounds=(0, 1))
    assert ticks[-1] == 1.0 and ticks[0] >= 0
    step = ticks[1] - ticks[0]
    assert [g.tick_label(t, step, percent=True) for t in ticks][-1] == "100%"
    narrow = g.nice_ticks(0.313, 0.318, bounds=(0, 1))
    texts = [g.tick_label(t, narrow[1] - narrow[0], percent=True) for t in narrow]
    assert texts[0] == "31.3%" and len(set(texts)) == len(texts)


def test_tick_labels_carry_only_the_decimals_their_step_needs():
    assert g.tick_label(0.3, 0.1) == "0.3"
    assert g.tick_label(0.25, 0.05) == "0.25"
    assert g.tick_label(2.5, 2.5) == "2.5"
    assert g.tick_label(15000, 5000) == "15,000"
    assert g.tick_label(0.00011, 0.00001) == "0.00011"


def _months(count: int) -> list[str]:
    return [f"{date(2020 + (m // 12), m % 12 + 1, 1):%b %Y}" for m in range(count)]


def _weeks(count: int) -> list[str]:
    start = date(2025, 1, 6)
    return [
        f"{(start + timedelta(weeks=i)).day} {start + timedelta(weeks=i):%b %y}"
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [6, 9, 12, 13, 18, 24, 36, 48, 60, 90, 120])
@pytest.mark.parametrize("make", [_months, _weeks])
def test_time_labels_are_thinned_so_that_none_overlaps(count, make):
    labels = make(count)
    width, left, right = g.VIEW_WIDTH, 50, 14
    slot = (width - left - right) / count
    kept = g.axis_labels(labels, left + slot / 2, slot, width=width)
    assert kept and kept[-1][0] == count - 1  # the latest period is always named
    boxes = [(x - g.text_width(labels[i]) / 2, x + g.text_width(labels[i]) / 2) for i, x in kept]
    assert all(a >= 0 and b <= width for a, b in boxes)
    for (_, end), (start, _) in zip(boxes, boxes[1:], strict=False):
        assert start - end >= g.LABEL_GAP - 1e-9


def test_twelve_months_are_thinned_to_a_regular_stride():
    labels = _months(24)
    slot = 456 / 24
    indices = g.thin_labels(labels, slot)
    strides = {b - a for a, b in zip(indices, indices[1:], strict=False)}
    assert len(strides) == 1 and strides.pop() in (1, 2, 3, 4, 6, 12)


def test_annotations_outside_the_data_are_left_out_and_markers_never_overlap():
    notes = [(-1, "before"), (0, "a"), (1, "b"), (2, "c"), (9, "d"), (10, "after")]
    placed = g.place_annotations(notes, 10, slot_width=10, marker_width=28)
    assert [p.label for p in placed] == ["a", "b", "c", "d"]
    assert [p.key for p in placed] == [1, 2, 3, 4]
    by_row = {}
    for p in placed:
        by_row.setdefault(p.row, []).append((p.index + 0.5) * 10)
    for centres in by_row.values():
        assert all(b - a >= 28 for a, b in zip(centres, centres[1:], strict=False))
    assert len(by_row) > 1  # cycles a period apart are stacked, not drawn on top of each other


def test_a_measure_value_reads_the_same_in_the_chart_the_table_and_the_flag_words():
    assert g.format_value(3.47, data_type="count") == "3.5"
    assert g.format_value(3.0, data_type="count") == "3"
    assert g.format_value(1234.0, data_type="count") == "1,234"
    assert g.format_value(0.4567, data_type="proportion") == "45.7%"
    assert g.format_value(12.345, data_type="continuous") == "12.3"
    assert g.format_value(None) == "–"


def test_chart_text_is_at_least_11_px_on_a_390_px_phone():
    assert g.text_px(g.FONT, shown_width=g.MIN_SHOWN_WIDTH) >= g.MIN_TEXT_PX
    assert g.text_px(g.FONT, shown_width=390) >= g.MIN_TEXT_PX


def test_the_geometry_imports_no_django():
    tree = ast.parse(Path(g.__file__).read_text(encoding="utf-8"))
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert modules and not [m for m in modules if m.split(".")[0] == "django"]
