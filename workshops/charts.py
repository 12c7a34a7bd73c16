"""Geometry for the learning-needs bar chart (pure: no Django), drawn as SVG by a template."""

from dataclasses import dataclass

SCALE_MAX = 5


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    value: float


@dataclass(frozen=True)
class Row:
    label: str
    label_y: float
    before: Bar | None
    after: Bar | None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_width: int
    rows: list[Row]
    ticks: list[tuple[float, int]]
    bar_height: int


def confidence_chart(
    rows: list[tuple[str, float | None, float | None]],
    *,
    width: int = 720,
    plot_left: int = 300,
    bar_height: int = 12,
    row_gap: int = 14,
) -> Chart:
    """Two bars a row (before, after) on a 0-5 scale; a missing mean draws no bar."""
    plot_width = width - plot_left - 20
    top = 10
    row_height = bar_height * 2 + row_gap

    def bar(value, y):
        if value is None:
            return None
        return Bar(y=y, width=round(plot_width * value / SCALE_MAX, 1), value=value)

    laid_out = []
    for index, (label, before, after) in enumerate(rows):
        y = top + index * row_height
        laid_out.append(
            Row(
                label=label,
                label_y=y + bar_height + 4,
                before=bar(before, y),
                after=bar(after, y + bar_height),
            )
        )
    height = top + len(rows) * row_height + 30
    ticks = [(plot_left + plot_width * n / SCALE_MAX, n) for n in range(SCALE_MAX + 1)]
    return Chart(
        width=width,
        height=height,
        plot_left=plot_left,
        plot_width=plot_width,
        rows=laid_out,
        ticks=ticks,
        bar_height=bar_height,
    )


def mean(values: list[int]) -> float | None:
    """The mean to one decimal place, or None for no values."""
    return round(sum(values) / len(values), 1) if values else None
