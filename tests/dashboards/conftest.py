"""Fixtures for the dashboards: a practice's improvement work, visits and workshops."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dashboards import selectors, totals
from pdsa import services as pdsa_services
from pdsa.models import Measure, PDSACycle, Stage
from practices.models import FacilitatorAssignment, Practice, Role
from tests.followup.factories import RecipientFactory, SurveyFactory
from tests.pdsa.factories import (
    DataPointFactory,
    DriverFactory,
    ImprovementPlanFactory,
    MeasureFactory,
    PDSACycleFactory,
)
from tests.practices.factories import (
    AgreedActionFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    PracticeFactory,
    UserFactory,
    VisitFactory,
)
from tests.workshops.factories import AttendanceFactory, WorkshopSessionFactory
from workshops.models import Attendance, LearningNeed

RISING = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 15, 16, 17, 18, 17, 18, 17, 18]


def add_work(practice, *, facilitator, plans=2, cycles=3, measures=2, survey=None):
    """Plans with cycles at each stage, measures with 20 months of data, a visit with actions,
    workshop attendance and a follow-up recipient: enough that an N+1 would show."""
    member = UserFactory()
    MembershipFactory(practice=practice, user=member, role=Role.NURSE)
    for p in range(plans):
        plan = ImprovementPlanFactory(practice=practice, title=f"Plan {p} of {practice.name}")
        plan.team.add(member)
        DriverFactory(plan=plan)
        stages = [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.COMPLETE]
        for c in range(cycles):
            PDSACycleFactory(plan=plan, stage=stages[c % len(stages)], start_date=date(2026, 1, 5))
        for m in range(measures):
            measure = MeasureFactory(plan=plan, name=f"Measure {m}", kind="outcome")
            for i, numerator in enumerate(RISING):
                DataPointFactory(
                    measure=measure,
                    period=date(2025 + i // 12, i % 12 + 1, 1),
                    numerator=numerator,
                    denominator=20,
                )
            pdsa_services.measure_summary_refresh(measure=measure)
    visit = VisitFactory(practice=practice, facilitator=facilitator, visited_on=date(2026, 11, 1))
    for days in (-3, 10):
        AgreedActionFactory(visit=visit, owner=member, due_on=date(2026, 11, 26) + timedelta(days))
    VisitFactory(  # planned: it must not count as the last visit
        practice=practice,
        facilitator=facilitator,
        visited_on=date(2026, 12, 1),
        duration_minutes=None,
        travel_minutes=0,
        notes="",
    )
    session = WorkshopSessionFactory(programme=practice.programme)
    AttendanceFactory(session=session, practice=practice, user=member, role=Role.NURSE)
    if survey is not None:
        RecipientFactory(survey=survey, practice=practice, user=member)


@pytest.fixture
def grow(programme, facilitator):
    """`grow(n)` gives the facilitator n more practices, each with its work."""
    survey = SurveyFactory(programme=programme)

    def _grow(count):
        for _ in range(count):
            practice = PracticeFactory(programme=programme)
            FacilitatorAssignmentFactory(practice=practice, facilitator=facilitator)
            add_work(practice, facilitator=facilitator, survey=survey)

    return _grow


@pytest.fixture
def upcoming_workshop(programme):
    return WorkshopSessionFactory(
        programme=programme, title="Next workshop", starts_at=datetime(2027, 1, 20, 13, tzinfo=UTC)
    )


def scanned(programme):
    """The totals by a scan of every row, as the dashboard counted them before (a second
    opinion that shares no code with dashboards.totals)."""
    now = timezone.now()
    cycles = PDSACycle.objects.filter(plan__practice__programme=programme)
    started = Counter()
    for row in cycles.annotate(m=TruncMonth("start_date")).values("m").annotate(n=Count("pk")):
        if row["m"] is not None:
            started[row["m"].isoformat()[:10]] += row["n"]
    completed = Counter()
    finished = cycles.filter(stage=Stage.COMPLETE, end_date__isnull=False)
    for row in finished.annotate(m=TruncMonth("end_date")).values("m").annotate(n=Count("pk")):
        completed[row["m"].isoformat()[:10]] += row["n"]
    decided = Counter(cycles.exclude(decision="").values_list("decision", flat=True))
    matrix = Counter(
        f"{v}|{a}"
        for v, a in Measure.objects.filter(plan__practice__programme=programme).values_list(
            "latest_variation", "latest_assurance"
        )
    )
    practices = selectors.dashboard_practices(
        Practice.objects.filter(programme=programme), today=timezone.localdate(now), now=now
    )
    attention = Counter()
    for practice in practices:
        attention["practices"] += 1
        attention["needing"] += practice.attention > 0
        for name in selectors.ATTENTION_COUNTS:
            attention[name] += getattr(practice, name)
    # Of its practices (one moved away takes its part with it).
    attendances = Attendance.objects.filter(
        session__programme=programme, practice__programme=programme
    )
    attended = Counter(attendances.values_list("role", flat=True))
    people = Counter(role for role, _ in set(attendances.values_list("role", "user_id")))
    confidence, answers = Counter(), Counter()
    for topic_id, round_, value in LearningNeed.objects.filter(
        topic__programme=programme, practice__programme=programme
    ).values_list("topic_id", "round", "confidence"):
        confidence[f"{topic_id}|{round_}"] += value
        answers[f"{topic_id}|{round_}"] += 1
    facilitators = Counter(
        str(pk)
        for pk in FacilitatorAssignment.objects.filter(
            practice__programme=programme, ended_on__isnull=True
        ).values_list("facilitator_id", flat=True)
    )
    return {
        group: {k: v for k, v in counter.items() if v}
        for group, counter in (
            ("started", started),
            ("completed", completed),
            ("decided", decided),
            ("matrix", matrix),
            ("attention", attention),
            ("people", people),
            ("attended", attended),
            ("confidence", confidence),
            ("answers", answers),
            ("facilitators", facilitators),
        )
    }


def check_kept_totals(programme):
    """The kept totals equal the totals counted afresh and a scan of every row."""
    now = timezone.now()
    kept = totals.kept_counts(programme, now=now)
    assert kept == totals.fresh_counts(programme, now=now) == scanned(programme)
