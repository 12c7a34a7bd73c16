"""How a date is shown, and month arithmetic: one definition each, used by every page and email.

Dates read the NHS way ("3 Mar 2027"); times are shown in Europe/London whatever the server's
zone. Months are added with dateutil.relativedelta, so 31 January plus one month is the last
day of February, not 3 March.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

LONDON = ZoneInfo("Europe/London")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LONDON)
        return value.date()
    return value


def format_date(value, empty: str = "") -> str:
    """A date as "3 Mar 2027" (a datetime is first turned into its London date)."""
    day = _as_date(value)
    if day is None:
        return empty
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_month(value, empty: str = "") -> str:
    """A month as "Mar 2027"."""
    day = _as_date(value)
    if day is None:
        return empty
    return f"{_MONTHS[day.month - 1]} {day.year}"


def format_datetime(value, empty: str = "") -> str:
    """A moment as "3 Mar 2027, 14:05" in London time."""
    if value is None or value == "":
        return empty
    if not isinstance(value, datetime):
        return format_date(value, empty)
    if value.tzinfo is not None:
        value = value.astimezone(LONDON)
    return f"{format_date(value)}, {value:%H:%M}"


def month_start(value) -> date:
    """The first day of the month the date (or datetime) falls in."""
    return _as_date(value).replace(day=1)


def add_months(value, months: int):
    """The same day `months` later (or earlier), clamped to the month's last day."""
    return value + relativedelta(months=months)


def months_between(start, end) -> int:
    """Whole calendar months from start's month to end's month (negative when end is earlier)."""
    start, end = _as_date(start), _as_date(end)
    return (end.year - start.year) * 12 + end.month - start.month


def month_starts(first, last) -> list[date]:
    """The first day of each month from first's month to last's, in order."""
    start = month_start(first)
    return [add_months(start, n) for n in range(months_between(first, last) + 1)]


# Periods: a measure's value is for a calendar month or an ISO week (Monday to Sunday).
MONTHLY, WEEKLY = "monthly", "weekly"


def period_start(value, frequency: str) -> date:
    """The first day of the period holding the date: the 1st of its month, or its ISO Monday."""
    day = _as_date(value)
    if frequency == WEEKLY:
        return day - relativedelta(days=day.weekday())
    return day.replace(day=1)


def add_periods(start: date, count: int, frequency: str) -> date:
    """The start of the period `count` periods after (or before) the one starting at `start`."""
    if frequency == WEEKLY:
        return start + relativedelta(weeks=count)
    return add_months(start, count)


def format_period(value, frequency: str, empty: str = "") -> str:
    """A period as people say it: "Mar 2027" for a month, "Week of 1 Mar 2027" for a week."""
    day = _as_date(value)
    if day is None:
        return empty
    if frequency == WEEKLY:
        return f"Week of {format_date(period_start(day, WEEKLY))}"
    return format_month(day)


def end_of_day(day: date) -> datetime:
    """The moment `day` ends in Europe/London (midnight starting the next day): what happened
    "by" a day happened before this."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)
