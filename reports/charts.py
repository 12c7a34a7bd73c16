"""Small multiples for the programme report: one tiny chart per practice (pure: no Django).

Each is a line of the measure's values with its improvement points drawn as black squares, so
the figure reads in greyscale; the report gives the counts in words and a table beside them.
"""

from html import escape

WIDTH, HEIGHT, PAD = 180, 56, 6


def small_multiple(
    values: list[float], improving: list[bool], *, title: str, percent: bool = False
) -> str:
    """A sparkline of `values` (in period order); `improving` marks the improvement points."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="qi-multiple" role="img"><title>{escape(title)}</title>',
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" fill="#ffffff" '
        f'stroke="#d8dde0"/>',
    ]
    if not values:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2 + 4}" text-anchor="middle" font-size="10" '
            f'fill="#425563">No data</text></svg>'
        )
        return "".join(parts)
    low, high = min(values), max(values)
    if percent:
        low, high = 0.0, 1.0
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def x(i: int) -> float:
        return PAD + i * step

    def y(v: float) -> float:
        return HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)

    path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<path d="{path}" fill="none" stroke="#425563" stroke-width="1.2"/>')
    for i, (value, flag) in enumerate(zip(values, improving, strict=True)):
        if flag:
            parts.append(
                f'<rect x="{x(i) - 2.5:.1f}" y="{y(value) - 2.5:.1f}" width="5" height="5" '
                f'fill="#231f20"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
