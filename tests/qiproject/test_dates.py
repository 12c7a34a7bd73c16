"""One way to show a date and one way to count months."""

from datetime import UTC, date, datetime

from django.template import Context, Template

from qiproject.dates import (
    add_months,
    format_date,
    format_datetime,
    format_month,
    month_start,
    months_between,
)


def test_a_date_reads_day_short_month_year():
    assert format_date(date(2027, 3, 3)) == "3 Mar 2027"
    assert format_date(None) == ""
    assert format_month(date(2027, 3, 3)) == "Mar 2027"


def test_a_moment_is_shown_in_london_time():
    assert format_datetime(datetime(2027, 7, 1, 23, 30, tzinfo=UTC)) == "2 Jul 2027, 00:30"
    assert format_date(datetime(2027, 7, 1, 23, 30, tzinfo=UTC)) == "2 Jul 2027"


def test_adding_a_month_to_the_31st_of_january_gives_the_end_of_february():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)
    assert add_months(date(2027, 1, 15), -13) == date(2025, 12, 15)


def test_month_start_and_months_between():
    assert month_start(date(2027, 3, 19)) == date(2027, 3, 1)
    assert months_between(date(2026, 11, 30), date(2027, 2, 1)) == 3


def test_the_template_filters_are_builtins():
    template = Template("{{ d|day }} / {{ d|month }} / {{ t|day_time }}")
    context = Context({"d": date(2027, 3, 3), "t": datetime(2027, 1, 5, 9, 0, tzinfo=UTC)})
    assert template.render(context) == "3 Mar 2027 / Mar 2027 / 5 Jan 2027, 09:00"
