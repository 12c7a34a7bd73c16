"""How the API names a measure's periods: "2026-10" for a month, "2026-W43" for an ISO week.

Pure: no Django. A period is stored as its first day (the 1st of the month, or the Monday).
"""

import re
from datetime import date

MONTHLY, WEEKLY = "monthly", "weekly"
MONTH = re.compile(r"(\d{4})-(\d{2})")
WEEK = re.compile(r"(\d{4})-W(\d{2})")
# For the OpenAPI schema: either form (a measure accepts the one of its frequency).
PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$|^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$"


def period_label(day: date, frequency: str) -> str:
    """The period holding `day`, as the API writes it."""
    if frequency == WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def parse_period(text: str, frequency: str) -> date:
    """The first day of the period `text` names; ValueError (with the reason) otherwise."""
    text = text.strip()
    if frequency == WEEKLY:
        match = WEEK.fullmatch(text)
        if not match:
            raise ValueError("A weekly measure's period is an ISO week such as 2026-W43.")
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise ValueError(f"{text} is not a week of that year.") from None
    match = MONTH.fullmatch(text)
    if not match:
        raise ValueError("A monthly measure's period is a month such as 2026-10.")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 1:
        raise ValueError(f"{text} is not a month.")
    return date(year, month, 1)
