"""Chart geometry: scales, round axis ticks, label thinning, annotation rows, value wording.

Pure: no Django (house style rule 8), so every chart's layout can be tested alone. The
renderer (qiproject.charts.svg) draws what these functions place.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Text is sized in the chart's own units. Charts are drawn VIEW_WIDTH units wide and scale to
# their box; FONT units at MIN_SHOWN_WIDTH px keep text at least MIN_TEXT_PX (a phone 390 px
# wide shows a chart about 360 px wide once the page's padding is taken off).
VIEW_WIDTH = 520
FONT = 16
MIN_SHOWN_WIDTH = 358
MIN_TEXT_PX = 11
# A character of the sans-serif chart font is at most this many font sizes wide on average
# (digits and capital letters of Arial/Helvetica are 0.56-0.67; a whole label averages less).
CHAR_WIDTH = 0.62
LABEL_GAP = 8


def text_px(font_units: float, view_width: float = VIEW_WIDTH, shown_width: float = 390) -> float:
    """How many pixels tall text of `font_units` is when the chart is shown `shown_width` wide."""
    return font_units * shown_width / view_width


def text_width(text: str, font: float = FONT) -> float:
    """An upper estimate of the drawn width of `text` (no font metrics on the server)."""
    return len(text) * font * CHAR_WIDTH


@dataclass(frozen=True)
class Scale:
    """A linear map from data values (domain) to drawing units (range)."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)


def nice_step(span: float, max_ticks: int = 6) -> float:
    """The smallest 1, 2 or 5 x 10^k step that covers `span` in at most `max_ticks` - 1 steps."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(max_ticks - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        step = multiple * power
        if step >= raw * (1 - 1e-9):
            return step
    return 10 * power  # pragma: no cover - the loop always returns


def nice_ticks(
    low: float, high: float, *, max_ticks: int = 6, bounds: tuple[float, float] | None = None
) -> list[float]:
    """Round tick values (1-2-5 steps) from at or below `low` to at or above `high`.

    `bounds` keeps the axis inside what the values can be (0 to 1 for a proportion).
    """
    if bounds:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
        if bounds:
            low, high = max(low, bounds[0]), min(high, bounds[1])
    step = nice_step(high - low, max_ticks)
    # A step may need one more tick than max_ticks once the ends are rounded out; widen it.
    while True:
        first = math.floor(low / step + 1e-9)
        last = math.ceil(high / step - 1e-9)
        if last - first + 1 <= max_ticks:
            break
        step = nice_step(step * max_ticks, max_ticks)
    ticks = [_tidy((first + i) * step, step) for i in range(last - first + 1)]
    if bounds:
        ticks = [t for t in ticks if bounds[0] - 1e-12 <= t <= bounds[1] + 1e-12]
    return ticks


def _tidy(value: float, step: float) -> float:
    # 0.1 * 3 is 0.30000000000000004: round to the step's own decimal places.
    places = max(0, -math.floor(math.log10(step))) + 1
    tidy = round(value, places)
    return 0.0 if tidy == 0 else tidy


def tick_label(value: float, step: float, *, percent: bool = False) -> str:
    """A tick value with just the decimal places its step needs ("5%", "0.25", "1,500")."""
    if percent:
        value, step = value * 100, step * 100
    step = float(f"{step:.6g}")  # 0.32 - 0.3 is 0.020000000000000018
    places = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    if step > 0 and round(step, places) != step and places < 6:
        places += 1  # 0.25 and 2.5 steps
    text = f"{value:,.{places}f}"
    return text + "%" if percent else text


def thin_labels(
    labels: Sequence[str],
    slot_width: float,
    *,
    font: float = FONT,
    strides: Sequence[int] = (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120),
) -> list[int]:
    """Which labels of an evenly spaced axis to draw so that none overlaps the next.

    Every k-th label counting back from the latest period is kept, with k the first stride
    (1, 2, 3, 4, 6, 12 months...) whose spacing leaves room for the widest label.
    """
    count = len(labels)
    if not count:
        return []
    widest = max(text_width(label, font) for label in labels) + LABEL_GAP
    stride = next((k for k in strides if k * slot_width >= widest), None)
    if stride is None:
        stride = math.ceil(widest / slot_width)
    return [i for i in range(count) if (count - 1 - i) % stride == 0]


@dataclass(frozen=True)
class Placed:
    """An annotation's marker: which data point it sits at, its row, and its key number."""

    index: int
    row: int
    key: int
    label: str


def place_annotations(
    annotations: Sequence[tuple[int, str]],
    count: int,
    slot_width: float,
    *,
    marker_width: float,
) -> list[Placed]:
    """Numbered markers for annotations within the data (0 <= index < count), stacked in rows.

    Each marker goes in the first row where it overlaps no marker already placed, so markers
    never overlap; the key number (1, 2, ...) names it in the key beside the chart.
    """
    inside = sorted(
        ((index, label) for index, label in annotations if 0 <= index < count),
        key=lambda item: item[0],
    )
    rows_end: list[float] = []
    placed = []
    for key, (index, label) in enumerate(inside, start=1):
        centre = (index + 0.5) * slot_width
        left = centre - marker_width / 2
        row = next((r for r, end in enumerate(rows_end) if left >= end), len(rows_end))
        if row == len(rows_end):
            rows_end.append(0.0)
        rows_end[row] = centre + marker_width / 2 + 2
        placed.append(Placed(index=index, row=row, key=key, label=label))
    return placed


def format_value(value: float | None, *, data_type: str = "") -> str:
    """A measure's value as every chart, table and explanation shows it.

    Proportions as percentages to one decimal place; counts as whole numbers, and anything
    that is not a whole number (a mean, a limit) to one decimal place, so a limit of 3.47 reads
    3.5 everywhere and never looks like the count 3; other values to three significant figures.
    """
    if value is None:
        return "–"
    if data_type == "proportion":
        return f"{value * 100:.1f}%"
    if data_type == "count":
        if float(value).is_integer():
            return f"{value:,.0f}"
        return f"{value:,.1f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def axis_labels(
    labels: Sequence[str],
    first_x: float,
    slot_width: float,
    *,
    width: float,
    font: float = FONT,
    strides: Sequence[int] = (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120),
) -> list[tuple[int, float]]:
    """(index, centre x) of the time labels to draw: thinned, kept inside 0..width, apart.

    A label near an edge is moved in; if that brings it too close to its neighbour the earlier
    one is left out, so no two drawn labels ever overlap.
    """
    kept: list[tuple[int, float]] = []
    left_edge = math.inf
    # From the latest period back, so the latest is always named.
    for index in reversed(thin_labels(labels, slot_width, font=font, strides=strides)):
        half = text_width(labels[index], font) / 2
        x = first_x + index * slot_width
        x = min(max(x, half + 1), width - half - 1)
        if x + half > left_edge - LABEL_GAP:
            continue
        kept.append((index, x))
        left_edge = x - half
    return kept[::-1]


def flow(widths: Sequence[float], width: float, *, gap: float = 16) -> list[tuple[int, float]]:
    """(row, x) for items of `widths` laid out left to right, wrapping at `width` (a legend)."""
    placed, row, x = [], 0, 0.0
    for item in widths:
        if x > 0 and x + item > width:
            row, x = row + 1, 0.0
        placed.append((row, x))
        x += item + gap
    return placed
