"""Server-rendered SVG for run charts, SPC charts, and the variation and assurance icons.

Pure: no Django. Output is a complete <svg> element using presentation attributes only (the
Content-Security-Policy forbids inline styles); every piece of text is escaped here, so the
caller may mark the result safe. Each chart carries a <title> and <desc>; the page also shows
the data as a table.
"""

from dataclasses import dataclass
from html import escape

# Making Data Count colours.
COLOURS = {
    "common_cause": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
}
LINE = "#425563"
RUN_POINT = "#003087"
WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 20, 70


@dataclass(frozen=True)
class Annotation:
    """A PDSA cycle drawn on the time axis, from the period it starts in."""

    index: int
    label: str
    short: str = ""


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _nice_range(values: list[float], percent: bool) -> tuple[float, float]:
    low, high = min(values), max(values)
    if percent:
        low, high = max(0.0, low), min(1.0, high)
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    if percent:
        low, high = max(0.0, low), min(1.0, high)
    return low, high


def chart_svg(
    *,
    title: str,
    description: str,
    labels: list[str],
    values: list[float],
    colours: list[str] | None = None,
    centre: list[float | None] | None = None,
    lower: list[float | None] | None = None,
    upper: list[float | None] | None = None,
    target: float | None = None,
    annotations: list[Annotation] = (),
    percent: bool = False,
    centre_label: str = "Mean",
) -> str:
    """A line chart with optional centre line, process limits, target and annotations."""
    count = len(values)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="qi-chart" role="img" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    if not count:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="14" '
            f'fill="{LINE}">No data yet</text></svg>'
        )
        return "".join(parts)
    every = [v for series in (centre, lower, upper) for v in (series or []) if v is not None]
    extent = list(values) + every + ([target] if target is not None else [])
    low, high = _nice_range(extent, percent)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / count)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    # Axes and gridlines
    for step in range(5):
        value = low + (high - low) * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#e8edee" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{LINE}">{escape(_fmt(value, percent))}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{LINE}"/>'
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        f'stroke="{LINE}"/>'
    )
    label_every = max(1, count // 12)
    for i, label in enumerate(labels):
        if i % label_every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{TOP + plot_h + 16}" text-anchor="end" font-size="10" '
                f'fill="{LINE}" transform="rotate(-40 {x(i):.1f} {TOP + plot_h + 16})">'
                f"{escape(label)}</text>"
            )
    # PDSA cycles on the time axis
    for row, note in enumerate(annotations):
        ax = x(note.index)
        # Labels are staggered in four rows so cycles a period or two apart stay readable.
        ty = TOP + 10 + (row % 4) * 12
        parts.append(
            f'<g class="qi-annotation"><title>{escape(note.label)}</title>'
            f'<line x1="{ax:.1f}" x2="{ax:.1f}" y1="{TOP}" '
            f'y2="{TOP + plot_h}" stroke="#768692" stroke-dasharray="2 3"/>'
            f'<text x="{ax + 3:.1f}" y="{ty}" font-size="10" fill="#425563">'
            f"{escape(note.short or note.label)}</text></g>"
        )
    parts.append(_stepped(centre, x, y, "#231f20", "", centre_label))
    parts.append(_stepped(lower, x, y, "#768692", "6 4", "Lower process limit"))
    parts.append(_stepped(upper, x, y, "#768692", "6 4", "Upper process limit"))
    if target is not None:
        parts.append(
            f'<line class="qi-target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(target):.1f}" '
            f'y2="{y(target):.1f}" stroke="#da291c" stroke-dasharray="1 3" stroke-width="2">'
            f"<title>Target {escape(_fmt(target, percent))}</title></line>"
        )
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="1.5"/>')
    for i, value in enumerate(values):
        colour = colours[i] if colours else RUN_POINT
        tip = f"<title>{escape(labels[i])}: {escape(_fmt(value, percent))}</title>"
        parts.append(_point(x(i), y(value), colour, tip))
    parts.append("</svg>")
    return "".join(parts)


# Special-cause points differ by shape as well as colour, so a chart printed in greyscale
# still tells improvement (ringed circle), concern (square) and neither (diamond) apart.
SHAPES = {
    COLOURS["improvement"]: "ring",
    COLOURS["concern"]: "square",
    COLOURS["neutral"]: "diamond",
}


def _point(cx: float, cy: float, colour: str, tip: str) -> str:
    shape = SHAPES.get(colour)
    if shape == "square":
        return (
            f'<rect x="{cx - 4.5:.1f}" y="{cy - 4.5:.1f}" width="9" height="9" fill="{colour}" '
            f'stroke="#231f20" stroke-width="1.5">{tip}</rect>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{cx:.1f},{cy - 6:.1f} L{cx + 6:.1f},{cy:.1f} L{cx:.1f},{cy + 6:.1f} '
            f'L{cx - 6:.1f},{cy:.1f} Z" fill="{colour}" stroke="#231f20" stroke-width="1.5">'
            f"{tip}</path>"
        )
    if shape == "ring":
        return (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5.5" fill="{colour}" stroke="#231f20" '
            f'stroke-width="2">{tip}</circle>'
        )
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}" '
        f'stroke="#ffffff" stroke-width="1">{tip}</circle>'
    )


def _stepped(series, x, y, colour: str, dash: str, name: str) -> str:
    """A horizontal line per point, so limits that change (P chart, rebase) show as steps."""
    if not series or all(v is None for v in series):
        return ""
    segments = []
    half = (x(1) - x(0)) / 2 if len(series) > 1 else 10
    for i, value in enumerate(series):
        if value is None:
            continue
        segments.append(f"M{x(i) - half:.1f},{y(value):.1f} H{x(i) + half:.1f}")
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path class="qi-line" d="{" ".join(segments)}" fill="none" stroke="{colour}" '
        f'stroke-width="1.5"{dash_attr}><title>{escape(name)}</title></path>'
    )


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
        f'fill="{text_colour}">{escape(letter)}</text>'
    )


def _icon(colour: str, letter: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" '
        f'class="qi-icon" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
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
        f'<svg class="qi-icon" role="img" aria-label="{escape(label)}">'
        f'<title>{escape(label)}</title><use href="#{symbol}"/></svg>'
    )
