"""Form helpers shared by every app: showing a service's errors, the date and period fields.

Dates travel as ISO values (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`), the only format a browser's
date input accepts: a date rendered any other way is discarded by the browser and saved as
empty. Every date is bounded to what the programme can mean (2000-01-01 to ten years ahead
unless a field says otherwise), so year 1 or 9999 gets a clear message instead of a 500.
"""

import re
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from qiproject.dates import (
    WEEKLY,
    add_months,
    format_date,
    format_period,
    period_start,
)

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 10
ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


def add_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def latest_date() -> date:
    """The default upper bound: ten years from today."""
    return add_months(timezone.localdate(), 12 * YEARS_AHEAD)


class DateInput(forms.DateInput):
    """A browser date picker whose value is always ISO."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker whose value is always ISO, to the minute."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs=attrs, format=ISO_DATETIME)


def _check_bounds(value: date, low: date, high: date) -> None:
    if value < low or value > high:
        raise ValidationError(
            f"Enter a date between {format_date(low)} and {format_date(high)}.", code="range"
        )


class _Bounded:
    """What both date fields share: limits that may be callables, and "Enter a real ..." for
    a number too large to be a date (Python raises OverflowError for it)."""

    invalid_message = "Enter a real date."

    def __init__(self, *, min_value=EARLIEST, max_value=latest_date, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def _limits(self) -> tuple[date, date]:
        low = self.min_value() if callable(self.min_value) else self.min_value
        high = self.max_value() if callable(self.max_value) else self.max_value
        return low, high

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(self.invalid_message, code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is not None:
            _check_bounds(self._day_of(value), *self._limits())


class DateField(_Bounded, forms.DateField):
    """An ISO date between `min_value` and `max_value` (defaults: 2000-01-01, today + 10 years).

    `min_value`/`max_value` may be dates or callables returning one (`timezone.localdate`).
    """

    widget = DateInput
    input_formats = [ISO_DATE]

    def _day_of(self, value) -> date:
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        low, high = self._limits()
        attrs.update({"min": low.isoformat(), "max": high.isoformat()})
        return attrs


class DateTimeField(_Bounded, forms.DateTimeField):
    """An ISO date and time whose date lies within the same bounds as DateField's."""

    widget = DateTimeInput
    input_formats = [ISO_DATETIME, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
    invalid_message = "Enter a real date and time."

    def _day_of(self, value) -> date:
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        low, high = self._limits()
        attrs.update(
            {
                "min": datetime.combine(low, time.min).strftime(ISO_DATETIME),
                "max": datetime.combine(high, time(23, 59)).strftime(ISO_DATETIME),
            }
        )
        return attrs


# Periods -------------------------------------------------------------------------------------

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class MonthInput(forms.TextInput):
    """A browser month picker (`YYYY-MM`); where there is none, a text box with that hint."""

    input_type = "month"


class WeekInput(forms.TextInput):
    """A browser ISO week picker (`YYYY-Www`); where there is none, a text box with that hint."""

    input_type = "week"


def period_value(day: date, frequency: str) -> str:
    """A period as its picker's value: `2027-03` for a month, `2027-W09` for an ISO week."""
    if frequency == WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def parse_period(text: str, frequency: str) -> date:
    """The first day of the period a picker's value names; ValueError if it names none.

    Besides its own picker's format, an ISO date (any day in the period) is read, which is what
    a browser without month or week pickers, or an older page, sends.
    """
    text = text.strip()
    if match := _DAY.fullmatch(text):
        return period_start(date(*map(int, match.groups())), frequency)
    if frequency == WEEKLY:
        if match := _WEEK.fullmatch(text):
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    elif match := _MONTH.fullmatch(text):
        return date(int(match[1]), int(match[2]), 1)
    raise ValueError(text)


class PeriodField(forms.Field):
    """A measure's period, picked by its frequency: a month (`YYYY-MM`) or ISO week (`YYYY-Www`).

    The cleaned value is the period's first day (the 1st, or the week's Monday), as stored;
    bounds are dates (or callables) and a period is allowed when its first day is within them.
    """

    default_error_messages = {
        "invalid": {
            "monthly": "Enter a month as year and month, for example 2027-03.",
            "weekly": "Enter a week as year and ISO week number, for example 2027-W09.",
        }
    }

    def __init__(self, *, frequency: str, min_value=EARLIEST, max_value=latest_date, **kwargs):
        self.frequency = frequency
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault("widget", WeekInput if frequency == WEEKLY else MonthInput)
        super().__init__(**kwargs)

    def _limits(self) -> tuple[date, date]:
        low = self.min_value() if callable(self.min_value) else self.min_value
        high = self.max_value() if callable(self.max_value) else self.max_value
        return period_start(low, self.frequency), period_start(high, self.frequency)

    def prepare_value(self, value):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return period_value(value, self.frequency)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return period_start(value, self.frequency)
        try:
            return parse_period(str(value), self.frequency)
        except (ValueError, OverflowError):
            message = self.error_messages["invalid"][self.frequency]
            raise ValidationError(message, code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        low, high = self._limits()
        if value < low or value > high:
            raise ValidationError(
                f"Choose a period from {format_period(low, self.frequency)} "
                f"to {format_period(high, self.frequency)}.",
                code="range",
            )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        low, high = self._limits()
        example = "2027-W09" if self.frequency == WEEKLY else "2027-03"
        attrs.update(
            {
                "min": period_value(low, self.frequency),
                "max": period_value(high, self.frequency),
                "placeholder": example,
            }
        )
        return attrs


# Long lists of choices -----------------------------------------------------------------------


class FilterableCheckboxes(forms.CheckboxSelectMultiple):
    """Tick boxes (which work on touch, unlike a Ctrl-click list) that static/js/filter-list.js
    gives a "find in this list" box; without JavaScript they are a plain list of tick boxes."""

    def __init__(self, attrs=None, *, filter_label: str = "Find in this list"):
        super().__init__({**(attrs or {}), "data-filter": filter_label})


# Choices by id: an id no row can have is "Select a valid choice", not a database error.

# Primary keys are 64-bit signed integers (BigAutoField); SQLite raises OverflowError, rather than
# finding nothing, when a lookup is given a larger number.
LARGEST_ID = 2**63 - 1


def _id_out_of_range(value) -> bool:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not a number at all: Django's own check refuses it in its own words
    return not -LARGEST_ID <= number <= LARGEST_ID


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of one row by id that refuses an id out of any key's range as an invalid choice."""

    def to_python(self, value):
        if value not in self.empty_values and _id_out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows by id that refuses ids out of any key's range as invalid choices."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if _id_out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def model_formfield(db_field, **kwargs):
    """ModelForm `formfield_callback`: dates become the bounded ISO fields, relations the
    bounded choice fields, so every model form gets both rules from one place."""
    if isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateTimeField)
    elif isinstance(db_field, models.DateField):
        kwargs.setdefault("form_class", DateField)
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    return db_field.formfield(**kwargs)
