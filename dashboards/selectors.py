"""Reads for the dashboards: per-practice aggregates for a page of practices, in fixed queries.

The practice queryset carries the counts that decide the order ("needs attention first") as
correlated subqueries, so sorting and paginating happen in the database; `practice_rows` then
fetches everything else for the page's practices with one query per kind of row, whatever
the number of practices, plans, cycles or measures.
"""

import hashlib
import json
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, reduce
from types import SimpleNamespace

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from dashboards import figures
from dashboards.models import PracticeTotals
from followup.models import Recipient
from pdsa.models import (
    MEASURE_OF_CONCERN,
    OPEN_STAGES,
    ActDecision,
    Driver,
    ImprovementPlan,
    Measure,
    MeasureKind,
    PDSACycle,
    Stage,
    goes_stale_at,
)
from pdsa.scoring import PlanFacts, Suggestion, suggest_score
from practices.models import (
    AgreedAction,
    FacilitatorAssignment,
    Practice,
    Programme,
    Role,
    User,
    Visit,
)
from practices.selectors import VisitSummary, visit_summaries
from qiproject.dates import month_starts
from workshops.models import Attendance, WorkshopSession
from workshops.selectors import PROFESSIONS, learning_needs_results

SORTS = {
    "attention": ("-attention", "name", "pk"),
    "name": ("name", "pk"),
    # Longest without a visit first; never visited before anything else.
    "last_visit": (F("last_visit_on").asc(nulls_first=True), "name", "pk"),
}
# "Needs attention": the sum of these counts, each defined once (AgreedAction overdue, the
# stale-cycle rule, MEASURE_OF_CONCERN). dashboard_practices counts them in the database for
# sorting; _add_attention counts them from a row's own data with each rule's Python twin.
ATTENTION_COUNTS = ("overdue_actions", "stale_cycles", "measures_of_concern")
# How each count is said, one and many ("2 overdue actions, 1 stale cycle").
ATTENTION_WORDS = {
    "overdue_actions": ("overdue action", "overdue actions"),
    "stale_cycles": ("stale cycle", "stale cycles"),
    "measures_of_concern": ("measure of concern", "measures of concern"),
}


def attention_reasons(practice) -> list[str]:
    """Why a practice needs attention: each of its attention counts above zero, in words
    (an empty list when it needs none). `practice` carries the counts as attributes."""
    reasons = []
    for name in ATTENTION_COUNTS:
        count = getattr(practice, name)
        if count:
            one, many = ATTENTION_WORDS[name]
            reasons.append(f"{count} {one if count == 1 else many}")
    return reasons


def _count(queryset, key: str):
    """A correlated COUNT of `queryset` rows whose `key` is the outer practice (0 when none)."""
    counted = (
        queryset.filter(**{key: OuterRef("pk")})
        .order_by()
        .values(key)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def dashboard_practices(
    practices,
    *,
    today: date,
    now: datetime,
    sort: str = "attention",
    counts: bool = True,
    kept_in: Programme | None = None,
):
    """The practices annotated with what needs attention, sorted (the caller decides access).

    With counts=False the three correlated counts are left out (PostgreSQL would evaluate
    them for every practice, including the rows an OFFSET skips); practice_rows derives
    them from each row's own data. With `kept_in`, a programme whose kept totals are up to
    date at `now` (dashboards.totals.kept_counts), `attention` is each practice's kept sum
    of the same counts, one indexed lookup a practice instead of three counts.
    """
    queryset = practices.select_related("programme")
    if kept_in is not None and (counts or sort == "attention"):
        kept = PracticeTotals.objects.filter(
            programme_id=kept_in.pk, practice_id=OuterRef("pk")
        ).values("attention")[:1]
        queryset = queryset.annotate(
            attention=Coalesce(Subquery(kept, output_field=IntegerField()), 0)
        )
    elif counts or sort == "attention":
        queryset = queryset.annotate(
            overdue_actions=_count(AgreedAction.objects.overdue(today), "practice"),
            stale_cycles=_count(PDSACycle.objects.stale(now), "plan__practice"),
            measures_of_concern=_count(
                Measure.objects.filter(MEASURE_OF_CONCERN), "plan__practice"
            ),
        ).annotate(attention=reduce(operator.add, (F(name) for name in ATTENTION_COUNTS)))
    if sort == "last_visit":
        last = Visit.objects.filter(practice=OuterRef("pk")).happened(today).order_by("-visited_on")
        queryset = queryset.annotate(last_visit_on=Subquery(last.values("visited_on")[:1]))
    return queryset.order_by(*SORTS.get(sort, SORTS["attention"]))


# What a dashboard reads of each listed practice to find its cached row (dashboards.row_cache),
# and its current facilitator's name, which the row shows but does not keep.
LISTED = (
    "pk",
    "dashboard_token",
    "programme_id",
    "programme__dashboard_token",
    "programme__stale_cycle_days",
    "facilitator_name",
)


def with_facilitator_name(practices):
    """These practices with their current facilitator's name as str(user) says it (full name,
    else email; None with no facilitator), by one join (one current facilitator a practice)."""
    return practices.annotate(
        current_assignment=FilteredRelation(
            "facilitator_assignments",
            condition=Q(facilitator_assignments__ended_on__isnull=True),
        ),
        facilitator_name=Coalesce(
            NullIf(F("current_assignment__facilitator__full_name"), Value("")),
            F("current_assignment__facilitator__email"),
            output_field=CharField(),
        ),
    )


# The sorts the programme dashboard reads from its kept totals' sort keys (kept_order).
KEPT_SORTS = {"attention": ("-attention", "name", "practice_id"), "name": ("name", "practice_id")}


def kept_order(programme: Programme, *, sort: str, attention_only: bool):
    """(id, kept attention) of the programme's practices in a dashboard order (KEPT_SORTS, the
    same as SORTS), read from an index on their kept totals (dashboards.totals: up to date
    once kept_counts has run for the request), instead of sorting every practice."""
    kept = PracticeTotals.objects.filter(programme_id=programme.pk)
    if attention_only:
        kept = kept.filter(attention__gt=0)
    return kept.order_by(*KEPT_SORTS[sort]).values_list("practice_id", "attention")


class FromEitherEnd:
    """An ordered queryset of `count` rows, sliced from whichever end is nearer: an OFFSET
    reads every index entry before the page, so a page past the middle is read backwards
    from the end (a paginator slices this as it would the queryset)."""

    def __init__(self, ordered, count: int):
        # Private: a paginator reads a public `ordered` as a queryset's (and would run it).
        self._rows = ordered
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, bounds: slice) -> list:
        start, stop = bounds.start or 0, min(bounds.stop, self.count)
        if start <= self.count - stop:
            return list(self._rows[start:stop])
        return list(reversed(self._rows.reverse()[self.count - stop : self.count - start]))


def kept_count(counts: dict, *, attention_only: bool) -> int:
    """How many practices kept_order lists, from the same kept totals (kept_counts): every
    practice of the programme has one kept part, counted in "practices", and those needing
    attention in "needing"."""
    return counts["attention"].get("needing" if attention_only else "practices", 0)


def listed_in_order(ids: list[int], *, people: list["Person"]) -> list[tuple]:
    """(LISTED values) of these practices, in the order of `ids`, in one query: each
    practice's current facilitator is found through its own index entry, and named from
    `people` (those the page already offers in its filter; anyone else is read here).

    Joining the facilitators' user rows instead lets the planner scan every current
    assignment, which grows with the programme."""
    current = (
        FacilitatorAssignment.objects.filter(practice_id=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("facilitator_id")[:1]
    )
    rows = list(
        Practice.objects.filter(pk__in=ids)
        .order_by()
        .annotate(facilitator_id=Subquery(current))
        .values_list(*LISTED[:-1], "facilitator_id")
    )
    names = {person.pk: person.name for person in people}
    if missing := {row[-1] for row in rows} - names.keys() - {None}:
        names |= {person.pk: person.name for person in _people(User.objects.filter(pk__in=missing))}
    found = {row[0]: (*row[:-1], names.get(row[-1])) for row in rows}
    return [found[pk] for pk in ids if pk in found]


def listed(practices):
    """(LISTED values) of these practices, for the row cache (the caller orders and slices)."""
    return with_facilitator_name(practices).values_list(*LISTED)


def dashboard_practices_of(*, user, sees_all: bool):
    """The practices a dashboard lists: all the user may see, or those they facilitate."""
    return Practice.objects.visible_to(user) if sees_all else Practice.objects.facilitated_by(user)


def programme_practices(programme: Programme):
    """Every practice of a programme (its lead's dashboard lists them all)."""
    return Practice.objects.filter(programme=programme)


def facilitated_by(practices, facilitator_id):
    """These practices narrowed to those the facilitator currently supports."""
    return practices.filter(
        facilitator_assignments__facilitator_id=facilitator_id,
        facilitator_assignments__ended_on__isnull=True,
    )


def needing_attention(practices):
    """Annotated practices (dashboard_practices with counts) narrowed to those needing attention."""
    return practices.filter(attention__gt=0)


@dataclass(frozen=True, slots=True)
class Person:
    """A facilitator as the dashboards' filter and rows name them (no model instance)."""

    pk: int
    full_name: str
    email: str

    @property
    def name(self) -> str:
        """As str(user) says it: the full name, else the email address."""
        return self.full_name or self.email


def _people(users) -> list[Person]:
    return [Person(*values) for values in users.values_list("pk", "full_name", "email")]


def kept_facilitators(counts: dict) -> list[Person]:
    """The people currently facilitating a programme's practices, for the filter, from its
    kept totals (dashboards.totals.kept_counts): no scan of its practices."""
    ids = [int(pk) for pk in counts.get("facilitators", {})]
    return _people(User.objects.filter(pk__in=ids).order_by("full_name", "pk"))


def facilitators_of(practices) -> list[Person]:
    """The people currently facilitating any of these practices, for the filter."""
    current = FacilitatorAssignment.objects.filter(
        ended_on__isnull=True, practice__in=practices.values("pk")
    )
    users = User.objects.filter(pk__in=current.values("facilitator_id"))
    return _people(users.order_by("full_name", "pk"))


@dataclass(slots=True)
class MeasureCell:
    """What a dashboard shows of a measure: its kept chart summary (no model instance)."""

    pk: int
    name: str
    kind: str
    data_type: str
    improvement: str
    target: float | None
    plan_id: int
    practice_id: int
    latest_variation: str
    latest_assurance: str
    latest_value: float | None
    point_count: int
    shows_improvement: bool
    improvement_sustained: bool

    FIELDS = (
        "pk",
        "name",
        "kind",
        "data_type",
        "improvement",
        "target",
        "plan_id",
        "plan__practice_id",
        "latest_variation",
        "latest_assurance",
        "latest_value",
        "point_count",
        "shows_improvement",
        "improvement_sustained",
    )

    # The model's own definitions, so the dashboard and the chart page cannot disagree.
    is_proportion = Measure.is_proportion
    is_of_concern = Measure.is_of_concern
    target_as_fraction = Measure.target_as_fraction
    target_met = Measure.target_met
    variation = Measure.variation
    assurance = Measure.assurance


@dataclass(frozen=True)
class PlanRow:
    """A plan with the team's own progress score and the suggested one."""

    pk: int
    title: str
    score_set: Decimal | None
    suggestion: Suggestion


@dataclass(frozen=True)
class StaleCycle:
    pk: int
    title: str
    updated_at: datetime


@dataclass
class PracticeRow:
    """Everything one dashboard row shows about a practice."""

    practice: Practice
    plans: list[PlanRow] = field(default_factory=list)
    stages: dict[str, int] = field(default_factory=dict)
    stale_cycles: list[StaleCycle] = field(default_factory=list)
    next_stale_at: datetime | None = None  # when an open cycle next goes stale
    visits: VisitSummary = field(default_factory=VisitSummary)
    next_workshop: WorkshopSession | None = None
    measures: list[MeasureCell] = field(default_factory=list)
    people_attended: int = 0
    sessions_attended: int = 0
    sessions_held: int = 0
    survey_invited: int = 0
    survey_responded: int = 0

    @property
    def stage_counts(self) -> list[tuple[str, int]]:
        return [(stage.label, self.stages.get(stage.value, 0)) for stage in OPEN_STAGES]

    @property
    def response_rate(self) -> float | None:
        """The follow-up survey response rate (0-1), or None before the survey."""
        if not self.survey_invited:
            return None
        return self.survey_responded / self.survey_invited


def _plan_facts(plan, measures: list[MeasureCell], cycles: dict[str, int]) -> PlanFacts:
    outcomes = [m for m in measures if m.kind == MeasureKind.OUTCOME]
    processes = [m for m in measures if m.kind == MeasureKind.PROCESS]
    return PlanFacts(
        has_aim=bool(plan.aim_what.strip()),
        team_size=plan.team_size,
        has_driver_diagram=plan.has_driver_diagram,
        measure_count=len(measures),
        data_point_count=sum(m.point_count for m in measures),
        cycles_started=cycles["started"],
        cycles_completed=cycles["completed"],
        changes_adopted=cycles["adopted"],
        process_improvement=any(m.shows_improvement for m in processes),
        outcome_improvement=any(m.shows_improvement for m in outcomes),
        outcome_target_met=any(m.shows_improvement and m.target_met for m in outcomes),
        outcome_sustained=any(m.improvement_sustained for m in outcomes),
        outcome_consistently_passes=any(m.latest_assurance == "pass" for m in outcomes),
    )


def build_practice_rows(practice_ids, *, now: datetime) -> list[PracticeRow]:
    """The dashboard rows of these practices, built from the database (the caller decides
    access; dashboards.row_cache keeps what this builds)."""
    practices = dashboard_practices(
        Practice.objects.filter(pk__in=practice_ids),
        today=timezone.localdate(now),
        now=now,
        sort="name",
        counts=False,
    ).prefetch_related(
        Prefetch(
            "facilitator_assignments",
            queryset=FacilitatorAssignment.objects.filter(ended_on__isnull=True).select_related(
                "facilitator"
            ),
        )
    )
    return practice_rows(list(practices), now=now)


def practice_rows(practices: list[Practice], *, now: datetime) -> list[PracticeRow]:
    """The dashboard rows of practices from dashboard_practices, in 9 queries."""
    rows = {practice.pk: PracticeRow(practice=practice) for practice in practices}
    ids = list(rows)
    if not ids:
        return []
    measures_by_plan = defaultdict(list)
    # Plain rows, not model instances: a page has 750 measures and shows a few fields each.
    measures = (
        Measure.objects.filter(plan__practice_id__in=ids)
        .order_by("plan__title", "kind", "name")
        .values_list(*MeasureCell.FIELDS)
    )
    for values in measures:
        measure = MeasureCell(*values)
        measures_by_plan[measure.plan_id].append(measure)
        rows[measure.practice_id].measures.append(measure)
    _add_cycles(rows, ids, now)
    _add_plans(rows, ids, measures_by_plan)
    summaries = visit_summaries(ids, today=timezone.localdate(now))
    for pk, summary in summaries.items():
        rows[pk].visits = summary
    _add_workshops(rows, ids, now)
    for row in (
        Recipient.objects.filter(practice_id__in=ids)
        .values("practice_id")
        .annotate(invited=Count("pk"), responded=Count("pk", filter=Q(submitted_at__isnull=False)))
    ):
        rows[row["practice_id"]].survey_invited = row["invited"]
        rows[row["practice_id"]].survey_responded = row["responded"]
    for row in rows.values():
        _add_attention(row, today=timezone.localdate(now))
    return list(rows.values())


def _add_attention(row: PracticeRow, *, today: date) -> None:
    """What needs attention, from the row's own data (the twin of dashboard_practices')."""
    practice = row.practice
    practice.overdue_actions = row.visits.overdue_count(today)
    practice.stale_cycles = len(row.stale_cycles)
    practice.measures_of_concern = sum(1 for m in row.measures if m.is_of_concern)
    practice.attention = sum(getattr(practice, name) for name in ATTENTION_COUNTS)
    practice.attention_reasons = attention_reasons(practice)


def _add_cycles(rows: dict, ids: list[int], now: datetime) -> None:
    """Open cycles per practice in one query: counts by stage, the stale ones (longest
    untouched first) and when the next one goes stale (each by its programme's threshold)."""
    cycles = (
        PDSACycle.objects.open()
        .filter(plan__practice_id__in=ids)
        .values_list("pk", "title", "updated_at", "stage", "plan__practice_id")
        .order_by("updated_at", "pk")
    )
    for pk, title, updated_at, stage, practice_id in cycles:
        row = rows[practice_id]
        row.stages[stage] = row.stages.get(stage, 0) + 1
        stale_at = goes_stale_at(updated_at, row.practice.programme.stale_cycle_days)
        if stale_at <= now:
            row.stale_cycles.append(StaleCycle(pk, title, updated_at))
        elif row.next_stale_at is None:  # the oldest cycle not yet stale goes stale first
            row.next_stale_at = stale_at


def _add_plans(rows: dict, ids: list[int], measures_by_plan: dict) -> None:
    """Plans with their set and suggested progress scores (two queries)."""
    team = ImprovementPlan.team.through.objects.filter(improvementplan=OuterRef("pk"))
    plans = (
        ImprovementPlan.objects.filter(practice_id__in=ids)
        .annotate(
            team_size=Coalesce(
                Subquery(
                    team.order_by()
                    .values("improvementplan")
                    .annotate(count=Count("pk"))
                    .values("count"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            has_driver_diagram=Exists(
                Driver.objects.filter(plan=OuterRef("pk"), parent__isnull=True)
            ),
        )
        .order_by("-start_date", "title")
        # Plain rows, not model instances: only these fields are needed.
        .values(
            "pk",
            "title",
            "practice_id",
            "aim_what",
            "progress_score",
            "team_size",
            "has_driver_diagram",
        )
    )
    cycles = defaultdict(lambda: {"started": 0, "completed": 0, "adopted": 0})
    per_plan = (
        PDSACycle.objects.filter(plan__practice_id__in=ids)
        .values("plan_id")
        .annotate(
            started=Count("pk", filter=~Q(stage=Stage.PLAN)),
            completed=Count("pk", filter=Q(stage=Stage.COMPLETE)),
            adopted=Count("pk", filter=Q(decision=ActDecision.ADOPT)),
        )
        .order_by()
    )
    for row in per_plan:
        cycles[row["plan_id"]] = row
    for values in plans:
        plan = SimpleNamespace(**values)
        facts = _plan_facts(plan, measures_by_plan[plan.pk], cycles[plan.pk])
        rows[plan.practice_id].plans.append(
            PlanRow(
                pk=plan.pk,
                title=plan.title,
                score_set=plan.progress_score,
                suggestion=suggest_score(facts),
            )
        )


@dataclass(frozen=True)
class ProgrammeWorkshops:
    """What a row shows of its programme's workshops: the next one and how many were held."""

    next_workshop: WorkshopSession | None
    held: int


def programme_workshops(programme_ids, *, now: datetime) -> dict[int, ProgrammeWorkshops]:
    """The next workshop and the number held so far of each programme (one query)."""
    sessions = defaultdict(list)
    for session in WorkshopSession.objects.filter(programme_id__in=programme_ids).only(
        "pk", "title", "starts_at", "programme_id"
    ):
        sessions[session.programme_id].append(session)
    found = {}
    for pk in programme_ids:
        mine = sessions[pk]
        upcoming = sorted((s for s in mine if s.starts_at >= now), key=lambda s: s.starts_at)
        found[pk] = ProgrammeWorkshops(
            next_workshop=upcoming[0] if upcoming else None,
            held=sum(1 for s in mine if s.starts_at < now),
        )
    return found


def _add_workshops(rows: dict, ids: list[int], now: datetime) -> None:
    """The next workshop of each practice's programme and its attendance (two queries)."""
    programmes = programme_workshops(
        list({row.practice.programme_id for row in rows.values()}), now=now
    )
    for row in rows.values():
        workshops = programmes[row.practice.programme_id]
        row.next_workshop = workshops.next_workshop
        row.sessions_held = workshops.held
    attended = (
        Attendance.objects.filter(practice_id__in=ids)
        .values("practice_id")
        .annotate(people=Count("user", distinct=True), sessions=Count("session", distinct=True))
        .order_by()
    )
    for row in attended:
        rows[row["practice_id"]].people_attended = row["people"]
        rows[row["practice_id"]].sessions_attended = row["sessions"]


# Programme totals -------------------------------------------------------------------------


@dataclass
class MonthCount:
    month: date
    started: int = 0
    completed: int = 0


@dataclass(frozen=True)
class Attention:
    """What needs attention across a programme: practices, and the counts behind them."""

    practices: int = 0
    needing: int = 0
    overdue_actions: int = 0
    stale_cycles: int = 0
    measures_of_concern: int = 0

    NAMES = ("practices", "needing", *ATTENTION_COUNTS)

    @property
    def reasons(self) -> list[str]:
        return attention_reasons(self)


@dataclass
class ProgrammeTotals:
    """What the programme dashboard shows above its practices."""

    months: list[MonthCount]
    decisions: list[tuple[str, int, float]]  # label, count, share
    professions: list[tuple[str, int, int]]  # label, people, attendances
    patient_reps: tuple[int, int]
    matrix: list[tuple[str, str, list[tuple[str, str, int]]]]  # variation row, cells
    attention: Attention = field(default_factory=Attention)

    @property
    def decisions_total(self) -> int:
        return sum(count for _, count, _ in self.decisions)


VARIATION_ROWS = [
    ("improvement", "Special cause: improvement", ("improvement_high", "improvement_low")),
    ("common_cause", "Common cause variation", ("common_cause",)),
    ("neutral", "Special cause: neither better nor worse", ("neutral_high", "neutral_low")),
    ("concern", "Special cause: concern", ("concern_high", "concern_low")),
    ("none", "Not enough data for SPC", ("",)),
]
ASSURANCE_COLUMNS = [
    ("pass", "Consistently meets the target"),
    ("inconsistent", "Sometimes meets, sometimes misses"),
    ("fail", "Consistently misses the target"),
    ("", "No target or no assurance"),
]


def _months_between(first: date, last: date) -> list[date]:
    return month_starts(first, last)


def programme_totals(counts: dict) -> ProgrammeTotals:
    """Cycles per month, Act decisions, what needs attention, the icon matrix and attendance
    by profession from a programme's counts (dashboards.totals: kept_counts, or fresh_counts
    as of a moment); no query."""
    started = {date.fromisoformat(k): v for k, v in counts["started"].items()}
    completed = {date.fromisoformat(k): v for k, v in counts["completed"].items()}
    decided = counts["decided"]
    known = [*started, *completed]
    months = (
        [
            MonthCount(month, started.get(month, 0), completed.get(month, 0))
            for month in _months_between(min(known), max(known))
        ]
        if known
        else []
    )
    total = sum(decided.values())
    decisions = [
        (label, decided.get(value, 0), decided.get(value, 0) / total if total else 0.0)
        for value, label in ActDecision.choices
    ]
    attended = {
        role: (counts["people"].get(role, 0), attendances)
        for role, attendances in counts["attended"].items()
    }
    professions = [(label, *attended.get(value, (0, 0))) for value, label in PROFESSIONS]
    cells = defaultdict(int)
    for key, count in counts["matrix"].items():
        variation, assurance = key.split("|")
        row_key = next((key for key, _, values in VARIATION_ROWS if variation in values), "none")
        cells[(row_key, assurance)] += count
    matrix = [
        (
            key,
            label,
            [(value, heading, cells[(key, value)]) for value, heading in ASSURANCE_COLUMNS],
        )
        for key, label, _ in VARIATION_ROWS
    ]
    return ProgrammeTotals(
        months=months,
        decisions=decisions,
        professions=professions,
        patient_reps=attended.get(Role.PATIENT_REP, (0, 0)),
        matrix=matrix,
        attention=Attention(**{name: counts["attention"].get(name, 0) for name in Attention.NAMES}),
    )


def measure_matrix(rows) -> tuple[list[str], list[tuple[str, list]]]:
    """The measure names across a page of practices (the matrix's columns), and per practice
    its name and its measure under each column (None where it has none)."""
    icons = {row.pk: row.measure_icons() for row in rows}
    columns = sorted({measure.name for row in rows for measure in icons[row.pk]})
    lines = []
    for row in rows:
        by_name = {}
        for measure in icons[row.pk]:
            by_name.setdefault(measure.name, measure)
        lines.append((row.name, [by_name.get(name) for name in columns]))
    return columns, lines


class ProgrammeSummary:
    """The programme-wide part of the programme dashboard (attention, cycles per month and
    their chart, Act decisions, attendance, learning needs, the icon matrix), built from the
    kept counts only when the page's cached fragment is missing: each part on first use, so
    a page served from the fragment builds none of them.

    `key` is everything the fragment shows depends on: the kept counts themselves (a digest
    of their content, the same in every process and after any refresh that leaves them equal)
    and the programme's token, which every write to the programme, its workshop sessions or
    its learning topics replaces (dashboards.freshness). The counts are those kept_counts
    returned after refreshing, so a write to any practice is counted before the key is taken.
    """

    def __init__(self, programme, counts: dict):
        self.programme = programme
        self.counts = counts

    @cached_property
    def key(self) -> str:
        content = json.dumps(self.counts, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(content.encode()).hexdigest()
        return f"{self.programme.pk}:{self.programme.dashboard_token}:{digest}"

    @cached_property
    def totals(self) -> ProgrammeTotals:
        return programme_totals(self.counts)

    @cached_property
    def chart(self) -> str:
        return figures.cycles_chart(self.totals.months)

    @cached_property
    def learning(self) -> list:
        return learning_needs_results(programme=self.programme, kept=self.counts)
