from workshops.charts import confidence_chart, mean


def test_bars_are_scaled_to_the_five_point_scale():
    chart = confidence_chart([("Red flags", 2.5, 5.0)], width=620, plot_left=100)
    (row,) = chart.rows
    assert chart.plot_width == 500
    assert row.before.width == 250.0
    assert row.after.width == 500.0
    assert row.after.y == row.before.y + chart.bar_height


def test_a_topic_without_answers_has_no_bar():
    (row,) = confidence_chart([("QI methods", None, 3.0)]).rows
    assert row.before is None
    assert row.after.value == 3.0


def test_the_mean_is_rounded_and_empty_is_none():
    assert mean([1, 2, 2]) == 1.7
    assert mean([]) is None
