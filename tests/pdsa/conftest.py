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


@pytest.fixture
def plan_b(practice_b, member_b):
    """Practice B's plan, with a tested change idea it can share with the programme."""
    plan = ImprovementPlanFactory(practice=practice_b, title="Stratify first")
    plan.team.add(member_b)
    return plan


@pytest.fixture
def idea_b(plan_b):
    primary = DriverFactory(plan=plan_b, text="Clinicians stratify risk")
    secondary = DriverFactory(
        plan=plan_b, level="secondary", parent=primary, text="Stratification is quick"
    )
    return ChangeIdeaFactory(plan=plan_b, driver=secondary, title="STarT Back template")


@pytest.fixture
def shared(idea_b, member_b):
    """Practice B's idea, shared with the programme."""
    from pdsa import services

    return services.idea_share(change_idea=idea_b, user=member_b, summary="Quick to use.")


@pytest.fixture
def other_member(db):
    """A member of a practice in another programme."""
    from practices.models import Role
    from tests.practices.factories import (
        MembershipFactory,
        PracticeFactory,
        ProgrammeFactory,
        UserFactory,
    )

    practice = PracticeFactory(programme=ProgrammeFactory(name="Other programme"))
    user = UserFactory(email="gp.other@example.test", full_name="Dr Olga Other")
    MembershipFactory(practice=practice, user=user, role=Role.GP)
    return user
