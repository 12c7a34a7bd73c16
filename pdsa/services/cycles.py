"""Writes for PDSA cycles: create, edit, advance through the stages, comment, ramps."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pdsa.models import (
    ActDecision,
    CycleComment,
    CycleQuestion,
    CycleTask,
    ImprovementPlan,
    PDSACycle,
    Stage,
)
from pdsa.services.plans import _check_evidence
from qiproject.locking import StaleEditError, claim_version
from qiproject.saving import saved

# Which fields each stage's form edits; a stage's form also shows the earlier stages' fields.
STAGE_FIELDS = {
    Stage.PLAN: [
        "title",
        "change_idea",
        "owner",
        "start_date",
        "end_date",
        "objective",
        "data_collection",
    ],
    Stage.DO: ["what_happened", "observations"],
    Stage.STUDY: ["learning"],
    Stage.ACT: ["decision", "next_changes"],
}
STAGE_FIELDS_INDEX = {stage: index for index, stage in enumerate(STAGE_FIELDS)}


def cycle_missing_for_advance(cycle: PDSACycle) -> list[str]:
    """What must be filled in before the cycle can leave its current stage."""
    questions = list(cycle.questions.all())
    missing = []
    if cycle.stage == Stage.PLAN:
        if not cycle.objective.strip():
            missing.append("the objective of the cycle")
        if not questions:
            missing.append("at least one question with a prediction")
    elif cycle.stage == Stage.DO:
        if not cycle.what_happened.strip():
            missing.append("what actually happened")
    elif cycle.stage == Stage.STUDY:
        if any(not q.result.strip() for q in questions):
            missing.append("the result for every prediction")
        if not cycle.learning.strip():
            missing.append("what was learned")
    elif cycle.stage == Stage.ACT and not cycle.decision:
        missing.append("the decision: adopt, adapt or abandon")
    return missing


@transaction.atomic
def cycle_create(
    *,
    plan: ImprovementPlan,
    user,
    title: str,
    measures=(),
    evidence=(),
    previous=None,
    **fields,
) -> PDSACycle:
    """Start a PDSA cycle (at Plan) in a plan."""
    # A follow-on cycle keeps what its predecessor cited, even an item retired since.
    evidence = _check_evidence(evidence, already=previous.evidence.all() if previous else ())
    cycle = PDSACycle(plan=plan, title=title, previous=previous, **fields)
    if previous is not None:
        cycle.number = previous.number + 1
    saved(cycle, user=user)
    cycle.measures.set(_plan_measures(plan, measures))
    cycle.evidence.set(evidence)
    return cycle


def _plan_measures(plan, measures):
    measures = list(measures)
    if any(m.plan_id != plan.pk for m in measures):
        raise ValidationError({"measures": "Choose measures of the same plan."})
    return measures


@transaction.atomic
def cycle_update(
    *,
    cycle: PDSACycle,
    user,
    version: int,
    fields: dict,
    measures=None,
    evidence=None,
    results: dict[int, str] | None = None,
) -> PDSACycle:
    """Save the worksheet's fields for the stages reached so far; a stale form is refused."""
    if not cycle.is_open:
        raise ValidationError("A completed or abandoned cycle can no longer be changed.")
    claim_version(cycle, version)
    allowed = {
        name
        for stage in list(STAGE_FIELDS)[: cycle.stage_index + 1]
        for name in STAGE_FIELDS[stage]
    }
    for name, value in fields.items():
        if name not in allowed:
            raise ValidationError(f"{name} cannot be filled in before its stage.")
        setattr(cycle, name, value)
    cycle.updated_at = timezone.now()
    saved(cycle, user=user)
    if measures is not None:
        cycle.measures.set(_plan_measures(cycle.plan, measures))
    if evidence is not None:
        cycle.evidence.set(_check_evidence(evidence, already=cycle.evidence.all()))
    if results and cycle.stage_index >= STAGE_FIELDS_INDEX[Stage.STUDY]:
        for question in cycle.questions.filter(pk__in=results):
            if question.result != results[question.pk]:
                question.result = results[question.pk]
                saved(question, user=user)
    return cycle


@transaction.atomic
def cycle_question_add(*, cycle: PDSACycle, user, question: str, prediction: str) -> CycleQuestion:
    """Add a question with its prediction (while the cycle is being planned)."""
    if cycle.stage != Stage.PLAN:
        raise ValidationError("Questions and predictions are set at the Plan stage.")
    position = cycle.questions.count()
    return saved(
        CycleQuestion(cycle=cycle, question=question, prediction=prediction, position=position),
        user=user,
    )


@transaction.atomic
def cycle_question_delete(*, question: CycleQuestion, user) -> None:
    """Remove a question while the cycle is being planned."""
    if question.cycle.stage != Stage.PLAN:
        raise ValidationError("Questions can only be removed at the Plan stage.")
    question._history_user = user
    question.delete()


@transaction.atomic
def cycle_task_add(
    *, cycle: PDSACycle, user, what: str, who: str, when: date | None = None, where: str = ""
) -> CycleTask:
    """Add a task to set the cycle up."""
    if not cycle.is_open:
        raise ValidationError("A completed or abandoned cycle can no longer be changed.")
    position = cycle.tasks.count()
    return saved(
        CycleTask(cycle=cycle, what=what, who=who, when=when, where=where, position=position),
        user=user,
    )


@transaction.atomic
def cycle_advance(
    *, cycle: PDSACycle, user, version: int, from_stage: str | None = None
) -> PDSACycle:
    """Move the cycle to its next stage, in order, once the current stage is filled in.

    `from_stage` is the stage the user saw: a click made on an out-of-date page is refused
    (StaleEditError) before anything is said about the stage the cycle has since reached.
    """
    if (from_stage is not None and cycle.stage != from_stage) or cycle.version != version:
        raise StaleEditError(PDSACycle.objects.get(pk=cycle.pk))
    if not cycle.is_open:
        raise ValidationError("This cycle is already finished.")
    missing = cycle_missing_for_advance(cycle)
    if missing:
        raise ValidationError(
            f"Before moving on from {cycle.get_stage_display()}, fill in: {'; '.join(missing)}."
        )
    claim_version(cycle, version)
    order = [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.COMPLETE]
    cycle.stage = order[order.index(cycle.stage) + 1]
    if cycle.stage == Stage.COMPLETE and cycle.end_date is None:
        cycle.end_date = max(timezone.localdate(), cycle.start_date or date.min)
    if cycle.stage == Stage.DO and cycle.start_date is None:
        cycle.start_date = timezone.localdate()
    cycle.updated_at = timezone.now()
    return saved(cycle, user=user)


@transaction.atomic
def cycle_abandon(*, cycle: PDSACycle, user, reason: str) -> PDSACycle:
    """Stop a cycle at any stage, saying why."""
    if not cycle.is_open:
        raise ValidationError("This cycle is already finished.")
    if not reason.strip():
        raise ValidationError({"abandoned_reason": "Say why the cycle is being abandoned."})
    cycle.abandoned_at_stage = cycle.stage
    cycle.stage = Stage.ABANDONED
    cycle.abandoned_reason = reason
    cycle.version += 1
    cycle.updated_at = timezone.now()
    return saved(cycle, user=user)


@transaction.atomic
def cycle_start_next(*, cycle: PDSACycle, user) -> PDSACycle:
    """From Act: complete this cycle and start the next in the ramp, pre-filled from its Act."""
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage not in (Stage.ACT, Stage.COMPLETE):
        raise ValidationError("The next cycle starts from the Act stage.")
    if not cycle.decision:
        raise ValidationError("Record the decision (adopt, adapt or abandon) first.")
    if PDSACycle.objects.filter(previous=cycle).exists():
        raise ValidationError("The next cycle in this ramp has already been started.")
    if cycle.stage == Stage.ACT:
        cycle_advance(cycle=cycle, user=user, version=cycle.version)
    decision = ActDecision(cycle.decision).label.lower()
    return _next_cycle(cycle, user, decision)


def _next_title(cycle: PDSACycle) -> str:
    base = cycle.title
    suffix = f" (cycle {cycle.number})"
    if base.endswith(suffix):
        base = base[: -len(suffix)]
    return f"{base} (cycle {cycle.number + 1})"[:200]


def _next_cycle(cycle: PDSACycle, user, decision: str) -> PDSACycle:
    objective = cycle.next_changes.strip() or f"Follow on from cycle {cycle.number}."
    return cycle_create(
        plan=cycle.plan,
        user=user,
        previous=cycle,
        title=_next_title(cycle),
        change_idea=cycle.change_idea,
        owner=cycle.owner,
        objective=f"After cycle {cycle.number} ({decision}): {objective}",
        data_collection=cycle.data_collection,
        measures=cycle.measures.all(),
        evidence=cycle.evidence.all(),
        start_date=timezone.localdate(),
    )


@transaction.atomic
def cycle_comment_add(*, cycle: PDSACycle, author, body: str) -> CycleComment:
    """Comment on a cycle."""
    return saved(CycleComment(cycle=cycle, author=author, body=body))
