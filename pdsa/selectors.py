"""Reads for the improvement work pages, each in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Window
from django.db.models.functions import Lower, RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from evidence.models import EvidenceItem
from pdsa.charts import Analysis, SeriesPoint, analyse
from pdsa.models import (
    OPEN_STAGES,
    ActDecision,
    ChangeIdea,
    CycleComment,
    DataPoint,
    Driver,
    Frequency,
    IdeaComment,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    MeasureKind,
    PDSACycle,
    PlanStatus,
    SharedIdea,
    Stage,
    days_without_update,
)
from pdsa.scoring import PlanFacts, Suggestion, suggest_score
from practices.models import Practice
from qiproject.dates import add_periods, end_of_day, format_date, period_start


def measure_analysis(measure: Measure) -> Analysis:
    """The chart analysis of a measure whose data points are loaded (or prefetched)."""
    points = [
        SeriesPoint(p.period, p.plotted, p.numerator, p.denominator)
        for p in measure.data_points.all()
    ]
    return analyse(
        points,
        is_proportion=measure.is_proportion,
        improvement=measure.improvement,
        target=measure.target_as_fraction(),
        baseline_end=measure.baseline_end,
        rebased_from=measure.rebased_from,
        data_type=measure.data_type,
    )


def _with_data(queryset, as_of: date | None = None):
    points = DataPoint.objects.order_by("period")
    if as_of is not None:
        points = points.filter(period__lte=as_of)
    return queryset.prefetch_related(Prefetch("data_points", queryset=points))


def with_plan_work(plans, *, as_of: date | None = None, cycles=None):
    """Plans with their team, driver diagram, measures (and data) and cycles prefetched, in a
    fixed number of queries; `as_of` leaves out data after that day and cycles created after it;
    `cycles` (a queryset) prefetches more of each cycle (a report's questions)."""
    cycles = cycles if cycles is not None else PDSACycle.objects.all()
    if as_of is not None:
        cycles = cycles.filter(created_at__lt=end_of_day(as_of))
    return plans.prefetch_related(
        "team",
        Prefetch(
            "drivers",
            queryset=Driver.objects.filter(parent__isnull=True).prefetch_related(
                Prefetch(
                    "children",
                    queryset=Driver.objects.prefetch_related(
                        Prefetch("change_ideas", queryset=_ideas())
                    ),
                ),
                Prefetch("change_ideas", queryset=_ideas()),
            ),
            to_attr="primary_drivers",
        ),
        Prefetch("measures", queryset=_with_data(Measure.objects.all(), as_of)),
        Prefetch(
            "cycles",
            queryset=cycles.select_related("change_idea", "owner").order_by("created_at"),
        ),
    )


def plan_detail(*, user, pk: int) -> ImprovementPlan:
    """A plan the user can see, with its team, driver diagram, measures (and data) and cycles."""
    queryset = with_plan_work(
        ImprovementPlan.objects.visible_to(user).select_related("practice__programme")
    )
    return get_object_or_404(queryset, pk=pk)


def _ideas():
    return ChangeIdea.objects.select_related("share").prefetch_related(
        Prefetch("cycles", queryset=PDSACycle.objects.order_by("created_at")),
        Prefetch("evidence", queryset=EvidenceItem.objects.order_by("title")),
    )


def plan_facts(plan: ImprovementPlan, analyses: dict[int, Analysis]) -> PlanFacts:
    """The facts the suggested progress score needs, from a plan loaded by plan_detail."""
    measures = list(plan.measures.all())
    cycles = list(plan.cycles.all())
    outcomes = [m for m in measures if m.kind == MeasureKind.OUTCOME]
    processes = [m for m in measures if m.kind == MeasureKind.PROCESS]

    def improving(measure):
        return analyses[measure.pk].has_improvement

    def target_met(measure):
        rows = analyses[measure.pk].rows
        target = measure.target_as_fraction()
        if not rows or target is None:
            return False
        latest = rows[-1].value
        return latest >= target if measure.improvement == "increase" else latest <= target

    return PlanFacts(
        has_aim=bool(plan.aim_what.strip()),
        team_size=len(plan.team.all()),
        has_driver_diagram=bool(plan.primary_drivers),
        measure_count=len(measures),
        data_point_count=sum(len(analyses[m.pk].rows) for m in measures),
        cycles_started=sum(1 for c in cycles if c.stage != Stage.PLAN),
        cycles_completed=sum(1 for c in cycles if c.stage == Stage.COMPLETE),
        changes_adopted=sum(1 for c in cycles if c.decision == ActDecision.ADOPT),
        process_improvement=any(improving(m) for m in processes),
        outcome_improvement=any(improving(m) for m in outcomes),
        outcome_target_met=any(improving(m) and target_met(m) for m in outcomes),
        outcome_sustained=any(analyses[m.pk].sustained() for m in outcomes),
        outcome_consistently_passes=any(analyses[m.pk].assurance == "pass" for m in outcomes),
    )


def plan_suggestion(plan: ImprovementPlan) -> tuple[dict[int, Analysis], Suggestion]:
    """Each measure's analysis and the suggested progress score for a plan from plan_detail."""
    analyses = {m.pk: measure_analysis(m) for m in plan.measures.all()}
    return analyses, suggest_score(plan_facts(plan, analyses))


@dataclass
class PlanPage:
    """What the plan page shows beside the plan: its measures' analyses and the library."""

    measures: list[tuple[Measure, Analysis]]
    suggestion: Suggestion
    library: object
    adopted: set[int | None]


def plan_page(plan: ImprovementPlan, *, with_library: bool) -> PlanPage:
    """A plan_detail plan's measures with analyses, suggested score and adoptable library."""
    analyses, suggestion = plan_suggestion(plan)
    return PlanPage(
        measures=[(m, analyses[m.pk]) for m in plan.measures.all()],
        suggestion=suggestion,
        library=LibraryMeasure.objects.filter(is_active=True) if with_library else [],
        adopted={m.library_measure_id for m in plan.measures.all()},
    )


def as_saved(instance):
    """A fresh copy of a row as saved (a bound ModelForm has changed the one it was given)."""
    return type(instance).objects.get(pk=instance.pk)


def change_idea_evidence(idea: ChangeIdea) -> list[EvidenceItem]:
    """The evidence a change idea cites, for its edit form."""
    return list(idea.evidence.all())


def library_measure_to_adopt(*, pk: int) -> LibraryMeasure:
    """A library measure still offered for adoption, or 404."""
    return get_object_or_404(LibraryMeasure.objects.filter(is_active=True), pk=pk)


def library_list(*, user, active_only: bool):
    """The library measures the user may browse; retired ones only for curators."""
    measures = LibraryMeasure.objects.visible_to(user)
    return measures.filter(is_active=True) if active_only else measures


def measure_points(measure: Measure):
    """A measure's data points (one query, run by the template)."""
    return measure.data_points.all()


GRID_PERIODS = 12


@dataclass
class DataGrid:
    """Consecutive periods of a measure, oldest first, each with its saved point or None."""

    rows: list[tuple[date, DataPoint | None]]
    earlier: date  # the last period of the page before
    later: date | None  # the last period of the page after, if it has begun


def data_grid(measure: Measure, end: date | None = None, count: int = GRID_PERIODS) -> DataGrid:
    """The `count` periods ending with `end` (at latest, and by default, the period under way)
    with their saved points (one query)."""
    current = period_start(timezone.localdate(), measure.frequency)
    last = min(period_start(end, measure.frequency), current) if end else current
    first = add_periods(last, 1 - count, measure.frequency)
    saved = {
        point.period: point
        for point in measure.data_points.filter(period__gte=first, period__lte=last)
    }
    periods = [add_periods(first, n, measure.frequency) for n in range(count)]
    later = min(add_periods(last, count, measure.frequency), current) if last < current else None
    return DataGrid(
        rows=[(period, saved.get(period)) for period in periods],
        earlier=add_periods(first, -1, measure.frequency),
        later=later,
    )


def current_share(idea: ChangeIdea) -> SharedIdea | None:
    """The idea's share (current or withdrawn), if it was ever shared."""
    return SharedIdea.objects.filter(change_idea=idea).first()


def idea_share_story(idea: ChangeIdea) -> tuple[list[PDSACycle], list[EvidenceItem]]:
    """The idea's cycles (oldest first) and the evidence cited by it or them, by title."""
    cycles = list(idea.cycles.prefetch_related("evidence").order_by("created_at"))
    evidence = {item.pk: item for item in idea.evidence.all()}
    for cycle in cycles:
        evidence.update({item.pk: item for item in cycle.evidence.all()})
    return cycles, sorted(evidence.values(), key=lambda item: item.title)


# A sparkline shows a measure's last this many periods.
SPARKLINE_PERIODS = 12


def recent_values(measure_ids, *, periods: int = SPARKLINE_PERIODS) -> dict[int, list[float]]:
    """Each measure's last `periods` charted values (DataPoint.plotted), oldest first, in one
    query whatever the number of points (a window ranks them in the database)."""
    ranked = DataPoint.objects.filter(measure_id__in=measure_ids).annotate(
        recency=Window(RowNumber(), partition_by=F("measure_id"), order_by=F("period").desc())
    )
    found = defaultdict(list)
    for point in ranked.filter(recency__lte=periods).order_by("measure_id", "period"):
        found[point.measure_id].append(point.plotted)
    return {pk: found.get(pk, []) for pk in measure_ids}


@dataclass
class PracticeDashboard:
    practice: Practice
    plans: list
    cycles_by_stage: dict
    measures: list  # (measure, analysis)
    recent: dict = field(default_factory=dict)  # measure pk -> its last values (sparklines)


def practice_dashboard(*, user, pk: int) -> PracticeDashboard:
    """A practice's plans, open cycles by stage, and every measure with its latest icons."""
    practice = get_object_or_404(Practice.objects.visible_to(user), pk=pk)
    plans = list(
        practice.improvement_plans.annotate(
            open_cycles=Count("cycles", filter=Q(cycles__stage__in=OPEN_STAGES)),
            completed_cycles=Count("cycles", filter=Q(cycles__stage=Stage.COMPLETE)),
        ).order_by("-start_date", "title")
    )
    cycles = (
        PDSACycle.objects.open()
        .filter(plan__practice=practice)
        .select_related("plan", "change_idea", "owner")
        .order_by("created_at")
    )
    by_stage = defaultdict(list)
    for cycle in cycles:
        by_stage[cycle.stage].append(cycle)
    measures = _with_data(
        Measure.objects.filter(plan__practice=practice).select_related("plan")
    ).order_by("plan__title", "kind", "name")
    measures = list(measures)
    return PracticeDashboard(
        practice=practice,
        plans=plans,
        cycles_by_stage={stage: by_stage.get(stage, []) for stage in OPEN_STAGES},
        measures=[(m, measure_analysis(m)) for m in measures],
        recent=recent_values([m.pk for m in measures]),
    )


def measure_chart(*, user, pk: int) -> tuple[Measure, Analysis, list[PDSACycle]]:
    """A measure the user can see, its analysis, and the plan's cycles to annotate the chart."""
    measure = get_object_or_404(
        _with_data(Measure.objects.visible_to(user).select_related("plan__practice")), pk=pk
    )
    cycles = list(
        measure.plan.cycles.filter(start_date__isnull=False)
        .select_related("change_idea")
        .order_by("start_date")
    )
    return measure, measure_analysis(measure), cycles


def cycle_detail(*, user, pk: int) -> PDSACycle:
    """A cycle the user can see, with its worksheet parts, comments and ramp neighbours."""
    queryset = (
        PDSACycle.objects.visible_to(user)
        .select_related("plan__practice", "change_idea", "owner", "previous")
        .prefetch_related(
            "questions",
            "tasks",
            "measures",
            Prefetch("evidence", queryset=EvidenceItem.objects.order_by("title")),
            Prefetch("comments", queryset=CycleComment.objects.select_related("author")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def cycle_next(cycle: PDSACycle) -> PDSACycle | None:
    """The next cycle in the ramp, if one has been started."""
    return PDSACycle.objects.filter(previous=cycle).first()


def cycle_history(cycle: PDSACycle) -> list[dict]:
    """Who changed what on the cycle and its questions and tasks, newest first."""
    entries = []
    records = list(cycle.history.select_related("history_user").order_by("history_date"))
    for older, newer in zip([None, *records], records, strict=False):
        if older is None:
            changes = ["created the cycle"]
        else:
            delta = newer.diff_against(older)
            changes = [_describe(newer, change) for change in delta.changes]
        if changes:
            entries.append(
                {"when": newer.history_date, "who": newer.history_user, "changes": changes}
            )
    for model_name, related in (("question", cycle.questions.model), ("task", cycle.tasks.model)):
        for record in related.history.filter(cycle_id=cycle.pk).select_related("history_user"):
            verb = {"+": "added", "~": "changed", "-": "removed"}[record.history_type]
            text = record.question if model_name == "question" else record.what
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "changes": [f"{verb} {model_name}: {_short(text)}"],
                }
            )
    return sorted(entries, key=lambda e: e["when"], reverse=True)


def _describe(record, change) -> str:
    field = PDSACycle._meta.get_field(change.field)
    value = change.new
    if field.is_relation and value is not None:
        # A changed link (owner, change idea) reads better by name than by id.
        value = getattr(record, field.name, value)
    elif field.choices:
        value = dict(field.choices).get(value, value)
    elif isinstance(value, date):
        value = format_date(value)
    return f"{field.verbose_name}: {_short(value)}"


def _short(value) -> str:
    text = str(value) if value not in (None, "") else "(empty)"
    return text if len(text) <= 120 else text[:117] + "…"


# Ideas exchange ---------------------------------------------------------------------------


@dataclass
class ExchangeFilters:
    q: str = ""
    outcome: str = ""
    practice: str = ""


def exchange_list(*, user, filters: ExchangeFilters) -> list[SharedIdea]:
    """Ideas currently shared in the user's programmes, newest first, with their counts."""
    ideas = (
        SharedIdea.objects.visible_to(user)
        .select_related("practice")
        .annotate(
            comment_count=Count("comments", distinct=True),
            copy_count=Count("copies", distinct=True),
            evidence_count=Count("evidence", distinct=True),
        )
        .order_by("-shared_at", "pk")
    )
    if filters.q.strip():
        words = filters.q.strip()
        ideas = ideas.filter(
            Q(title__icontains=words)
            | Q(description__icontains=words)
            | Q(summary__icontains=words)
            | Q(primary_driver__icontains=words)
            | Q(secondary_driver__icontains=words)
        )
    if filters.outcome:
        ideas = ideas.filter(outcome=filters.outcome)
    if filters.practice.isdigit():
        ideas = ideas.filter(practice_id=int(filters.practice))
    return list(ideas)


def exchange_practices(*, user) -> list[Practice]:
    """Practices with an idea currently shared that the user may browse (for the filter)."""
    shared = SharedIdea.objects.visible_to(user).values("practice_id")
    return list(Practice.objects.filter(pk__in=shared).order_by(Lower("name")))


def exchange_detail(*, user, pk: int) -> SharedIdea:
    """A shared idea the user may see, with its evidence and comments."""
    queryset = (
        SharedIdea.objects.visible_to(user)
        .select_related("practice__programme")
        .prefetch_related(
            Prefetch("evidence", queryset=EvidenceItem.objects.order_by("title")),
            Prefetch("comments", queryset=IdeaComment.objects.select_related("author")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def copy_targets(*, user, shared_idea: SharedIdea) -> list[ImprovementPlan]:
    """The plans (with drivers) of other practices of the programme the user may copy it into."""
    return list(
        ImprovementPlan.objects.editable_by(user)
        .filter(practice__programme_id=shared_idea.practice.programme_id)
        .exclude(practice_id=shared_idea.practice_id)
        .exclude(status="closed")
        .select_related("practice")
        .prefetch_related(
            Prefetch("drivers", queryset=Driver.objects.order_by("level", "position", "pk"))
        )
        .order_by("practice__name", "-start_date", "title")
    )


@dataclass(frozen=True)
class StaleCycle:
    """An open cycle with no update for longer than its programme allows."""

    pk: int
    practice_id: int
    practice_name: str
    title: str
    number: int
    updated_on: date
    days: int


def stale_cycles(*, practice_ids, today: date, thresholds=None) -> dict[int, list[StaleCycle]]:
    """Open cycles of these practices that are stale on `today` (PDSACycle.objects.stale),
    by practice, in one query when the programmes' `thresholds` are given, else two (the
    caller decides access)."""
    # Whole days decide staleness, so any moment of the day gives the same answer.
    now = timezone.make_aware(datetime.combine(today, time.min))
    rows = (
        PDSACycle.objects.stale(now, thresholds=thresholds)
        .filter(plan__practice_id__in=list(practice_ids))
        .values_list(
            "pk", "plan__practice_id", "plan__practice__name", "title", "number", "updated_at"
        )
        .order_by("plan__practice__name", "updated_at", "pk")
    )
    found: dict[int, list[StaleCycle]] = {}
    for pk, practice_id, practice_name, title, number, updated_at in rows:
        found.setdefault(practice_id, []).append(
            StaleCycle(
                pk,
                practice_id,
                practice_name,
                title,
                number,
                timezone.localdate(updated_at),
                days_without_update(updated_at, now),
            )
        )
    return found


def last_completed_period(frequency: str, today: date) -> tuple[date, date]:
    """The last whole week (Monday to Sunday) or month before today, as [start, end)."""
    if frequency == Frequency.WEEKLY:
        this_week = today - timedelta(days=today.weekday())
        return this_week - timedelta(days=7), this_week
    this_month = today.replace(day=1)
    return (this_month - timedelta(days=1)).replace(day=1), this_month


@dataclass(frozen=True)
class DataDue:
    """A measure with no value yet for its last completed period."""

    measure_id: int
    measure_name: str
    plan_id: int
    plan_title: str
    practice_id: int
    practice_name: str
    frequency: str
    period_start: date

    @property
    def period_label(self) -> str:
        """The period as a sentence names it: "the week beginning 4 Jan 2027", "January 2027"."""
        if self.frequency == Frequency.WEEKLY:
            return f"the week beginning {format_date(self.period_start)}"
        return f"{self.period_start:%B %Y}"


def measure_data_due(*, today: date, practice_ids=None) -> list[DataDue]:
    """Measures of open plans with no data for their last completed period (one query).

    Weekly measures are due for last week, monthly ones for last month; a plan that started
    after that period ended owes nothing for it.
    """
    conditions = Q()
    for frequency in Frequency.values:
        start, end = last_completed_period(frequency, today)
        entered = DataPoint.objects.filter(
            measure=OuterRef("pk"), period__gte=start, period__lt=end
        )
        conditions |= Q(frequency=frequency, plan__start_date__lt=end) & ~Exists(entered)
    measures = Measure.objects.exclude(plan__status=PlanStatus.CLOSED).filter(conditions)
    if practice_ids is not None:
        measures = measures.filter(plan__practice_id__in=list(practice_ids))
    rows = measures.values_list(
        "pk",
        "name",
        "plan_id",
        "plan__title",
        "plan__practice_id",
        "plan__practice__name",
        "frequency",
    ).order_by("plan__practice__name", "plan__title", "name", "pk")
    return [DataDue(*row, period_start=last_completed_period(row[6], today)[0]) for row in rows]


def adopted_changes(practice_ids) -> dict[int, list[tuple[str, str]]]:
    """The changes each practice adopted in a PDSA cycle, as (key, title) pairs, one query.

    One entry per change idea (a ramp of cycles that adopts the same idea twice asks once),
    or per cycle when the adopting cycle tested no recorded change idea.
    """
    rows = (
        PDSACycle.objects.filter(
            plan__practice_id__in=list(practice_ids), decision=ActDecision.ADOPT
        )
        .exclude(stage=Stage.ABANDONED)
        .values_list("pk", "title", "change_idea_id", "change_idea__title", "plan__practice_id")
        .order_by("plan__practice_id", "plan__start_date", "plan_id", "created_at", "pk")
    )
    found: dict[int, list[tuple[str, str]]] = {}
    seen = set()
    for pk, title, idea_id, idea_title, practice_id in rows:
        key = f"idea:{idea_id}" if idea_id else f"cycle:{pk}"
        if key in seen:
            continue
        seen.add(key)
        found.setdefault(practice_id, []).append((key, idea_title or title))
    return found
