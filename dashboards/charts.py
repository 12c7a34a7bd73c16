"""The programme's cycles per month as a server-rendered SVG bar chart (pure: no Django)."""

from datetime import date
from html import escape

STARTED_COLOUR = "#005eb8"  # NHS blue
COMPLETED_COLOUR = "#009639"  # NHS green


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return step * 5 if value > 0 else 5
    return value


def cycles_chart(
    months: list[tuple[date, int, int]], *, width: int = 720, height: int = 240
) -> str:
    """Grouped bars of cycles started and completed per month; the page adds a data table."""
    left, bottom, top, right = 40, 36, 12, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max([max(s, c) for _, s, c in months], default=0))
    slot = plot_w / max(len(months), 1)
    bar = max(1.0, slot * 0.4)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="img-fluid" role="img" aria-labelledby="cycles-chart-title">',
        '<title id="cycles-chart-title">PDSA cycles started and completed per month '
        "(the table below has the numbers)</title>",
    ]
    for tick in range(0, 6):
        value = peak * tick / 5
        y = top + plot_h - plot_h * tick / 5
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d8dde0" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#425563">{value:g}</text>'
        )
    label_every = max(1, len(months) // 12)
    for index, (month, started, completed) in enumerate(months):
        x = left + index * slot + (slot - 2 * bar) / 2
        for offset, count, colour in (
            (0, started, STARTED_COLOUR),
            (bar, completed, COMPLETED_COLOUR),
        ):
            h = plot_h * count / peak
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"/>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar:.1f}" y="{height - bottom + 14}" font-size="11" '
                f'text-anchor="middle" fill="#425563">{escape(month.strftime("%b %y"))}</text>'
            )
    legend_y = height - 8
    parts.append(
        f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="{STARTED_COLOUR}"/>'
        f'<text x="{left + 14}" y="{legend_y}" font-size="11" fill="#212b32">Started</text>'
        f'<rect x="{left + 80}" y="{legend_y - 9}" width="10" height="10" '
        f'fill="{COMPLETED_COLOUR}"/>'
        f'<text x="{left + 94}" y="{legend_y}" font-size="11" fill="#212b32">Completed</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
