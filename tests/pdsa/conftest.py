"""Fixtures for improvement work: a plan of practice A with a driver, a measure and a cycle."""

import pytest

from tests.pdsa.factories import (
    ChangeIdeaFactory,
    CycleQuestionFactory,
    DriverFactory,
    ImprovementPlanFactory,
    MeasureFactory,
    PDSACycleFactory,
)


@pytest.fixture
def plan(practice_a, member_a):
    plan = ImprovementPlanFactory(practice=practice_a, title="Self-management advice")
    plan.team.add(member_a)
    return plan


@pytest.fixture
def driver(plan):
    return DriverFactory(plan=plan, text="Clinicians know the advice")


@pytest.fixture
def change_idea(plan, driver):
    return ChangeIdeaFactory(plan=plan, driver=driver, title="Leaflet in every room")


@pytest.fixture
def measure(plan):
    return MeasureFactory(plan=plan, name="Advice given", kind="outcome")


@pytest.fixture
def cycle(plan, change_idea, member_a):
    return PDSACycleFactory(plan=plan, change_idea=change_idea, owner=member_a, title="Leaflet")


@pytest.fixture
def question(cycle):
    return CycleQuestionFactory(cycle=cycle)
