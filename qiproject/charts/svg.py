"""Every chart the site draws, as server-rendered SVG: line (run, XmR, P), bars, horizontal
bars, whiskers, funnel, sparkline, and the variation and assurance icons with their sprite.

Built in Python rather than templates (house style rule 18 prefers templates) because the
dashboards cache rows of icons and sparklines as HTML built in Python (dashboards.rows: 50
rows of 10 columns are too slow through the template engine), and one drawing module in one
language keeps one copy of each rule. Every piece of text goes through django.utils.html
escape here, so callers may mark the result safe. Presentation attributes only (the
Content-Security-Policy forbids inline styles). Each chart has a <title> and <desc>; pages
show the numbers as a table too. Points differ by marker shape and lines by dash pattern, so
the charts read in greyscale.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape

from qiproject.charts.geometry import (
    FONT,
    VIEW_WIDTH,
    Scale,
    axis_labels,
    flow,
    format_value,
    nice_ticks,
    place_annotations,
    text_width,
    tick_label,
)

# Making Data Count colours.
COLOURS = {
    "common_cause": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
}
# Each kind of point has its own shape as well as its colour.
SHAPES = {
    "common_cause": "circle",
    "improvement": "square",
    "concern": "diamond",
    "neutral": "triangle",
}
POINT_NAMES = {
    "common_cause": "Common cause",
    "improvement": "Improvement",
    "concern": "Concern",
    "neutral": "Neither better nor worse",
}
INK = "#212b32"
AXIS = "#425563"
GRID = "#e8edee"
RUN_POINT = "#003087"
LIMIT = "#425563"
TARGET = "#d5281b"
CYCLE = "#768692"
BLUE = "#005eb8"
GREY = "#768692"

PLOT_HEIGHT = 220
ROW_HEIGHT = FONT + 8


def _e(value) -> str:
    return str(escape(str(value)))


def _f(value: float) -> str:
    return f"{value:.1f}"


def _open(width: float, height: float, title: str, description: str, ident: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'class="qi-chart" role="img" aria-labelledby="{_e(ident)}-title {_e(ident)}-desc">',
        f'<title id="{_e(ident)}-title">{_e(title)}</title>',
        f'<desc id="{_e(ident)}-desc">{_e(description)}</desc>',
        f'<rect x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="#ffffff"/>',
    ]


def _text(x, y, text, *, anchor="start", fill=AXIS) -> str:
    # Every text is FONT units: the size that stays >= 11 px on a phone (geometry.py).
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{FONT}" text-anchor="{anchor}" '
        f'fill="{fill}">{_e(text)}</text>'
    )


def marker(shape: str, x: float, y: float, colour: str, size: float = 5, title: str = "") -> str:
    """A point drawn as a circle, square, diamond or triangle (shape tells kinds apart)."""
    tip = f"<title>{_e(title)}</title>" if title else ""
    edge = 'stroke="#ffffff" stroke-width="1"'
    if shape == "square":
        s = size * 0.9
        return (
            f'<rect x="{_f(x - s)}" y="{_f(y - s)}" width="{_f(2 * s)}" height="{_f(2 * s)}" '
            f'fill="{colour}" {edge}>{tip}</rect>'
        )
    if shape == "diamond":
        s = size * 1.25
        return (
            f'<polygon points="{_f(x)},{_f(y - s)} {_f(x + s)},{_f(y)} {_f(x)},{_f(y + s)} '
            f'{_f(x - s)},{_f(y)}" fill="{colour}" {edge}>{tip}</polygon>'
        )
    if shape == "triangle":
        s = size * 1.2
        return (
            f'<polygon points="{_f(x)},{_f(y - s)} {_f(x + s)},{_f(y + s * 0.8)} '
            f'{_f(x - s)},{_f(y + s * 0.8)}" fill="{colour}" {edge}>{tip}</polygon>'
        )
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(size)}" fill="{colour}" {edge}>{tip}</circle>'


# Legend --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One legend entry: its words and the sample drawn before them."""

    label: str
    kind: str  # "line", "marker", "box"
    colour: str
    dash: str = ""
    shape: str = "circle"


def _legend(keys: Sequence[Key], top: float, width: float, left: float = 0) -> tuple[str, float]:
    """The legend as SVG and its height; only the keys given (what is drawn) are named."""
    if not keys:
        return "", 0
    sample = 22
    widths = [sample + 6 + text_width(key.label) for key in keys]
    places = flow(widths, width - left)
    parts = ['<g class="qi-legend">']
    for key, (row, x) in zip(keys, places, strict=True):
        x += left
        y = top + row * ROW_HEIGHT + FONT / 2
        if key.kind == "line":
            dash = f' stroke-dasharray="{key.dash}"' if key.dash else ""
            parts.append(
                f'<line x1="{_f(x)}" x2="{_f(x + sample)}" y1="{_f(y)}" y2="{_f(y)}" '
                f'stroke="{key.colour}" stroke-width="2"{dash}/>'
            )
        elif key.kind == "box":
            parts.append(
                f'<rect x="{_f(x + 4)}" y="{_f(y - 7)}" width="14" height="14" '
                f'fill="{_e(key.colour)}" stroke="{INK}" stroke-width="0.5"/>'
            )
        else:
            parts.append(marker(key.shape, x + sample / 2, y, key.colour))
        parts.append(_text(x + sample + 6, y + FONT * 0.35, key.label, fill=INK))
    parts.append("</g>")
    rows = max(row for row, _ in places) + 1
    return "".join(parts), rows * ROW_HEIGHT


# Line charts (run chart, XmR chart, P chart) -------------------------------------------------


def line_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float],
    kinds: Sequence[str] | None = None,
    centre: Sequence[float | None] | None = None,
    lower: Sequence[float | None] | None = None,
    upper: Sequence[float | None] | None = None,
    target: float | None = None,
    annotations: Sequence[tuple[int, str]] = (),
    data_type: str = "",
    centre_label: str = "Mean",
    weekly: bool = False,
    ident: str = "chart",
) -> str:
    """A line of values with optional centre line, limits (steps where they change), target
    and numbered PDSA markers; `kinds` are the points' special-cause kinds (shape and colour).
    """
    percent = data_type == "proportion"
    count = len(values)
    width = VIEW_WIDTH
    if not count:
        parts = _open(width, 120, title, description, ident)
        parts.append(_text(width / 2, 64, "No data yet", anchor="middle") + "</svg>")
        return "".join(parts)
    lines = [s for s in (centre, lower, upper) if s and any(v is not None for v in s)]
    extent = list(values) + [v for s in lines for v in s if v is not None]
    if target is not None:
        extent.append(target)
    ticks = nice_ticks(min(extent), max(extent), bounds=(0.0, 1.0) if percent else None)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    tick_texts = [tick_label(t, step, percent=percent) for t in ticks]
    left = max(text_width(t) for t in tick_texts) + 12
    right = 14
    plot_w = width - left - right
    slot = plot_w / count
    marker_w = text_width("99") + 10
    placed = place_annotations(annotations, count, slot, marker_width=marker_w)
    marker_rows = max((p.row for p in placed), default=-1) + 1
    top = 10 + marker_rows * ROW_HEIGHT
    bottom_axis = top + PLOT_HEIGHT
    y = Scale(ticks[0], ticks[-1], bottom_axis, top)

    def x(i: int) -> float:
        return left + slot * (i + 0.5)

    keys = []
    if kinds:
        for kind in POINT_NAMES:
            if kind in kinds:
                keys.append(Key(POINT_NAMES[kind], "marker", COLOURS[kind], shape=SHAPES[kind]))
    else:
        keys.append(Key("Value", "marker", RUN_POINT))
    if centre and any(v is not None for v in centre):
        keys.append(Key(centre_label, "line", INK))
    if any(s and any(v is not None for v in s) for s in (lower, upper)):
        keys.append(Key("Process limits", "line", LIMIT, dash="6 4"))
    if target is not None:
        keys.append(Key("Target", "line", TARGET, dash="2 3"))
    if placed:
        keys.append(Key("PDSA cycle (numbered)", "line", CYCLE, dash="2 3"))
    label_top = bottom_axis + 6 + FONT
    legend, legend_h = _legend(keys, label_top + 14, width, left=0)
    height = label_top + 14 + legend_h + 4

    parts = _open(width, height, title, description, ident)
    for value, text in zip(ticks, tick_texts, strict=True):
        py = y(value)
        parts.append(
            f'<line x1="{_f(left)}" x2="{_f(width - right)}" y1="{_f(py)}" y2="{_f(py)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, py + FONT * 0.35, text, anchor="end"))
    parts.append(
        f'<line x1="{_f(left)}" x2="{_f(left)}" y1="{_f(top)}" y2="{_f(bottom_axis)}" '
        f'stroke="{AXIS}"/><line x1="{_f(left)}" x2="{_f(width - right)}" '
        f'y1="{_f(bottom_axis)}" y2="{_f(bottom_axis)}" stroke="{AXIS}"/>'
    )
    strides = (1, 2, 4, 8, 13, 26, 52, 104) if weekly else (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)
    for index, lx in axis_labels(labels, x(0), slot, width=width, strides=strides):
        parts.append(
            f'<line x1="{_f(x(index))}" x2="{_f(x(index))}" y1="{_f(bottom_axis)}" '
            f'y2="{_f(bottom_axis + 4)}" stroke="{AXIS}"/>'
        )
        parts.append(_text(lx, label_top, labels[index], anchor="middle"))
    for note in placed:
        ax = x(note.index)
        my = 10 + note.row * ROW_HEIGHT
        parts.append(
            f'<g class="qi-annotation"><title>{_e(note.key)}: {_e(note.label)}</title>'
            f'<line x1="{_f(ax)}" x2="{_f(ax)}" y1="{_f(my + FONT + 4)}" '
            f'y2="{_f(bottom_axis)}" stroke="{CYCLE}" stroke-dasharray="2 3"/>'
            f'<rect x="{_f(ax - marker_w / 2)}" y="{_f(my)}" width="{_f(marker_w)}" '
            f'height="{FONT + 4}" rx="3" fill="#ffffff" stroke="{CYCLE}"/>'
            + _text(ax, my + FONT, note.key, anchor="middle", fill=INK)
            + "</g>"
        )
    parts.append(_stepped(centre, x, y, slot, INK, "", centre_label))
    parts.append(_stepped(lower, x, y, slot, LIMIT, "6 4", "Lower process limit"))
    parts.append(_stepped(upper, x, y, slot, LIMIT, "6 4", "Upper process limit"))
    if target is not None:
        parts.append(
            f'<line class="qi-target" x1="{_f(left)}" x2="{_f(width - right)}" '
            f'y1="{_f(y(target))}" y2="{_f(y(target))}" stroke="{TARGET}" '
            f'stroke-dasharray="2 3" stroke-width="2">'
            f"<title>Target {_e(format_value(target, data_type=data_type))}</title></line>"
        )
    path = " ".join(f"{'M' if i == 0 else 'L'}{_f(x(i))},{_f(y(v))}" for i, v in enumerate(values))
    parts.append(f'<path d="{path}" fill="none" stroke="{AXIS}" stroke-width="1.5"/>')
    size = 4.5 if slot >= 6 else 3
    for i, value in enumerate(values):
        kind = kinds[i] if kinds else None
        tip = f"{labels[i]}: {format_value(value, data_type=data_type)}"
        if kind:
            tip += f" ({POINT_NAMES[kind].lower()})"
        colour = COLOURS[kind] if kind else RUN_POINT
        parts.append(marker(SHAPES.get(kind, "circle"), x(i), y(value), colour, size, tip))
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


def _stepped(series, x, y, slot, colour, dash, name) -> str:
    """A horizontal segment per point, so limits that change (P chart, rebase) show as steps."""
    if not series or all(v is None for v in series):
        return ""
    half = slot / 2
    segments = [
        f"M{_f(x(i) - half)},{_f(y(v))} H{_f(x(i) + half)}"
        for i, v in enumerate(series)
        if v is not None
    ]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path class="qi-line" d="{" ".join(segments)}" fill="none" stroke="{colour}" '
        f'stroke-width="1.5"{dash_attr}><title>{_e(name)}</title></path>'
    )


def sparkline(
    values: Sequence[float | None],
    *,
    label: str,
    data_type: str = "",
    width: int = 80,
    height: int = 22,
) -> str:
    """A small line of a measure's recent values, no axes; its label says the values in words."""
    recorded = [(i, v) for i, v in enumerate(values) if v is not None]
    words = ", ".join(format_value(v, data_type=data_type) for _, v in recorded)
    name = f"{label}: {words}" if words else f"{label}: no data yet"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="qi-spark" role="img" '
        f'aria-label="{_e(name)}"><title>{_e(name)}</title>'
    )
    if not recorded:
        return (
            head + f'<line x1="2" x2="{width - 2}" y1="{height / 2}" y2="{height / 2}" '
            f'stroke="{GRID}" stroke-width="2"/></svg>'
        )
    found = [v for _, v in recorded]
    low, high = min(found), max(found)
    sx = Scale(0, max(len(values) - 1, 1), 3, width - 3)
    sy = Scale(low, high, height - 3, 3) if high > low else Scale(0, 1, height / 2, height / 2)
    points = " ".join(f"{_f(sx(i))},{_f(sy(v))}" for i, v in recorded)
    last_i, last_v = recorded[-1]
    return (
        head + f'<polyline points="{points}" fill="none" stroke="{AXIS}" stroke-width="1.5"/>'
        f'<circle cx="{_f(sx(last_i))}" cy="{_f(sy(last_v))}" r="2.5" fill="{RUN_POINT}"/></svg>'
    )


# Vertical bars on a time axis ----------------------------------------------------------------


@dataclass(frozen=True)
class BarSeries:
    name: str
    values: Sequence[float]
    colour: str
    pattern: bool = False  # hatched, so two series differ in greyscale too


def bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[BarSeries],
    ident: str = "bars",
) -> str:
    """Grouped bars per period on round ticks, labels thinned, a legend of the series."""
    width = VIEW_WIDTH
    peak = max([v for one in series for v in one.values] + [0])
    ticks = nice_ticks(0, max(peak, 5), max_ticks=6)  # whole numbers: at least 0 to 5
    step = ticks[1] - ticks[0]
    texts = [tick_label(t, step) for t in ticks]
    left, right, top = max(text_width(t) for t in texts) + 12, 10, 10
    plot_w = width - left - right
    count = max(len(labels), 1)
    slot = plot_w / count
    bar = max(1.0, slot * 0.8 / max(len(series), 1))
    bottom_axis = top + PLOT_HEIGHT
    y = Scale(0, ticks[-1], bottom_axis, top)
    label_top = bottom_axis + 6 + FONT
    hatch = f"url(#{ident}-hatch)"
    keys = [Key(one.name, "box", hatch if one.pattern else one.colour) for one in series]
    legend, legend_h = _legend(keys, label_top + 14, width)
    height = label_top + 14 + legend_h + 4
    parts = _open(width, height, title, description, ident)
    parts.append(
        f'<defs><pattern id="{_e(ident)}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="3" height="6" fill="{series[-1].colour if series else BLUE}"/>'
        f"</pattern></defs>"
    )
    for value, text in zip(ticks, texts, strict=True):
        parts.append(
            f'<line x1="{_f(left)}" x2="{_f(width - right)}" y1="{_f(y(value))}" '
            f'y2="{_f(y(value))}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y(value) + FONT * 0.35, text, anchor="end"))
    for index, label in enumerate(labels):
        x0 = left + index * slot + (slot - bar * len(series)) / 2
        for offset, one in enumerate(series):
            value = one.values[index]
            fill = f"url(#{_e(ident)}-hatch)" if one.pattern else one.colour
            parts.append(
                f'<rect x="{_f(x0 + offset * bar)}" y="{_f(y(value))}" width="{_f(bar)}" '
                f'height="{_f(bottom_axis - y(value))}" fill="{fill}" stroke="{one.colour}" '
                f'stroke-width="0.5"><title>{_e(label)}: {_e(one.name.lower())} '
                f"{_e(f'{value:g}')}</title></rect>"
            )
    parts.append(
        f'<line x1="{_f(left)}" x2="{_f(width - right)}" y1="{_f(bottom_axis)}" '
        f'y2="{_f(bottom_axis)}" stroke="{AXIS}"/>'
    )
    for index, lx in axis_labels(labels, left + slot / 2, slot, width=width):
        parts.append(_text(lx, label_top, labels[index], anchor="middle"))
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


# Horizontal bars on a fixed scale (ratings) --------------------------------------------------


def hbar_chart(
    *,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[tuple[str, str]],
    scale_max: float,
    ident: str = "hbars",
    value_format: Callable[[float], str] = lambda v: f"{v:g}",
) -> str:
    """A row per label (written above its bars, so long labels fit a phone), one bar per series
    from 0 to `scale_max`, the value written at the bar's end; a missing value draws no bar."""
    width = VIEW_WIDTH
    left, right, bar_h = 4, 16 + text_width("9.9"), FONT + 4
    plot_w = width - left - right
    x = Scale(0, scale_max, left, left + plot_w)
    keys = [Key(name, "box", colour) for name, colour in series] if len(series) > 1 else []
    legend, legend_h = _legend(keys, 8, width)
    top = 8 + legend_h + (6 if legend_h else 0)
    row_h = FONT + 6 + bar_h * len(series) + 12
    axis_y = top + row_h * len(rows)
    height = axis_y + FONT + 12
    parts = _open(width, height, title, description, ident)
    parts.append(legend)
    ticks = nice_ticks(0, scale_max, max_ticks=6)
    for tick in ticks:
        tx = x(tick)
        parts.append(
            f'<line x1="{_f(tx)}" x2="{_f(tx)}" y1="{_f(top)}" y2="{_f(axis_y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        anchor = "start" if tick == ticks[0] else "end" if tick == ticks[-1] else "middle"
        parts.append(_text(tx, axis_y + FONT + 4, f"{tick:g}", anchor=anchor))
    for index, (label, values) in enumerate(rows):
        row_top = top + index * row_h
        parts.append(_text(left, row_top + FONT, _fit(label, plot_w + right), fill=INK))
        for offset, ((name, colour), value) in enumerate(zip(series, values, strict=True)):
            if value is None:
                continue
            by = row_top + FONT + 6 + offset * bar_h
            words = value_format(value)
            parts.append(
                f'<rect x="{_f(left)}" y="{_f(by)}" width="{_f(x(value) - left)}" '
                f'height="{bar_h - 2}" fill="{colour}"><title>{_e(name)}: {_e(words)}</title>'
                f"</rect>"
            )
            parts.append(_text(x(value) + 4, by + FONT - 1, words, fill=INK))
    parts.append(
        f'<line x1="{_f(left)}" x2="{_f(left + plot_w)}" y1="{_f(axis_y)}" y2="{_f(axis_y)}" '
        f'stroke="{AXIS}"/></svg>'
    )
    return "".join(parts)


def _fit(text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` (the full text is in the table)."""
    most = int(width / (FONT * 0.62))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


# Proportions with intervals (audit criteria) -------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A proportion with its interval, as fractions; None when no case was eligible."""

    proportion: float | None
    low: float
    high: float


@dataclass(frozen=True)
class Series:
    name: str
    intervals: Sequence[Interval | None]


SERIES_COLOURS = ["#768692", "#005eb8", "#00b0f0", "#330072", "#007f3b"]
SERIES_SHAPES = ["circle", "square", "diamond", "triangle"]


def whisker_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    standards: Sequence[float],
    series: Sequence[Series],
    ident: str = "criteria-chart",
) -> str:
    """A row per criterion (label above), 0-100% across: each series' point with its interval
    whiskers, and the criterion's standard as a dashed red mark."""
    width = VIEW_WIDTH
    left, right = 8, 24
    x = Scale(0, 1, left, width - right)
    looks = _series_looks(series)
    keys = [Key(one.name, "marker", colour, shape=shape) for one, colour, shape in looks]
    keys.append(Key("Standard", "line", TARGET, dash="4 2"))
    legend, legend_h = _legend(keys, 8, width)
    top = 8 + legend_h + 6
    band = 12 * len(series) + 10
    row_h = FONT + 6 + band
    axis_y = top + row_h * len(labels)
    height = axis_y + FONT + 12
    parts = _open(width, height, title, description, ident)
    parts.append(legend)
    for tick in nice_ticks(0, 1, max_ticks=6):
        tx = x(tick)
        parts.append(
            f'<line x1="{_f(tx)}" x2="{_f(tx)}" y1="{_f(top)}" y2="{_f(axis_y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        anchor = "start" if tick == 0 else "end" if tick == 1 else "middle"
        parts.append(_text(tx, axis_y + FONT + 4, f"{tick * 100:.0f}%", anchor=anchor))
    for row, label in enumerate(labels):
        row_top = top + row * row_h
        parts.append(_text(left, row_top + FONT, _fit(label, width - left), fill=INK))
        band_top = row_top + FONT + 6
        sx = x(standards[row])
        parts.append(
            f'<line x1="{_f(sx)}" y1="{_f(band_top)}" x2="{_f(sx)}" y2="{_f(band_top + band)}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="4 2">'
            f"<title>Standard {standards[row] * 100:.0f}%</title></line>"
        )
        for index, (one, colour, shape) in enumerate(looks):
            interval = one.intervals[row]
            if interval is None or interval.proportion is None:
                continue
            py = band_top + 5 + index * 12 + 6
            parts.append(
                f'<line x1="{_f(x(interval.low))}" y1="{_f(py)}" x2="{_f(x(interval.high))}" '
                f'y2="{_f(py)}" stroke="{colour}" stroke-width="2"/>'
            )
            for end in (interval.low, interval.high):
                parts.append(
                    f'<line x1="{_f(x(end))}" y1="{_f(py - 4)}" x2="{_f(x(end))}" '
                    f'y2="{_f(py + 4)}" stroke="{colour}" stroke-width="2"/>'
                )
            tip = (
                f"{one.name}: {interval.proportion * 100:.0f}% "
                f"({interval.low * 100:.0f}% to {interval.high * 100:.0f}%)"
            )
            parts.append(marker(shape, x(interval.proportion), py, colour, 5, tip))
    parts.append(
        f'<line x1="{_f(left)}" y1="{_f(axis_y)}" x2="{_f(width - right)}" y2="{_f(axis_y)}" '
        f'stroke="{AXIS}"/></svg>'
    )
    return "".join(parts)


def _series_looks(series: Sequence[Series]):
    colours = SERIES_COLOURS[-len(series) :] if len(series) <= 2 else SERIES_COLOURS
    return [
        (one, colours[i % len(colours)], SERIES_SHAPES[i % len(SERIES_SHAPES)])
        for i, one in enumerate(series)
    ]


# Funnel plot ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelDot:
    label: str
    met: int
    eligible: int
    highlight: bool = False


def funnel_chart(
    *,
    title: str,
    description: str,
    centre: float,
    dots: Sequence[FunnelDot],
    limits: Callable[[float, int], object],
    ident: str = "funnel",
) -> str:
    """Proportion against eligible cases, the centre line, and the 95% (dashed) and 99.8%
    limits from `limits(centre, n)` (an object with lower95, upper95, lower998, upper998)."""
    width = VIEW_WIDTH
    left, right, top = text_width("100%") + 12, 14, 10
    bottom_axis = top + PLOT_HEIGHT + 40
    largest = max([dot.eligible for dot in dots] + [10])
    x_ticks = nice_ticks(0, largest * 1.05, max_ticks=6)
    x = Scale(0, x_ticks[-1], left, width - right)
    y = Scale(0, 1, bottom_axis, top)
    keys = [
        Key("Programme proportion", "line", BLUE),
        Key("95% limits", "line", AXIS, dash="6 3"),
        Key("99.8% limits", "line", AXIS),
        Key("Practice", "marker", INK),
    ]
    if any(dot.highlight for dot in dots):
        keys.append(Key("Your practice", "marker", TARGET, shape="diamond"))
    axis_title = bottom_axis + 2 * FONT + 10
    legend, legend_h = _legend(keys, axis_title + 12, width)
    height = axis_title + 12 + legend_h + 4
    parts = _open(width, height, title, description, ident)
    for tick in nice_ticks(0, 1, max_ticks=6):
        parts.append(
            f'<line x1="{_f(left)}" y1="{_f(y(tick))}" x2="{_f(width - right)}" '
            f'y2="{_f(y(tick))}" stroke="{GRID}"/>'
        )
        parts.append(_text(left - 6, y(tick) + FONT * 0.35, f"{tick * 100:.0f}%", anchor="end"))
    step = x_ticks[1] - x_ticks[0]
    for n in x_ticks:
        parts.append(_text(x(n), bottom_axis + FONT + 4, tick_label(n, step), anchor="middle"))
    parts.append(_text((left + width - right) / 2, axis_title, "Eligible cases", anchor="middle"))
    ns = sorted({max(1, round(x_ticks[-1] * i / 120)) for i in range(1, 121)})
    curve = [(n, limits(centre, n)) for n in ns]
    for attr, dash in (("lower95", "6 3"), ("upper95", "6 3"), ("lower998", ""), ("upper998", "")):
        points = " ".join(f"{_f(x(n))},{_f(y(getattr(lim, attr)))}" for n, lim in curve)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{AXIS}" stroke-width="1.2"'
            f"{dash_attr}/>"
        )
    parts.append(
        f'<line x1="{_f(left)}" y1="{_f(y(centre))}" x2="{_f(width - right)}" '
        f'y2="{_f(y(centre))}" stroke="{BLUE}" stroke-width="2"/>'
    )
    for dot in sorted(dots, key=lambda d: d.highlight):
        tip = f"{dot.label}: {dot.met} of {dot.eligible}"
        px, py = x(dot.eligible), y(dot.met / dot.eligible)
        if dot.highlight:
            parts.append(marker("diamond", px, py, TARGET, 6, tip))
        else:
            parts.append(marker("circle", px, py, INK, 4.5, tip))
    parts.append(
        f'<line x1="{_f(left)}" y1="{_f(bottom_axis)}" x2="{_f(width - right)}" '
        f'y2="{_f(bottom_axis)}" stroke="{AXIS}"/>'
    )
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


# Variation and assurance icons ---------------------------------------------------------------


def _variation_look(variation: str | None) -> tuple[str, str]:
    if not variation:
        return "#ffffff", "–"
    kind = "common_cause" if variation == "common_cause" else variation.rsplit("_", 1)[0]
    colour = COLOURS.get(kind, COLOURS["common_cause"])
    letter = "H" if variation.endswith("_high") else "L" if variation.endswith("_low") else "~"
    return colour, letter


ASSURANCE_LOOKS = {
    "pass": (COLOURS["improvement"], "P"),
    "fail": (COLOURS["concern"], "F"),
    "inconsistent": (COLOURS["common_cause"], "?"),
}
VARIATIONS = (
    "",
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)


def variation_icon(variation: str | None, label: str) -> str:
    """A small round icon for the latest point's variation (colour, and H or L)."""
    return _icon(*_variation_look(variation), label)


def assurance_icon(assurance: str | None, label: str) -> str:
    """A small round icon for assurance against the target (P pass, F fail, ? inconsistent)."""
    if not assurance:
        return ""
    return _icon(*ASSURANCE_LOOKS[assurance], label)


def _icon_body(colour: str, letter: str) -> str:
    text_colour = "#231f20" if colour in ("#ffffff", "#a6a6a6", "#00b0f0") else "#ffffff"
    return (
        f'<circle cx="12" cy="12" r="11" fill="{colour}" stroke="#425563" stroke-width="1"/>'
        f'<text x="12" y="16.5" text-anchor="middle" font-size="13" font-weight="bold" '
        f'fill="{text_colour}">{_e(letter)}</text>'
    )


def _icon(colour: str, letter: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" '
        f'class="qi-icon" role="img" aria-label="{_e(label)}"><title>{_e(label)}</title>'
        f"{_icon_body(colour, letter)}</svg>"
    )


# Icons drawn once per page and referenced by id: a dashboard shows 750 of them.


def _symbol_id(kind: str, value: str | None) -> str:
    return f"qi-{kind}-{value or 'none'}"


def icon_sprite() -> str:
    """Every variation and assurance icon as a <symbol>, for icon_use (once per page)."""
    symbols = [
        (_symbol_id("v", variation), _variation_look(variation)) for variation in VARIATIONS
    ] + [(_symbol_id("a", assurance), look) for assurance, look in ASSURANCE_LOOKS.items()]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="qi-sprite" aria-hidden="true" '
        'focusable="false">'
        + "".join(
            f'<symbol id="{symbol}" viewBox="0 0 24 24">{_icon_body(*look)}</symbol>'
            for symbol, look in symbols
        )
        + "</svg>"
    )


def variation_use(variation: str | None, label: str) -> str:
    """variation_icon drawn from the page's icon_sprite."""
    return _use(_symbol_id("v", variation), label)


def assurance_use(assurance: str | None, label: str) -> str:
    """assurance_icon drawn from the page's icon_sprite ("" when there is no assurance)."""
    return _use(_symbol_id("a", assurance), label) if assurance else ""


def _use(symbol: str, label: str) -> str:
    return (
        f'<svg class="qi-icon" role="img" aria-label="{_e(label)}">'
        f'<title>{_e(label)}</title><use href="#{symbol}"/></svg>'
    )
