import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

DUE = date(2027, 6, 1)  # the follow-up date of the persona programme
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def token_in(body: str) -> str:
    """The personal token in an invitation's body."""
    return re.search(r"/follow-up/s/([^/\s]+)/", body).group(1)


@pytest.fixture
def team(member_a, patient_rep, member_b, facilitator, lead):
    """Both practices' people: A's GP and patient rep, B's GP; plus a facilitator and lead."""
    return {"member_a": member_a, "patient_rep": patient_rep, "member_b": member_b}


@pytest.fixture
def adopted(monkeypatch):
    """Practice A adopted two changes (what pdsa will provide)."""
    from followup import selectors

    changes = [("cycle:1", "STarT Back screening"), ("cycle:2", "Self-management leaflet")]
    monkeypatch.setattr(selectors, "adopted_changes_for", lambda practice: changes)
    return changes
