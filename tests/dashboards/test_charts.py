from datetime import date

from dashboards.charts import COMPLETED_COLOUR, STARTED_COLOUR, cycles_chart


def test_the_chart_draws_two_bars_a_month_scaled_to_the_busiest_month():
    svg = cycles_chart([(date(2026, 1, 1), 4, 0), (date(2026, 2, 1), 10, 5)], height=240)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count(f'fill="{STARTED_COLOUR}"') == 3  # two bars and the legend
    assert svg.count(f'fill="{COMPLETED_COLOUR}"') == 3
    assert "Jan 26" in svg and "Feb 26" in svg
    assert 'role="img"' in svg and "<title" in svg


def test_an_empty_chart_still_draws_its_axis():
    svg = cycles_chart([])
    assert "<rect" in svg  # the legend
    assert ">0<" in svg
