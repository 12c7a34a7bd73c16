"""Audit charts are complete, escaped SVG."""

from audits import charts


def test_the_criteria_chart_escapes_labels_and_marks_each_standard():
    svg = charts.criteria_chart(
        title="Results <b>",
        description="d",
        labels=["Advice & <script>", "Imaging"],
        standards=[0.9, 0.95],
        series=[charts.Series("Round 1", [charts.Interval(0.5, 0.3, 0.7), None])],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script>" not in svg and "Advice &amp; &lt;script&gt;" in svg
    assert svg.count("Standard 9") == 2


def test_the_funnel_chart_draws_four_limits_and_a_dot_per_practice():
    svg = charts.funnel_chart(
        title="Funnel",
        description="d",
        centre=0.4,
        dots=[charts.FunnelDot("A", 3, 10), charts.FunnelDot("Mine", 20, 30, highlight=True)],
    )
    assert svg.count("<polyline") == 4
    assert svg.count("<circle") == 2 and "Mine: 20 of 30" in svg
