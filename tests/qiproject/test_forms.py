"""The one ISO date field: rendered as a browser date input, bounded to what the programme means."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django import forms

from qiproject.forms import DateField, DateTimeField


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
