"""Writes for improvement plans, driver diagrams, measures, data and PDSA cycles."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from pdsa.charts import summarise
from pdsa.models import (
    ActDecision,
    ChangeIdea,
    CycleComment,
    CycleQuestion,
    CycleTask,
    DataPoint,
    DataType,
    Driver,
    DriverLevel,
    IdeaComment,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    PDSACycle,
    SharedIdea,
    Stage,
)
from pdsa.outcomes import ramp_outcome
from pdsa.selectors import measure_analysis
from practices.freshness import practices_changed

MEASURE_FIELDS = [
    "name",
    "kind",
    "definition",
    "data_type",
    "numerator",
    "denominator",
    "frequency",
    "improvement",
]


class StaleEditError(Exception):
    """Someone else saved first: the caller shows their newer version and keeps this form."""

    def __init__(self, current):
        super().__init__("This was changed by someone else after you opened it.")
        self.current = current


@dataclass
class ImportResult:
    created: int
    replaced: int


class CsvImportError(Exception):
    """A CSV file with errors: nothing was imported. `errors` is [(row number, message)]."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} error(s) in the file; nothing was imported.")
        self.errors = errors


def _saved(instance, *, user=None):
    instance.full_clean()
    if user is not None:
        # django-simple-history records who made the change without needing its middleware.
        instance._history_user = user
    instance.save()
    return instance


def _claim_version(instance, version: int) -> None:
    """Take the next version with a conditional update, or refuse a stale form."""
    model = type(instance)
    fields = {"version": version + 1}
    if hasattr(instance, "updated_at"):
        fields["updated_at"] = timezone.now()
    if not model.objects.filter(pk=instance.pk, version=version).update(**fields):
        raise StaleEditError(model.objects.get(pk=instance.pk))
    instance.version = version + 1


# Plans ------------------------------------------------------------------------------------


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
    plan = _saved(ImprovementPlan(practice=practice, **fields))
    _check_team(practice, team)
    plan.team.set(team)
    return plan


@transaction.atomic
def plan_update(*, plan: ImprovementPlan, version: int, team=None, **fields) -> ImprovementPlan:
    """Change a plan's header; a stale form is refused."""
    _claim_version(plan, version)
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise TypeError(f"plan_update cannot change {name}")
        setattr(plan, name, value)
    _saved(plan)
    if team is not None:
        _check_team(plan.practice, team)
        plan.team.set(team)
    return plan


@transaction.atomic
def plan_set_progress_score(*, plan: ImprovementPlan, score: Decimal | None) -> ImprovementPlan:
    """Record the team's own progress score."""
    plan.progress_score = score
    plan.progress_score_set_at = timezone.now() if score is not None else None
    return _saved(plan)


# Driver diagram ---------------------------------------------------------------------------


@transaction.atomic
def driver_add(*, plan: ImprovementPlan, text: str, parent: Driver | None = None) -> Driver:
    """Add a primary driver (no parent) or a secondary driver under a primary one."""
    level = DriverLevel.SECONDARY if parent is not None else DriverLevel.PRIMARY
    siblings = plan.drivers.filter(parent=parent).count()
    return _saved(Driver(plan=plan, parent=parent, level=level, text=text, position=siblings))


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
    idea = _saved(
        ChangeIdea(
            plan=plan, driver=driver, title=title, description=description, position=position
        )
    )
    idea.evidence.set(evidence)
    return idea


@transaction.atomic
def change_idea_update(
    *, change_idea: ChangeIdea, driver: Driver, title: str, description: str = "", evidence=()
) -> ChangeIdea:
    """Change an idea's wording, driver or cited evidence."""
    evidence = _check_evidence(evidence, already=change_idea.evidence.all())
    change_idea.driver, change_idea.title, change_idea.description = driver, title, description
    _saved(change_idea)
    change_idea.evidence.set(evidence)
    return change_idea


@transaction.atomic
def change_idea_delete(*, change_idea: ChangeIdea) -> None:
    """Remove a change idea; the cycles that tested it stay, unlinked."""
    change_idea.delete()


# Measures and data ------------------------------------------------------------------------


@transaction.atomic
def measure_create(*, plan: ImprovementPlan, **fields) -> Measure:
    """Add a measure to a plan."""
    return _saved(Measure(plan=plan, **fields))


@transaction.atomic
def measure_update(*, measure: Measure, **fields) -> Measure:
    """Change a measure's definition, target or baseline."""
    changes_type = "data_type" in fields and fields["data_type"] != measure.data_type
    if changes_type and measure.data_points.exists():
        raise ValidationError(
            {"data_type": "The data type cannot change once data has been entered."}
        )
    for name, value in fields.items():
        setattr(measure, name, value)
    _saved(measure)
    return measure_summary_refresh(measure=measure)


@transaction.atomic
def measure_adopt(*, plan: ImprovementPlan, library_measure: LibraryMeasure) -> Measure:
    """Copy a library measure into a plan (one click), keeping the link to the library."""
    if plan.measures.filter(name=library_measure.name).exists():
        raise ValidationError(f"This plan already has a measure called “{library_measure.name}”.")
    measure = Measure(
        plan=plan,
        library_measure=library_measure,
        target=library_measure.suggested_target,
        **{name: getattr(library_measure, name) for name in MEASURE_FIELDS},
    )
    return _saved(measure)


@transaction.atomic
def measure_rebase(*, measure: Measure, period: date | None, reason: str = "") -> Measure:
    """Mark (or clear, with period None) the period from which the limits are recalculated."""
    if period is not None:
        period = measure.normalise_period(period)
        if not measure.data_points.filter(period=period).exists():
            raise ValidationError({"rebased_from": "Choose a period that has data."})
    measure.rebased_from = period
    measure.rebase_reason = reason if period else ""
    _saved(measure)
    return measure_summary_refresh(measure=measure)


SUMMARY_FIELDS = {
    "variation": "latest_variation",
    "assurance": "latest_assurance",
    "latest_period": "latest_period",
    "latest_value": "latest_value",
    "point_count": "point_count",
    "shows_improvement": "shows_improvement",
    "improvement_sustained": "improvement_sustained",
}


def measure_summary_refresh(*, measure: Measure) -> Measure:
    """Recompute the summary kept on the measure (icons, latest value) from its data."""
    loaded = (
        Measure.objects.select_related("plan")
        .prefetch_related(Prefetch("data_points", queryset=DataPoint.objects.order_by("period")))
        .get(pk=measure.pk)
    )
    summary = summarise(measure_analysis(loaded))
    fields = {column: getattr(summary, name) for name, column in SUMMARY_FIELDS.items()}
    Measure.objects.filter(pk=measure.pk).update(**fields)
    # update() sends no signals: the icons and scores on the dashboards come from this summary.
    practices_changed([loaded.plan.practice_id])
    for column, value in fields.items():
        setattr(measure, column, value)
    return measure


@transaction.atomic
def library_measure_create(**fields) -> LibraryMeasure:
    """Add a measure to the curated library."""
    return _saved(LibraryMeasure(**fields))


@transaction.atomic
def library_measure_update(*, library_measure: LibraryMeasure, **fields) -> LibraryMeasure:
    """Change a library measure; plans that adopted it keep their own copy."""
    for name, value in fields.items():
        setattr(library_measure, name, value)
    return _saved(library_measure)


def _data_point(measure, *, period, numerator=None, denominator=None, value=None, note=""):
    point = DataPoint(
        measure=measure,
        period=measure.normalise_period(period),
        numerator=numerator,
        denominator=denominator,
        value=value,
        note=note,
    )
    point.full_clean(exclude=["measure"], validate_unique=False)
    return point


@transaction.atomic
def data_point_record(
    *,
    measure: Measure,
    period: date,
    numerator: int | None = None,
    denominator: int | None = None,
    value: float | None = None,
    note: str = "",
) -> DataPoint:
    """Enter the value for one period; a period already holding a value is refused."""
    point = _data_point(
        measure,
        period=period,
        numerator=numerator,
        denominator=denominator,
        value=value,
        note=note,
    )
    if measure.data_points.filter(period=point.period).exists():
        raise ValidationError(
            {"period": f"{point.period:%b %Y} already has a value: change that one instead."}
        )
    _saved(point)
    measure_summary_refresh(measure=measure)
    return point


@transaction.atomic
def data_point_update(
    *, point: DataPoint, numerator=None, denominator=None, value=None, note: str = ""
) -> DataPoint:
    """Correct the value of a period."""
    _point_change(point, numerator=numerator, denominator=denominator, value=value, note=note)
    measure_summary_refresh(measure=point.measure)
    return point


def _point_change(point, *, numerator, denominator, value, note) -> DataPoint:
    point.numerator, point.denominator, point.value, point.note = (
        numerator,
        denominator,
        value,
        note,
    )
    return _saved(point)


@transaction.atomic
def data_point_delete(*, point: DataPoint) -> None:
    """Remove a period's value."""
    measure = point.measure
    point.delete()
    measure_summary_refresh(measure=measure)


def _parse_period(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%Y-%m", "%d/%m/%Y", "%m/%Y", "%b %Y", "%B %Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date: use 2026-03 or 2026-03-01.")


def _parse_number(text: str, *, whole: bool):
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"“{text}” is not a number.") from None
    if whole:
        if number != int(number):
            raise ValueError(f"“{text}” is not a whole number.")
        return int(number)
    return number


def _import_rows(measure: Measure, text: str):
    """Parse and validate every row; return (points, errors)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {(h or "").strip().lower() for h in (reader.fieldnames or [])}
    needed = {"period", "numerator", "denominator"} if measure.is_proportion else {"period"}
    if not needed <= headers or (not measure.is_proportion and "value" not in headers):
        wanted = "period, numerator, denominator" if measure.is_proportion else "period, value"
        return [], [(1, f"The first row must name the columns: {wanted}.")]
    points, errors, seen = [], [], {}
    for row_number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        try:
            period = measure.normalise_period(_parse_period(row.get("period", "")))
            numbers = {
                "numerator": _parse_number(row.get("numerator", ""), whole=True),
                "denominator": _parse_number(row.get("denominator", ""), whole=True),
                "value": _parse_number(
                    row.get("value", ""), whole=measure.data_type == DataType.COUNT
                ),
            }
            point = _data_point(measure, period=period, note=row.get("note", ""), **numbers)
        except ValueError as error:
            errors.append((row_number, str(error)))
            continue
        except ValidationError as error:
            errors.append((row_number, " ".join(error.messages)))
            continue
        if period in seen:
            errors.append(
                (row_number, f"{period:%b %Y} is also on row {seen[period]}: one value per period.")
            )
            continue
        seen[period] = row_number
        points.append((row_number, point))
    if not points and not errors:
        errors.append((1, "The file has no data rows."))
    return points, errors


@transaction.atomic
def data_import_csv(*, measure: Measure, text: str, replace_existing: bool = False) -> ImportResult:
    """Import a CSV of periods: every row valid or nothing changes (errors carry row numbers)."""
    points, errors = _import_rows(measure, text)
    existing = {p.period: p for p in measure.data_points.all()}
    if not replace_existing:
        errors += [
            (row, f"{point.period:%b %Y} already has a value (tick “replace” to overwrite).")
            for row, point in points
            if point.period in existing
        ]
    if errors:
        raise CsvImportError(sorted(errors))
    created = replaced = 0
    for _, point in points:
        old = existing.get(point.period)
        if old is not None:
            _point_change(
                old,
                numerator=point.numerator,
                denominator=point.denominator,
                value=point.value,
                note=point.note,
            )
            replaced += 1
        else:
            _saved(point)
            created += 1
    measure_summary_refresh(measure=measure)
    return ImportResult(created=created, replaced=replaced)


def data_export_csv(*, measure: Measure) -> str:
    """The measure's data as CSV, in the same columns the import reads."""
    out = io.StringIO()
    writer = csv.writer(out)
    if measure.is_proportion:
        writer.writerow(["period", "numerator", "denominator", "note"])
        for p in measure.data_points.all():
            writer.writerow([p.period.isoformat(), p.numerator, p.denominator, p.note])
    else:
        writer.writerow(["period", "value", "note"])
        for p in measure.data_points.all():
            value = int(p.value) if measure.data_type == DataType.COUNT else p.value
            writer.writerow([p.period.isoformat(), value, p.note])
    return out.getvalue()


# PDSA cycles ------------------------------------------------------------------------------

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
    _saved(cycle, user=user)
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
    _claim_version(cycle, version)
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
    _saved(cycle, user=user)
    if measures is not None:
        cycle.measures.set(_plan_measures(cycle.plan, measures))
    if evidence is not None:
        cycle.evidence.set(_check_evidence(evidence, already=cycle.evidence.all()))
    if results and cycle.stage_index >= STAGE_FIELDS_INDEX[Stage.STUDY]:
        for question in cycle.questions.filter(pk__in=results):
            if question.result != results[question.pk]:
                question.result = results[question.pk]
                _saved(question, user=user)
    return cycle


@transaction.atomic
def cycle_question_add(*, cycle: PDSACycle, user, question: str, prediction: str) -> CycleQuestion:
    """Add a question with its prediction (while the cycle is being planned)."""
    if cycle.stage != Stage.PLAN:
        raise ValidationError("Questions and predictions are set at the Plan stage.")
    position = cycle.questions.count()
    return _saved(
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
    return _saved(
        CycleTask(cycle=cycle, what=what, who=who, when=when, where=where, position=position),
        user=user,
    )


@transaction.atomic
def cycle_advance(*, cycle: PDSACycle, user, version: int) -> PDSACycle:
    """Move the cycle to its next stage, in order, once the current stage is filled in."""
    if not cycle.is_open:
        raise ValidationError("This cycle is already finished.")
    missing = cycle_missing_for_advance(cycle)
    if missing:
        raise ValidationError(
            f"Before moving on from {cycle.get_stage_display()}, fill in: {'; '.join(missing)}."
        )
    _claim_version(cycle, version)
    order = [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.COMPLETE]
    cycle.stage = order[order.index(cycle.stage) + 1]
    if cycle.stage == Stage.COMPLETE and cycle.end_date is None:
        cycle.end_date = max(timezone.localdate(), cycle.start_date or date.min)
    if cycle.stage == Stage.DO and cycle.start_date is None:
        cycle.start_date = timezone.localdate()
    cycle.updated_at = timezone.now()
    return _saved(cycle, user=user)


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
    return _saved(cycle, user=user)


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
    return _saved(CycleComment(cycle=cycle, author=author, body=body))


# Ideas exchange ---------------------------------------------------------------------------


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
    _saved(share)
    evidence = {item.pk: item for item in change_idea.evidence.all()}
    for cycle in cycles:
        evidence.update({item.pk: item for item in cycle.evidence.all()})
    share.evidence.set(evidence.values())
    return share


@transaction.atomic
def idea_share_withdraw(*, shared_idea: SharedIdea) -> SharedIdea:
    """Stop sharing an idea: other practices no longer see it; copies keep their provenance."""
    shared_idea.withdrawn_at = timezone.now()
    return _saved(shared_idea)


@transaction.atomic
def idea_comment_add(*, shared_idea: SharedIdea, author, body: str) -> IdeaComment:
    """Comment on a shared idea."""
    return _saved(IdeaComment(shared_idea=shared_idea, author=author, body=body))


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
        f"(shared {shared_on.day} {shared_on:%b %Y})"
    )[:300]
    return _saved(idea)
