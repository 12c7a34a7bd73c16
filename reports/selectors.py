"""Reads for the reports: each gathers its report in a fixed number of queries, through the
selectors of the apps it reports on (their rules, their statistics, their charts).

Access: a practice report for whoever may see the practice, a programme report for whoever
runs the programme, a QI activity summary for its own person only. Visits appear only in a
person's own summary, by date, mode and topics: never their notes, private or not.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, Min, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import mark_safe

from audits import figures as audit_figures
from audits import selectors as audit_selectors
from audits.models import AuditRound, AuditTemplate, Criterion, RoundStatus
from dashboards import figures as dashboard_figures
from dashboards.selectors import programme_totals
from dashboards.totals import fresh_counts
from followup import selectors as followup_selectors
from followup.models import Survey
from pdsa import charts as pdsa_charts
from pdsa.models import DataPoint, ImprovementPlan, Measure, PDSACycle
from pdsa.selectors import _with_data, measure_analysis, with_plan_work
from practices.models import Membership, Practice, Programme, Role, Visit, visit_happened_q
from qiproject import charts
from qiproject.dates import end_of_day, format_date, format_period
from qiproject.disclosure import SMALL_GROUP_LABEL, is_reportable
from reports.models import Reflection, WorkKind
from workshops import figures as workshop_figures
from workshops.models import Attendance, WorkshopSession
from workshops.selectors import (
    PROFESSIONS,
    feedback_summaries,
    learning_needs_results,
    series_attendance,
)


@dataclass
class MeasureReport:
    """A measure as a report shows it: its chart and what the chart shows in words."""

    measure: Measure
    analysis: pdsa_charts.Analysis
    chart: str
    signals: list[pdsa_charts.Signal]
    ident: str
    on_chart: list = field(default_factory=list)  # (index, cycle) as the chart numbers them

    @property
    def spc(self) -> bool:
        return self.analysis.spc_available


def measure_report(measure: Measure, cycles, ident: str) -> MeasureReport:
    """A measure (data prefetched) with its SPC chart when there is enough data, its run chart
    otherwise, and its signals each with the cycle that preceded it."""
    analysis = measure_analysis(measure)
    started = sorted((c for c in cycles if c.start_date), key=lambda c: (c.start_date, c.number))
    svg = pdsa_charts.measure_chart_svg(
        measure, analysis, started, spc=analysis.spc_available, ident=ident
    )
    return MeasureReport(
        measure=measure,
        analysis=analysis,
        chart=mark_safe(svg),  # noqa: S308 - svg.py escapes every text it draws
        signals=pdsa_charts.signals(measure, analysis, started),
        ident=ident,
        on_chart=pdsa_charts.chart_cycles(measure, analysis.rows, started),
    )


@dataclass
class Ramp:
    """The cycles that tested one change idea, in order."""

    title: str
    cycles: list[PDSACycle]


@dataclass
class PlanReport:
    plan: ImprovementPlan
    measures: list[MeasureReport]
    ramps: list[Ramp]


def _plan_report(plan: ImprovementPlan) -> PlanReport:
    cycles = list(plan.cycles.all())
    ramps: dict = {}
    for cycle in cycles:
        key = cycle.change_idea_id or f"cycle-{cycle.pk}"
        title = cycle.change_idea.title if cycle.change_idea else cycle.title
        ramps.setdefault(key, Ramp(title=title, cycles=[])).cycles.append(cycle)
    return PlanReport(
        plan=plan,
        measures=[measure_report(m, cycles, f"measure-{m.pk}") for m in plan.measures.all()],
        ramps=list(ramps.values()),
    )


@dataclass
class AuditReport:
    audit_round: AuditRound
    results: list
    chart: str
    comparison: object | None = None
    comparison_chart: str = ""


@dataclass
class PracticeReport:
    practice: Practice
    as_of: date
    plans: list[PlanReport]
    audits: list[AuditReport]
    sessions: list[WorkshopSession]
    attendance: object | None
    followup: dict | None


def _report_cycles():
    return PDSACycle.objects.prefetch_related("questions")


def _audit_reports(rounds) -> list[AuditReport]:
    """Each complete round with its results; the latest of each template with its re-audits."""
    results = audit_selectors.rounds_results(rounds)
    latest: dict[int, AuditRound] = {}
    for audit_round in rounds:
        latest[audit_round.template_version.template_id] = audit_round
    reports = []
    for audit_round in rounds:
        template = audit_round.template_version.template
        report = _round_report(audit_round, results[audit_round.pk], f"audit-{audit_round.pk}")
        same = [r for r in rounds if r.template_version.template_id == template.pk]
        if latest[template.pk] is audit_round and len(same) > 1:
            report.comparison = _comparison(same, results)
            report.comparison_chart = audit_figures.comparison_chart(
                report.comparison, ident=f"reaudit-{audit_round.pk}"
            )
        reports.append(report)
    return reports


def _round_report(audit_round: AuditRound, results, ident: str) -> AuditReport:
    """A complete round's results against the standards, as a table and a chart."""
    name = audit_round.template_version.template.name
    return AuditReport(
        audit_round=audit_round,
        results=results,
        chart=audit_figures.results_chart(
            results, f"{name}: results against the standards", ident=ident
        ),
    )


def _comparison(rounds, results) -> audit_selectors.Comparison:
    """The rounds of one template compared criterion by criterion (as rounds_compared does,
    for complete rounds only)."""
    columns = [{r.criterion.key: r for r in results[audit_round.pk]} for audit_round in rounds]
    current = rounds[-1].template_version.criteria.all()
    return audit_selectors.Comparison(
        rounds=list(rounds),
        rows=[
            audit_selectors.ComparisonRow(
                key=c.key,
                short_name=c.short_name,
                standard=c.standard,
                cells=[column.get(c.key) for column in columns],
            )
            for c in current
        ],
    )


def practice_report(*, user, pk: int, as_of: date) -> PracticeReport:
    """Everything a practice did up to `as_of`, for whoever may see the practice (else 404)."""
    practice = get_object_or_404(
        Practice.objects.visible_to(user).select_related("programme"), pk=pk
    )
    plans = with_plan_work(
        ImprovementPlan.objects.filter(practice=practice, start_date__lte=as_of).order_by(
            "start_date", "title"
        ),
        as_of=as_of,
        cycles=_report_cycles(),
    )
    rounds = list(
        AuditRound.objects.filter(
            practice=practice, status=RoundStatus.COMPLETE, period_end__lte=as_of
        )
        .select_related("template_version__template")
        .prefetch_related(
            Prefetch("template_version__criteria", queryset=Criterion.objects.order_by("position"))
        )
        .order_by("template_version__template__name", "period_end", "pk")
    )
    sessions, attendance = series_attendance(
        programme=practice.programme, user=user, practice=practice, until=end_of_day(as_of)
    )
    survey = Survey.objects.filter(programme=practice.programme_id).first()
    followup = None
    if survey is not None:
        summary = followup_selectors.practice_results(survey=survey, practice=practice)
        followup = followup_selectors.results_figures(summary, ident="practice-factors")
    return PracticeReport(
        practice=practice,
        as_of=as_of,
        plans=[_plan_report(plan) for plan in plans],
        audits=_audit_reports(rounds),
        sessions=sessions,
        attendance=attendance[0] if attendance else None,
        followup=followup,
    )


# The programme report ---------------------------------------------------------------------


@dataclass
class GroupCount:
    """A number of people, or None when the group is too small to show (qiproject.disclosure)."""

    label: str
    count: int | None

    @property
    def shown(self) -> str:
        return SMALL_GROUP_LABEL if self.count is None else str(self.count)


def _group(label: str, count: int) -> GroupCount:
    return GroupCount(label, count if is_reportable(count) or count == 0 else None)


@dataclass
class SessionRow:
    session: WorkshopSession
    attended: GroupCount
    feedback: GroupCount
    usefulness: float | None
    confidence: float | None


@dataclass
class MeasureGroup:
    """One measure across the practices that track it: how many show improvement."""

    name: str
    practices: int
    improving: int
    multiples: list[tuple[str, str, bool]] = field(default_factory=list)  # practice, svg, flag


@dataclass
class FunnelReport:
    template: AuditTemplate
    funnel: audit_selectors.Funnel
    chart: str


@dataclass
class ProgrammeReport:
    programme: Programme
    as_of: date
    practices: list[Practice]
    engaged: int
    team: list[GroupCount]
    patient_reps: GroupCount
    team_total: int
    totals: object
    cycles_chart: str
    cycles_total: int
    sessions: list[SessionRow]
    learning: list
    learning_chart: object
    measure_groups: list[MeasureGroup]
    funnels: list[FunnelReport]
    followup: dict | None
    attendance: list[GroupCount]

    @property
    def improving_practices(self) -> int:
        return len({name for group in self.measure_groups for name, _, f in group.multiples if f})

    @property
    def adopted(self) -> int:
        return next((count for label, count, _ in self.totals.decisions if label == "Adopt"), 0)


def _team(programme: Programme, as_of: date) -> tuple[list[GroupCount], GroupCount, int]:
    counts = dict(
        Membership.objects.filter(practice__programme=programme, joined_on__lte=as_of)
        .values("role")
        .annotate(people=Count("user", distinct=True))
        .order_by()
        .values_list("role", "people")
    )
    team = [_group(label, counts.get(value, 0)) for value, label in PROFESSIONS]
    return (
        team,
        _group("Patient representatives", counts.get(Role.PATIENT_REP, 0)),
        sum(counts.values()),
    )


def _sessions(programme: Programme, as_of: date) -> list[SessionRow]:
    sessions = list(
        WorkshopSession.objects.filter(programme=programme, starts_at__lt=end_of_day(as_of))
        .annotate(attended=Count("attendances"))
        .order_by("starts_at")
    )
    feedback = feedback_summaries(sessions=sessions)
    rows = []
    for session in sessions:
        summary = feedback[session.pk]
        shown = is_reportable(summary.count)
        rows.append(
            SessionRow(
                session=session,
                attended=_group("Attended", session.attended),
                feedback=_group("Feedback", summary.count),
                usefulness=summary.usefulness if shown else None,
                confidence=summary.confidence if shown else None,
            )
        )
    return rows


def _learning(programme: Programme):
    """Mean confidence before and after, a topic's mean shown only from SMALL_GROUP_MIN answers."""
    results = learning_needs_results(programme=programme)
    for result in results:
        if not is_reportable(result.before_n):
            result.before = None
        if not is_reportable(result.after_n):
            result.after = None
    return workshop_figures.confidence_chart_context(results, ident="report-learning")


def _measure_groups(programme: Programme, as_of: date) -> list[MeasureGroup]:
    measures = _with_data(
        Measure.objects.filter(
            plan__practice__programme=programme, plan__start_date__lte=as_of
        ).select_related("plan__practice"),
        as_of,
    ).order_by("name", "plan__practice__name", "pk")
    groups: dict[str, MeasureGroup] = {}
    for measure in measures:
        analysis = measure_analysis(measure)
        group = groups.setdefault(measure.name, MeasureGroup(measure.name, 0, 0))
        group.practices += 1
        improving = analysis.has_improvement
        group.improving += improving
        group.multiples.append(
            (
                measure.plan.practice.name,
                mark_safe(  # qiproject.charts escapes every text it draws
                    charts.sparkline(
                        [row.value for row in analysis.rows],
                        label=f"{measure.name}: {measure.plan.practice.name}",
                        data_type=measure.data_type,
                        width=160,
                        height=40,
                    )
                ),
                improving,
            )
        )
    return list(groups.values())


def _funnels(programme: Programme, user, as_of: date) -> list[FunnelReport]:
    templates = AuditTemplate.objects.filter(
        versions__rounds__practice__programme=programme,
        versions__rounds__status=RoundStatus.COMPLETE,
    ).distinct()
    reports = []
    for template in templates.order_by("name"):
        for criterion in audit_selectors.funnel_criteria(template):
            result = audit_selectors.funnel(
                programme=programme, template=template, key=criterion.key, user=user, as_of=as_of
            )
            if result.points:
                ident = f"funnel-{template.pk}-{criterion.key}"
                reports.append(
                    FunnelReport(template, result, audit_figures.funnel_chart(result, ident))
                )
    return reports


def programme_report(*, user, pk: int, as_of: date) -> ProgrammeReport:
    """The programme's aggregates up to `as_of`, for whoever runs it (else 404); no group
    under SMALL_GROUP_MIN people is shown."""
    programme = get_object_or_404(Programme.objects.run_by(user), pk=pk)
    until = end_of_day(as_of)
    practices = list(
        Practice.objects.filter(programme=programme)
        .annotate(
            plans=Count("improvement_plans", filter=Q(improvement_plans__start_date__lte=as_of))
        )
        .order_by("name")
    )
    team, patient_reps, team_total = _team(programme, as_of)
    counts = fresh_counts(programme, now=min(timezone.now(), until), until=until)
    totals = programme_totals(counts)
    learning = _learning(programme)
    survey = Survey.objects.filter(programme=programme).first()
    followup = None
    if survey is not None:
        followup = followup_selectors.results_figures(
            followup_selectors.programme_results(survey=survey), ident="programme-factors"
        )
    attendance = [_group(label, people) for label, people, _ in totals.professions]
    return ProgrammeReport(
        programme=programme,
        as_of=as_of,
        practices=practices,
        engaged=sum(1 for p in practices if p.plans),
        team=team,
        patient_reps=patient_reps,
        team_total=team_total,
        totals=totals,
        cycles_chart=dashboard_figures.cycles_chart(totals.months, ident="report-cycles"),
        cycles_total=sum(m.started for m in totals.months),
        sessions=_sessions(programme, as_of),
        learning=learning["results"],
        learning_chart=learning["chart"],
        measure_groups=_measure_groups(programme, as_of),
        funnels=_funnels(programme, user, as_of),
        followup=followup,
        attendance=attendance,
    )


# A person's QI activity ---------------------------------------------------------------------


@dataclass
class Work:
    """One piece of work the person took part in, under an appraiser's headings."""

    kind: str
    pk: int
    title: str
    where: str
    when: date
    why: str
    done: list[str]
    results: list[MeasureReport] = field(default_factory=list)
    audits: list[AuditReport] = field(default_factory=list)
    no_results: str = "No measures for this piece of work."
    learned: str = ""
    next_steps: str = ""
    hours: float | None = None
    reflection: Reflection | None = None

    @property
    def kind_label(self) -> str:
        return WorkKind(self.kind).label


@dataclass
class Activity:
    start: date
    end: date
    works: list[Work]

    def of_kind(self, kind: str) -> list[Work]:
        return [work for work in self.works if work.kind == kind]

    @property
    def hours(self) -> float:
        return round(sum(work.hours or 0 for work in self.works), 1)


def _only(pk: int | None, field: str = "pk") -> dict:
    return {} if pk is None else {field: pk}


def _plans_of(user, start: date, end: date, only: int | None = None) -> list[Work]:
    plans = with_plan_work(
        ImprovementPlan.objects.visible_to(user)
        .filter(team=user, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .filter(**_only(only))
        .select_related("practice")
        .order_by("start_date", "pk"),
        as_of=end,
    )
    works = []
    for plan in plans:
        cycles = list(plan.cycles.all())
        aim = " ".join(p for p in (plan.aim_what, plan.aim_how_much) if p)
        works.append(
            Work(
                kind=WorkKind.PLAN,
                pk=plan.pk,
                title=plan.title,
                where=plan.practice.name,
                when=plan.start_date,
                why=plan.problem or aim,
                done=[
                    f"Aim: {aim}" if aim else "",
                    f"{len(cycles)} PDSA cycles; {len(plan.measures.all())} measures",
                    f"Status: {plan.get_status_display()}",
                ],
                results=[
                    measure_report(m, cycles, f"plan-{plan.pk}-measure-{m.pk}")
                    for m in plan.measures.all()
                ],
            )
        )
    return works


def _cycles_of(user, start: date, end: date, only: int | None = None) -> list[Work]:
    since, until = end_of_day(start - timedelta(days=1)), end_of_day(end)
    owned = Q(owner=user, created_at__lt=until, updated_at__gte=since)
    commented = Q(comments__author=user, comments__created_at__gte=since) & Q(
        comments__created_at__lt=until
    )
    pks = PDSACycle.objects.visible_to(user).filter(owned | commented, **_only(only)).values("pk")
    cycles = (
        PDSACycle.objects.filter(pk__in=pks)
        .select_related("plan__practice", "change_idea")
        .prefetch_related(
            "questions",
            Prefetch("measures", queryset=_with_data(Measure.objects.all(), end)),
        )
        .order_by("start_date", "created_at", "pk")
    )
    works = []
    for cycle in cycles:
        done = [f"Stage: {cycle.get_stage_display()}"]
        if cycle.owner_id == user.pk:
            done.append("Owned the cycle")
        done += [f"Predicted: {q.prediction} ({q.question})" for q in cycle.questions.all()]
        if cycle.what_happened:
            done.append(f"What happened: {cycle.what_happened}")
        if cycle.decision:
            done.append(f"Decision at Act: {cycle.get_decision_display()}")
        works.append(
            Work(
                kind=WorkKind.CYCLE,
                pk=cycle.pk,
                title=f"PDSA {cycle.number}: {cycle.title}",
                where=cycle.plan.practice.name,
                when=cycle.start_date or cycle.created_at.date(),
                why=cycle.objective,
                done=done,
                results=[
                    measure_report(m, [cycle], f"cycle-{cycle.pk}-measure-{m.pk}")
                    for m in cycle.measures.all()
                ],
                learned=cycle.learning,
                next_steps=cycle.next_changes,
            )
        )
    return works


def _measures_of(user, start: date, end: date, only: int | None = None) -> list[Work]:
    """Measures the person entered or corrected data for in the period (the data's history
    names who wrote each value), with how many periods and which."""
    since, until = end_of_day(start - timedelta(days=1)), end_of_day(end)
    entered = {
        row["measure_id"]: row
        for row in DataPoint.history.filter(
            history_user=user,
            history_type__in=["+", "~"],
            history_date__gte=since,
            history_date__lt=until,
            measure_id__in=Measure.objects.visible_to(user).values("pk"),
            **_only(only, "measure_id"),
        )
        .values("measure_id")
        .annotate(
            periods=Count("period", distinct=True),
            first=Min("period"),
            last=Max("period"),
            since=Min("history_date"),
        )
        .order_by()
    }
    cycles = PDSACycle.objects.filter(created_at__lt=until).order_by("start_date", "number")
    measures = _with_data(
        Measure.objects.filter(pk__in=list(entered))
        .select_related("plan__practice")
        .prefetch_related(Prefetch("cycles", queryset=cycles)),
        end,
    )
    works = []
    for measure in measures:
        row = entered[measure.pk]
        first, last = (format_period(row[p], measure.frequency) for p in ("first", "last"))
        span = first if first == last else f"{first} to {last}"
        periods = row["periods"]
        works.append(
            Work(
                kind=WorkKind.MEASURE,
                pk=measure.pk,
                title=f"Data for {measure.name}",
                where=measure.plan.practice.name,
                when=timezone.localtime(row["since"]).date(),
                why=measure.definition or f"A measure of the plan “{measure.plan.title}”.",
                done=[
                    f"Entered or corrected data for {periods} "
                    f"period{'' if periods == 1 else 's'}: {span}",
                    f"Plan: {measure.plan.title}",
                ],
                results=[
                    measure_report(
                        measure, list(measure.cycles.all()), f"data-{measure.pk}-measure"
                    )
                ],
            )
        )
    return sorted(works, key=lambda work: (work.when, work.pk))


def _audits_of(user, start: date, end: date, only: int | None = None) -> list[Work]:
    """Audit rounds in which the person entered (created or changed) cases in the period;
    cases entered before authors were kept count for nobody."""
    since, until = end_of_day(start - timedelta(days=1)), end_of_day(end)
    theirs = Q(cases__entered_by=user, cases__updated_at__gte=since) & Q(
        cases__updated_at__lt=until
    )
    rounds = list(
        AuditRound.objects.filter(
            pk__in=AuditRound.objects.visible_to(user).values("pk"), **_only(only)
        )
        .annotate(entered=Count("cases", filter=theirs))
        .filter(entered__gt=0)
        .select_related("practice", "template_version__template")
        .prefetch_related(
            Prefetch("template_version__criteria", queryset=Criterion.objects.order_by("position"))
        )
        .order_by("period_end", "pk")
    )
    results = audit_selectors.rounds_results([r for r in rounds if r.is_complete])
    works = []
    for audit_round in rounds:
        template = audit_round.template_version.template
        done = [
            f"Entered {audit_round.entered} of the {audit_round.sample_size} cases",
            f"Cases from {format_date(audit_round.period_start)} "
            f"to {format_date(audit_round.period_end)}",
        ]
        audits = []
        if audit_round.is_complete:
            done.append(f"Round complete on {format_date(audit_round.completed_at)}")
            ident = f"round-{audit_round.pk}-audit"
            audits = [_round_report(audit_round, results[audit_round.pk], ident)]
        works.append(
            Work(
                kind=WorkKind.AUDIT,
                pk=audit_round.pk,
                title=f"Clinical audit: {template.name}",
                where=audit_round.practice.name,
                when=audit_round.period_end,
                why=template.description,
                done=done,
                audits=audits,
                no_results="The round is not complete yet, so it has no results.",
            )
        )
    return works


def _workshops_of(user, start: date, end: date, only: int | None = None) -> list[Work]:
    since, until = end_of_day(start - timedelta(days=1)), end_of_day(end)
    attended = (
        Attendance.objects.filter(
            user=user, session__starts_at__gte=since, session__starts_at__lt=until
        )
        .filter(**_only(only, "session_id"))
        .select_related("session__programme")
        .order_by("session__starts_at")
    )
    works = []
    for attendance in attended:
        session = attendance.session
        hours = round((session.ends_at - session.starts_at).total_seconds() / 3600, 1)
        works.append(
            Work(
                kind=WorkKind.WORKSHOP,
                pk=session.pk,
                title=session.title,
                where=session.programme.name,
                when=session.starts_at.date(),
                why=session.learning_objectives,
                done=[f"Attended ({hours:g} hours)"],
                hours=hours,
            )
        )
    return works


def _visits_of(user, start: date, end: date, only: int | None = None) -> list[Work]:
    # Only what the visit was about: never its notes, private or not.
    visits = (
        Visit.objects.visible_to(user)
        .filter(visit_happened_q())
        .filter(Q(participants=user) | Q(facilitator=user))
        .filter(visited_on__gte=start, visited_on__lte=end, **_only(only))
        .select_related("practice")
        .distinct()
        .order_by("visited_on", "pk")
    )
    works = []
    for visit in visits:
        hours = round(visit.duration_minutes / 60, 1) if visit.duration_minutes else None
        works.append(
            Work(
                kind=WorkKind.VISIT,
                pk=visit.pk,
                title=f"Facilitation visit: {visit.topics}",
                where=visit.practice.name,
                when=visit.visited_on,
                why=visit.topics,
                done=[f"{visit.get_mode_display()} visit"]
                + ([f"{hours:g} hours"] if hours else []),
                hours=hours,
            )
        )
    return works


def qi_activity(*, user, start: date, end: date) -> Activity:
    """What the person took part in from `start` to `end`, each with their own reflection."""
    works = [
        *_plans_of(user, start, end),
        *_cycles_of(user, start, end),
        *_measures_of(user, start, end),
        *_audits_of(user, start, end),
        *_workshops_of(user, start, end),
        *_visits_of(user, start, end),
    ]
    reflections = {
        (r.kind, r.object_id): r
        for r in Reflection.objects.visible_to(user).filter(
            object_id__in={work.pk for work in works}
        )
    }
    for work in works:
        work.reflection = reflections.get((work.kind, work.pk))
    return Activity(start=start, end=end, works=works)


def work_taken_part_in(*, user, kind: str, pk: int) -> Work | None:
    """The piece of work, if the person took part in it (in any period), else None."""
    first, last = date(2000, 1, 1), date(2100, 12, 31)
    finder = {
        WorkKind.PLAN: _plans_of,
        WorkKind.CYCLE: _cycles_of,
        WorkKind.MEASURE: _measures_of,
        WorkKind.AUDIT: _audits_of,
        WorkKind.WORKSHOP: _workshops_of,
        WorkKind.VISIT: _visits_of,
    }.get(kind)
    if finder is None:
        return None
    return next(iter(finder(user, first, last, only=pk)), None)


def own_reflection(*, user, pk: int) -> Reflection:
    """One of the person's own reflections (anyone else's is a 404, staff included)."""
    return get_object_or_404(Reflection.objects.visible_to(user), pk=pk)


def reflection_for(*, user, kind: str, pk: int) -> Reflection | None:
    """The person's reflection on a piece of work, if they wrote one."""
    return Reflection.objects.visible_to(user).filter(kind=kind, object_id=pk).first()
