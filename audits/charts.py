"""Server-rendered SVG for audit results and the funnel plot. Pure: no Django.

Presentation attributes only (the Content-Security-Policy forbids inline styles); every
piece of text is escaped here, so the caller may mark the result safe. Each chart carries a
<title> and <desc>; the page also shows the numbers as a table.
"""

from dataclasses import dataclass
from html import escape

from audits.stats import funnel_limits

WIDTH = 760
LABEL_WIDTH, RIGHT, TOP = 250, 24, 28
ROW = 34
STANDARD = "#d5281b"
AXIS = "#425563"
SERIES_COLOURS = ["#a6a6a6", "#005eb8", "#00b0f0", "#330072", "#007f3b"]
MARKERS = ["circle", "square", "diamond"]


@dataclass(frozen=True)
class Interval:
    """A proportion with its interval, as fractions; None when no case was eligible."""

    proportion: float | None
    low: float
    high: float


@dataclass(frozen=True)
class Series:
    name: str
    intervals: list[Interval | None]


def _open(title: str, description: str, height: int, ident: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="qi-chart" role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} '
            f'{x - 6:.1f},{y:.1f}" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'


def criteria_chart(
    *,
    title: str,
    description: str,
    labels: list[str],
    standards: list[float],
    series: list[Series],
    ident: str = "criteria-chart",
) -> str:
    """Criteria down the side, 0-100% across: each round's point with its interval whiskers,
    and each criterion's standard as a red tick."""
    legend = 24 if len(series) > 1 else 0
    height = TOP + legend + ROW * len(labels) + 36
    plot_left, plot_right = LABEL_WIDTH, WIDTH - RIGHT

    def x(value: float) -> float:
        return plot_left + value * (plot_right - plot_left)

    parts = _open(title, description, height, ident)
    top = TOP + legend
    for tick in range(0, 101, 20):
        px = x(tick / 100)
        parts.append(
            f'<line x1="{px:.1f}" y1="{top - 6}" x2="{px:.1f}" y2="{height - 30}" '
            f'stroke="#e8edee" stroke-width="1"/>'
            f'<text x="{px:.1f}" y="{height - 12}" font-size="12" text-anchor="middle" '
            f'fill="{AXIS}">{tick}%</text>'
        )
    for index, (name, colour, marker) in enumerate(_series_look(series)):
        if len(series) > 1:
            lx = plot_left + index * 150
            parts.append(_marker(marker, lx + 6, 14, colour))
            parts.append(
                f'<text x="{lx + 16}" y="18" font-size="12" fill="{AXIS}">{escape(name)}</text>'
            )
    for row, label in enumerate(labels):
        centre = top + ROW * row + ROW / 2
        parts.append(
            f'<text x="{plot_left - 10}" y="{centre + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#212b32">{escape(label[:38])}</text>'
        )
        sx = x(standards[row])
        parts.append(
            f'<line x1="{sx:.1f}" y1="{centre - ROW / 2 + 3:.1f}" x2="{sx:.1f}" '
            f'y2="{centre + ROW / 2 - 3:.1f}" stroke="{STANDARD}" stroke-width="2" '
            f'stroke-dasharray="4 2"><title>Standard {standards[row] * 100:.0f}%</title></line>'
        )
        count = len(series)
        for index, (one, (_name, colour, marker)) in enumerate(
            zip(series, _series_look(series), strict=True)
        ):
            interval = one.intervals[row]
            if interval is None or interval.proportion is None:
                continue
            y = centre + (index - (count - 1) / 2) * min(10, (ROW - 10) / max(count, 1))
            parts.append(
                f'<line x1="{x(interval.low):.1f}" y1="{y:.1f}" x2="{x(interval.high):.1f}" '
                f'y2="{y:.1f}" stroke="{colour}" stroke-width="2"/>'
            )
            for end in (interval.low, interval.high):
                parts.append(
                    f'<line x1="{x(end):.1f}" y1="{y - 4:.1f}" x2="{x(end):.1f}" '
                    f'y2="{y + 4:.1f}" stroke="{colour}" stroke-width="2"/>'
                )
            parts.append(_marker(marker, x(interval.proportion), y, colour))
    parts.append(
        f'<line x1="{plot_left}" y1="{height - 30}" x2="{plot_right}" y2="{height - 30}" '
        f'stroke="{AXIS}" stroke-width="1"/></svg>'
    )
    return "".join(parts)


def _series_look(series: list[Series]):
    colours = SERIES_COLOURS[-len(series) :] if len(series) <= 2 else SERIES_COLOURS
    for index, one in enumerate(series):
        yield one.name, colours[index % len(colours)], MARKERS[index % len(MARKERS)]


@dataclass(frozen=True)
class FunnelDot:
    label: str
    met: int
    eligible: int
    highlight: bool = False


def funnel_chart(
    *, title: str, description: str, centre: float, dots: list[FunnelDot], ident: str = "funnel"
) -> str:
    """Proportion against eligible cases, the centre line and the 95% and 99.8% limits."""
    height, left, bottom = 380, 64, 50
    plot_right, plot_bottom = WIDTH - RIGHT, height - bottom
    largest = max([dot.eligible for dot in dots] + [10])
    x_max = largest * 1.1

    def x(n: float) -> float:
        return left + n / x_max * (plot_right - left)

    def y(p: float) -> float:
        return TOP + (1 - p) * (plot_bottom - TOP)

    parts = _open(title, description, height, ident)
    for tick in range(0, 101, 20):
        py = y(tick / 100)
        parts.append(
            f'<line x1="{left}" y1="{py:.1f}" x2="{plot_right}" y2="{py:.1f}" stroke="#e8edee"/>'
            f'<text x="{left - 8}" y="{py + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="{AXIS}">{tick}%</text>'
        )
    for n in _axis_ticks(x_max):
        parts.append(
            f'<text x="{x(n):.1f}" y="{plot_bottom + 18}" font-size="12" text-anchor="middle" '
            f'fill="{AXIS}">{n}</text>'
        )
    parts.append(
        f'<text x="{(left + plot_right) / 2:.1f}" y="{height - 8}" font-size="12" '
        f'text-anchor="middle" fill="{AXIS}">Eligible cases</text>'
    )
    steps = [max(1, round(x_max * i / 120)) for i in range(1, 121)]
    steps = sorted(set(steps))
    limits = [(n, funnel_limits(centre, n)) for n in steps]
    for attr, dash in (("lower95", "6 3"), ("upper95", "6 3"), ("lower998", ""), ("upper998", "")):
        points = " ".join(f"{x(n):.1f},{y(getattr(lim, attr)):.1f}" for n, lim in limits)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{AXIS}" stroke-width="1.2"'
            f"{dash_attr}/>"
        )
    parts.append(
        f'<line x1="{left}" y1="{y(centre):.1f}" x2="{plot_right}" y2="{y(centre):.1f}" '
        f'stroke="#005eb8" stroke-width="2"/>'
    )
    for dot in dots:
        colour = "#d5281b" if dot.highlight else "#212b32"
        px, py = x(dot.eligible), y(dot.met / dot.eligible)
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{6 if dot.highlight else 4.5}" '
            f'fill="{colour}"><title>{escape(dot.label)}: {dot.met} of {dot.eligible}</title>'
            f"</circle>"
            f'<text x="{px + 8:.1f}" y="{py - 6:.1f}" font-size="11" fill="{colour}">'
            f"{escape(dot.label)}</text>"
        )
    parts.append(
        f'<line x1="{left}" y1="{plot_bottom}" x2="{plot_right}" y2="{plot_bottom}" '
        f'stroke="{AXIS}"/></svg>'
    )
    return "".join(parts)


def _axis_ticks(x_max: float) -> list[int]:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if x_max / step <= 8:
            return list(range(0, int(x_max) + 1, step))
    return [0]
