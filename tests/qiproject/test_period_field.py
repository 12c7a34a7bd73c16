"""The period field: a month or ISO week picker by the measure's frequency, read back exactly."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django import forms

from qiproject.dates import format_period
from qiproject.forms import PeriodField, parse_period, period_value


class Monthly(forms.Form):
    period = PeriodField(frequency="monthly", max_value=date(2026, 12, 31))


class Weekly(forms.Form):
    period = PeriodField(frequency="weekly", required=False)


def test_a_monthly_period_renders_as_a_month_picker_with_its_value_and_bounds():
    html = str(Monthly(initial={"period": date(2026, 3, 1)})["period"])
    assert 'type="month"' in html and 'value="2026-03"' in html
    assert 'min="2000-01"' in html and 'max="2026-12"' in html


def test_a_weekly_period_renders_as_an_iso_week_picker():
    html = str(Weekly(initial={"period": date(2026, 3, 2)})["period"])
    assert 'type="week"' in html and 'value="2026-W10"' in html


@pytest.mark.parametrize(
    ("form", "text", "start"),
    [
        (Monthly, "2026-03", date(2026, 3, 1)),
        (Monthly, "2026-3", date(2026, 3, 1)),
        (Monthly, "2026-03-20", date(2026, 3, 1)),
        (Weekly, "2026-W10", date(2026, 3, 2)),
        (Weekly, "2026w10", date(2026, 3, 2)),
        (Weekly, "2026-03-08", date(2026, 3, 2)),
        (Weekly, "2020-W53", date(2020, 12, 28)),
        (Weekly, "2027-W01", date(2027, 1, 4)),
    ],
)
def test_a_period_is_read_as_its_first_day(form, text, start):
    bound = form({"period": text})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["period"] == start


@pytest.mark.parametrize(
    ("form", "text"),
    [
        (Monthly, "2026-13"),
        (Monthly, "2026-W10"),
        (Monthly, "March"),
        (Monthly, "99999-01"),
        (Weekly, "2026-W54"),
        (Weekly, "2025-W53"),  # 2025 has 52 ISO weeks
        (Weekly, "2026-03"),
    ],
)
def test_a_period_that_names_no_period_gets_a_clear_message(form, text):
    bound = form({"period": text})
    assert not bound.is_valid()
    assert "for example" in bound.errors["period"][0]


def test_a_period_outside_the_bounds_is_refused_in_periods():
    bound = Monthly({"period": "2027-01"})
    assert not bound.is_valid()
    assert bound.errors["period"] == ["Choose a period from Jan 2000 to Dec 2026."]
    assert not Monthly({"period": "1999-12"}).is_valid()


@time_machine.travel(datetime(2026, 6, 3, 12, tzinfo=UTC), tick=False)
def test_a_callable_bound_holds_the_whole_period_under_way():
    class Now(forms.Form):
        period = PeriodField(frequency="monthly", max_value=date.today)

    assert Now({"period": "2026-06"}).is_valid()
    assert not Now({"period": "2026-07"}).is_valid()


@pytest.mark.parametrize("frequency", ["monthly", "weekly"])
def test_every_period_of_six_years_round_trips_through_its_picker_value(frequency):
    day = date(2024, 1, 1)
    while day < date(2030, 1, 1):
        start = parse_period(day.isoformat(), frequency)
        assert parse_period(period_value(start, frequency), frequency) == start
        day = date.fromordinal(day.toordinal() + 5)


def test_periods_are_named_as_people_say_them():
    assert format_period(date(2026, 3, 1), "monthly") == "Mar 2026"
    assert format_period(date(2026, 3, 5), "weekly") == "Week of 2 Mar 2026"
