"""Visit-log fixtures: a logged visit to practice A with one open action owned by member A."""

from datetime import date

import pytest

from tests.practices.factories import AgreedActionFactory, VisitFactory

PRIVATE_TEXT = "Practice manager seems overwhelmed; raise with lead"


@pytest.fixture
def visit(practice_a, facilitator, member_a):
    visit = VisitFactory(
        practice=practice_a,
        facilitator=facilitator,
        visited_on=date(2026, 3, 10),
        topics="Triage leaflet",
        notes="Shared notes for the team",
        private_notes=PRIVATE_TEXT,
    )
    visit.participants.add(member_a)
    return visit


@pytest.fixture
def action(visit, member_a):
    return AgreedActionFactory(
        visit=visit, owner=member_a, description="Print the leaflet", due_on=date(2026, 4, 10)
    )
