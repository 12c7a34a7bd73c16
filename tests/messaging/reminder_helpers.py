"""Running a reminder as the scheduler would, at a controlled time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from messaging import tasks

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 7) -> datetime:
    """A moment of a day in London (reminders run in the morning)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def run(kind: str, day: date, hour: int = 7) -> int:
    """Fire the periodic task of a reminder kind on that day; returns how many were new."""
    with time_machine.travel(at(day, hour), tick=False):
        return tasks.reminders_run(kind)
