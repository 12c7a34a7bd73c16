"""One way to show a date, one way to add months, and one bounded ISO date field."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django import forms
from django.template import Context, Template

from qiproject.dates import (
    add_months,
    format_date,
    format_datetime,
    format_month,
    month_start,
    months_between,
)
from qiproject.forms import DateField, DateTimeField


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


class Dated(forms.Form):
    on = DateField()
    published = DateField(required=False, min_value=date(1900, 1, 1), max_value=date.today)
    at = DateTimeField(required=False)


def test_a_date_renders_as_an_iso_date_input():
    html = str(Dated(initial={"on": date(2011, 10, 29)})["on"])
    assert 'type="date"' in html and 'value="2011-10-29"' in html


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False)
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2036-06-02"])
def test_a_date_outside_the_programme_gets_a_clear_message(value):
    form = Dated({"on": value})
    assert not form.is_valid()
    assert form.errors["on"] == ["Enter a date between 1 Jan 2000 and 1 Jun 2036."]


@pytest.mark.parametrize("value", ["29/10/2011", "99999-01-01", "2026-02-30", "1e20"])
def test_a_date_that_is_not_iso_or_not_real_is_refused(value):
    form = Dated({"on": value})
    assert not form.is_valid()
    assert "on" in form.errors


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False)
def test_a_publication_date_may_be_old_but_not_in_the_future():
    assert Dated({"on": "2026-01-01", "published": "1901-05-01"}).is_valid()
    assert not Dated({"on": "2026-01-01", "published": "2026-06-02"}).is_valid()


def test_a_moment_in_year_9999_gets_a_clear_message():
    form = Dated({"on": "2026-01-01", "at": "9999-12-31T23:59"})
    assert not form.is_valid()
    assert form.errors["at"][0].startswith("Enter a date between")
