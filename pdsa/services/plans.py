"""Writes for improvement plans and their driver diagrams and change ideas."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pdsa.models import (
    ChangeIdea,
    Driver,
    DriverLevel,
    ImprovementPlan,
)
from qiproject.locking import claim_version
from qiproject.saving import saved

PLAN_FIELDS = [
    "title",
    "problem",
    "aim_what",
    "aim_for_whom",
    "aim_how_much",
    "aim_by_when",
    "how_we_will_know",
    "changes_to_try",
    "status",
    "start_date",
    "end_date",
]


def _check_team(practice, team) -> None:
    member_ids = set(practice.memberships.values_list("user_id", flat=True))
    if any(person.pk not in member_ids for person in team):
        raise ValidationError({"team": "The team must be members of the practice."})


@transaction.atomic
def plan_create(*, practice, team=(), **fields) -> ImprovementPlan:
    """Start an improvement plan for a practice, with its team."""
    plan = saved(ImprovementPlan(practice=practice, **fields))
    _check_team(practice, team)
    plan.team.set(team)
    return plan


@transaction.atomic
def plan_update(*, plan: ImprovementPlan, version: int, team=None, **fields) -> ImprovementPlan:
    """Change a plan's header; a stale form is refused."""
    claim_version(plan, version)
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise TypeError(f"plan_update cannot change {name}")
        setattr(plan, name, value)
    saved(plan)
    if team is not None:
        _check_team(plan.practice, team)
        plan.team.set(team)
    return plan


@transaction.atomic
def plan_set_progress_score(*, plan: ImprovementPlan, score: Decimal | None) -> ImprovementPlan:
    """Record the team's own progress score."""
    plan.progress_score = score
    plan.progress_score_set_at = timezone.now() if score is not None else None
    return saved(plan)


@transaction.atomic
def driver_add(*, plan: ImprovementPlan, text: str, parent: Driver | None = None) -> Driver:
    """Add a primary driver (no parent) or a secondary driver under a primary one."""
    level = DriverLevel.SECONDARY if parent is not None else DriverLevel.PRIMARY
    siblings = plan.drivers.filter(parent=parent).count()
    return saved(Driver(plan=plan, parent=parent, level=level, text=text, position=siblings))


@transaction.atomic
def driver_delete(*, driver: Driver) -> None:
    """Remove a driver with its secondary drivers and change ideas; cycles keep their record."""
    driver.delete()


def _check_evidence(items, *, already=()) -> list:
    """Only published items may be newly cited; items cited before stay even if retired."""
    items = list(items)
    kept = {item.pk for item in already}
    if any(not item.is_published and item.pk not in kept for item in items):
        raise ValidationError({"evidence": "Cite published evidence items only."})
    return items


@transaction.atomic
def change_idea_add(
    *, plan: ImprovementPlan, driver: Driver, title: str, description: str = "", evidence=()
) -> ChangeIdea:
    """Add a change idea under a driver of the same plan, citing published evidence."""
    evidence = _check_evidence(evidence)
    position = plan.change_ideas.filter(driver=driver).count()
    idea = saved(
        ChangeIdea(
            plan=plan, driver=driver, title=title, description=description, position=position
        )
    )
    idea.evidence.set(evidence)
    return idea


@transaction.atomic
def change_idea_update(
    *,
    change_idea: ChangeIdea,
    version: int,
    driver: Driver,
    title: str,
    description: str = "",
    evidence=(),
) -> ChangeIdea:
    """Change an idea's wording, driver or cited evidence; a stale form is refused."""
    claim_version(change_idea, version)
    evidence = _check_evidence(evidence, already=change_idea.evidence.all())
    change_idea.driver, change_idea.title, change_idea.description = driver, title, description
    saved(change_idea)
    change_idea.evidence.set(evidence)
    return change_idea


@transaction.atomic
def change_idea_delete(*, change_idea: ChangeIdea) -> None:
    """Remove a change idea; the cycles that tested it stay, unlinked."""
    change_idea.delete()
