"""Every chart the site draws comes from qiproject.charts: complete, escaped SVG."""

import re

from audits.stats import funnel_limits
from qiproject import charts
from qiproject.charts.geometry import FONT

HOSTILE = "<script>alert(1)</script> & co"


def _font_sizes(svg: str) -> set[float]:
    return {float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)}


def test_a_line_chart_escapes_every_text_it_is_given():
    out = charts.line_chart(
        title=HOSTILE,
        description="a & b",
        labels=["Jan <1>"],
        values=[0.5],
        annotations=[(0, HOSTILE)],
        data_type="proportion",
    )
    assert "<script>" not in out
    assert "&lt;script&gt;" in out and "a &amp; b" in out
    assert "style=" not in out


def test_an_empty_chart_says_there_is_no_data():
    assert "No data yet" in charts.line_chart(title="T", description="D", labels=[], values=[])


def _spc(**extra):
    return charts.line_chart(
        title="T",
        description="D",
        labels=["Jan 2026", "Feb 2026"],
        values=[1, 2],
        kinds=["common_cause", "improvement"],
        centre=[1.5, 1.5],
        lower=[0, 0],
        upper=[3.47, 3.47],
        data_type="count",
        **extra,
    )


def test_special_cause_points_differ_by_colour_and_by_shape():
    out = _spc()
    assert 'fill="#a6a6a6"' in out and "<circle" in out
    assert 'fill="#00b0f0"' in out and "<rect" in out  # improvement drawn as a square
    assert "Upper process limit" in out


def test_the_legend_names_only_what_is_drawn():
    without = _spc()
    assert "Target" not in without and "PDSA" not in without and "Concern" not in without
    assert "Process limits" in without and "Improvement" in without
    drawn = _spc(target=2.5, annotations=[(1, "PDSA 1: leaflet")])
    assert "Target 2.5" in drawn and ">Target<" in drawn
    assert "PDSA cycle (numbered)" in drawn and "PDSA 1: leaflet" in drawn
    run = charts.line_chart(title="T", description="D", labels=["a"], values=[1])
    assert "Process limits" not in run and "Mean" not in run


def test_values_in_the_chart_use_the_measures_formatting():
    assert "Feb 2026: 2 (improvement)" in _spc()


def test_pdsa_markers_outside_the_data_are_not_drawn():
    out = _spc(annotations=[(5, "PDSA 9: later"), (1, "PDSA 1: leaflet")])
    assert "PDSA 9" not in out and "1: PDSA 1: leaflet" in out


def test_chart_text_is_never_smaller_than_the_module_font():
    out = _spc(target=2, annotations=[(0, "PDSA 1")])
    assert min(_font_sizes(out)) >= FONT
    bars = charts.bar_chart(
        title="T",
        description="D",
        labels=[f"M{i}" for i in range(40)],
        series=[charts.BarSeries("Started", list(range(40)), "#005eb8")],
    )
    assert min(_font_sizes(bars)) >= FONT


def test_the_bar_chart_draws_a_bar_a_series_a_month_on_round_ticks():
    svg = charts.bar_chart(
        title="Cycles",
        description="d",
        labels=["Jan 26", "Feb 26"],
        series=[
            charts.BarSeries("Started", [4, 10], "#005eb8"),
            charts.BarSeries("Completed", [0, 5], "#007f3b", pattern=True),
        ],
        ident="cycles",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<title>Jan 26: started 4</title>") == 1
    assert "Feb 26: completed 5" in svg and "url(#cycles-hatch)" in svg
    assert ">10<" in svg and ">2<" in svg  # ticks 0, 2, 4... 10
    assert "Jan 26" in svg and "Feb 26" in svg and 'role="img"' in svg


def test_an_empty_bar_chart_still_draws_its_axis():
    svg = charts.bar_chart(title="T", description="D", labels=[], series=[])
    assert ">0<" in svg


def test_horizontal_bars_are_scaled_to_the_rating_scale_and_leave_out_missing_means():
    svg = charts.hbar_chart(
        title="Confidence",
        description="d",
        rows=[("Red flags & <b>", (2.5, 5.0)), ("QI methods", (None, 3.0))],
        series=[("Before", "#768692"), ("After", "#005eb8")],
        scale_max=5,
    )
    assert "Red flags &amp; &lt;b&gt;" in svg
    assert svg.count("<title>Before:") == 1 and svg.count("<title>After:") == 2
    bar = r'width="([\d.]+)" height="\d+" fill="#[0-9a-f]+"><title>'
    widths = [float(w) for w in re.findall(bar, svg)]
    assert max(widths) == 2 * widths[0]  # 5.0 is twice 2.5


def test_the_whisker_chart_escapes_labels_and_marks_each_standard():
    svg = charts.whisker_chart(
        title="Results <b>",
        description="d",
        labels=["Advice & <script>", "Imaging"],
        standards=[0.9, 0.95],
        series=[charts.Series("Round 1", [charts.Interval(0.5, 0.3, 0.7), None])],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script>" not in svg and "Advice &amp; &lt;script&gt;" in svg
    assert svg.count("<title>Standard 9") == 2


def test_the_funnel_chart_draws_four_limits_and_a_dot_per_practice():
    svg = charts.funnel_chart(
        title="Funnel",
        description="d",
        centre=0.4,
        dots=[charts.FunnelDot("A", 3, 10), charts.FunnelDot("Mine", 20, 30, highlight=True)],
        limits=funnel_limits,
    )
    assert svg.count("<polyline") == 4
    assert "A: 3 of 10" in svg and "Mine: 20 of 30" in svg and "Your practice" in svg


def test_a_sparkline_names_its_values_in_words():
    svg = charts.sparkline([0.2, None, 0.35, 0.5], label="Imaging rate", data_type="proportion")
    assert 'aria-label="Imaging rate: 20.0%, 35.0%, 50.0%"' in svg
    assert svg.count("<polyline") == 1
    empty = charts.sparkline([], label="<x>")
    assert "&lt;x&gt;: no data yet" in empty


def test_the_icons_name_what_they_show():
    assert 'aria-label="Improvement (high)"' in charts.variation_icon(
        "improvement_high", "Improvement (high)"
    )
    assert ">H<" in charts.variation_icon("improvement_high", "x")
    assert 'fill="#e46c0a"' in charts.variation_icon("concern_low", "x")
    assert charts.assurance_icon(None, "x") == ""
    assert ">F<" in charts.assurance_icon("fail", "Fails")
    sprite = charts.icon_sprite()
    assert 'id="qi-v-common_cause"' in sprite
    assert 'href="#qi-a-pass"' in charts.assurance_use("pass", "Passes")
