from pdsa import svg


def test_a_chart_escapes_every_text_it_is_given():
    out = svg.chart_svg(
        title="<script>alert(1)</script>",
        description="a & b",
        labels=["Jan <1>"],
        values=[0.5],
        percent=True,
    )
    assert "<script>" not in out
    assert "&lt;script&gt;" in out and "a &amp; b" in out
    assert "style=" not in out


def test_an_empty_chart_says_there_is_no_data():
    assert "No data yet" in svg.chart_svg(title="T", description="D", labels=[], values=[])


def test_special_cause_points_use_the_making_data_count_colours():
    out = svg.chart_svg(
        title="T",
        description="D",
        labels=["a", "b"],
        values=[1, 2],
        colours=[svg.COLOURS["common_cause"], svg.COLOURS["improvement"]],
        centre=[1.5, 1.5],
        lower=[0, 0],
        upper=[3, 3],
        target=2.5,
        annotations=[svg.Annotation(1, "PDSA 1: leaflet")],
    )
    assert 'fill="#a6a6a6"' in out and 'fill="#00b0f0"' in out
    assert "PDSA 1: leaflet" in out
    assert "Upper process limit" in out and "Target 2.5" in out


def test_the_icons_name_what_they_show():
    assert 'aria-label="Improvement (high)"' in svg.variation_icon(
        "improvement_high", "Improvement (high)"
    )
    assert ">H<" in svg.variation_icon("improvement_high", "x")
    assert 'fill="#e46c0a"' in svg.variation_icon("concern_low", "x")
    assert svg.assurance_icon(None, "x") == ""
    assert ">F<" in svg.assurance_icon("fail", "Fails")
