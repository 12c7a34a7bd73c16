"""Writes for the ideas exchange: sharing a change idea, commenting, copying one into a plan."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pdsa.models import (
    ChangeIdea,
    Driver,
    DriverLevel,
    IdeaComment,
    ImprovementPlan,
    SharedIdea,
)
from pdsa.outcomes import ramp_outcome
from pdsa.services.plans import change_idea_add, driver_add
from qiproject.dates import format_date
from qiproject.saving import saved


def ramp_snapshot(cycles) -> list[dict]:
    """What the exchange shows of each cycle: no owner, questions, tasks, measures or comments."""
    return [
        {
            "number": cycle.number,
            "title": cycle.title,
            "stage": cycle.get_stage_display(),
            "decision": cycle.get_decision_display() if cycle.decision else "",
            "start_date": cycle.start_date.isoformat() if cycle.start_date else "",
            "end_date": cycle.end_date.isoformat() if cycle.end_date else "",
            "objective": cycle.objective,
            "learning": cycle.learning,
            "next_changes": cycle.next_changes,
            "abandoned_reason": cycle.abandoned_reason,
        }
        for cycle in cycles
    ]


@transaction.atomic
def idea_share(*, change_idea: ChangeIdea, user, summary: str = "") -> SharedIdea:
    """Share a change idea with the programme (or refresh its snapshot, or share it again)."""
    # One share per idea: a second share at the same moment waits here, then updates the first.
    list(ChangeIdea.objects.select_for_update().filter(pk=change_idea.pk).values_list("pk"))
    change_idea = ChangeIdea.objects.select_related("driver__parent", "plan").get(pk=change_idea.pk)
    cycles = list(change_idea.cycles.prefetch_related("evidence").order_by("created_at"))
    driver = change_idea.driver
    primary, secondary = (driver.parent.text, driver.text) if driver.parent else (driver.text, "")
    share = SharedIdea.objects.filter(change_idea=change_idea).first() or SharedIdea(
        change_idea=change_idea
    )
    share.practice_id = change_idea.plan.practice_id
    share.title = change_idea.title
    share.description = change_idea.description
    share.primary_driver, share.secondary_driver = primary, secondary
    share.summary = summary
    share.outcome = ramp_outcome([(c.stage, c.decision) for c in cycles])
    share.ramp = ramp_snapshot(cycles)
    share.shared_by = user
    share.shared_at = timezone.now()
    share.withdrawn_at = None
    saved(share)
    evidence = {item.pk: item for item in change_idea.evidence.all()}
    for cycle in cycles:
        evidence.update({item.pk: item for item in cycle.evidence.all()})
    share.evidence.set(evidence.values())
    return share


@transaction.atomic
def idea_share_withdraw(*, shared_idea: SharedIdea) -> SharedIdea:
    """Stop sharing an idea: other practices no longer see it; copies keep their provenance."""
    shared_idea.withdrawn_at = timezone.now()
    return saved(shared_idea)


@transaction.atomic
def idea_comment_add(*, shared_idea: SharedIdea, author, body: str) -> IdeaComment:
    """Comment on a shared idea."""
    return saved(IdeaComment(shared_idea=shared_idea, author=author, body=body))


def _copy_driver(plan: ImprovementPlan, shared_idea: SharedIdea) -> Driver:
    """Where a copy lands by default: a driver worded like the original's, else the first
    secondary driver, else the first primary one, else a new primary driver."""
    drivers = list(plan.drivers.order_by("level", "position", "pk"))
    for text in (shared_idea.secondary_driver, shared_idea.primary_driver):
        match = next((d for d in drivers if text and d.text.lower() == text.lower()), None)
        if match:
            return match
    for level in (DriverLevel.SECONDARY, DriverLevel.PRIMARY):
        first = next((d for d in drivers if d.level == level), None)
        if first:
            return first
    return driver_add(plan=plan, text=shared_idea.primary_driver or shared_idea.title)


@transaction.atomic
def idea_copy(
    *, shared_idea: SharedIdea, plan: ImprovementPlan, driver: Driver | None = None
) -> ChangeIdea:
    """Copy a shared idea into a plan's driver diagram, recording where it came from."""
    if not shared_idea.is_current:
        raise ValidationError("This idea is no longer shared.")
    if plan.practice.programme_id != shared_idea.practice.programme_id:
        raise ValidationError({"plan": "Choose a plan of the same programme."})
    if plan.practice_id == shared_idea.practice_id:
        raise ValidationError({"plan": "The idea is already in this practice's work."})
    if driver is None:
        driver = _copy_driver(plan, shared_idea)
    elif driver.plan_id != plan.pk:
        raise ValidationError({"driver": "Choose a driver of the same improvement plan."})
    idea = change_idea_add(
        plan=plan,
        driver=driver,
        title=shared_idea.title,
        description=shared_idea.description,
        evidence=[item for item in shared_idea.evidence.all() if item.is_published],
    )
    idea.copied_from = shared_idea
    shared_on = timezone.localtime(shared_idea.shared_at).date()
    idea.origin = (
        f"Copied from {shared_idea.practice.name}'s shared idea “{shared_idea.title}” "
        f"(shared {format_date(shared_on)})"
    )[:300]
    return saved(idea)
