"""Reads of sessions, registers, feedback and learning needs, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from practices.models import Membership, Practice, Programme, Role
from workshops.models import (
    Attendance,
    Feedback,
    Invitation,
    LearningNeed,
    LearningTopic,
    Response,
    Round,
    WorkshopSession,
)

PROFESSIONS = [(value, label) for value, label in Role.choices if value != Role.PATIENT_REP]


def mean(values: list[int]) -> float | None:
    """The mean to one decimal place, or None for no values."""
    return round(sum(values) / len(values), 1) if values else None


def session_list(*, user):
    """Sessions the user can see, with invitation, answer and attendance counts."""
    return (
        WorkshopSession.objects.visible_to(user)
        .select_related("programme")
        .annotate(
            invited=Count("invitations", distinct=True),
            coming=Count(
                "invitations", filter=Q(invitations__response=Response.YES), distinct=True
            ),
            attended=Count("attendances", distinct=True),
        )
        .order_by("starts_at")
    )


def session_detail(*, user, pk: int) -> WorkshopSession:
    """One session the user can see, with facilitators, evidence and materials loaded."""
    queryset = (
        WorkshopSession.objects.visible_to(user)
        .select_related("programme")
        .prefetch_related("facilitators", "evidence", "materials", "agenda_topics")
    )
    return get_object_or_404(queryset, pk=pk)


@dataclass
class PracticeAttendance:
    """Who took part from one practice: counts by profession and patient representatives."""

    practice: Practice
    by_role: dict = field(default_factory=dict)
    patient_reps: int = 0
    invited: int = 0

    @property
    def professions(self) -> list[tuple[str, int]]:
        return [(label, self.by_role.get(value, 0)) for value, label in PROFESSIONS]

    @property
    def total(self) -> int:
        return sum(self.by_role.values()) + self.patient_reps


def attendance_by_practice(*, session: WorkshopSession, user) -> list[PracticeAttendance]:
    """Per practice the user can see: which professions and patient reps attended."""
    practices = list(
        Practice.objects.visible_to(user).filter(programme=session.programme).order_by("name")
    )
    rows = {practice.pk: PracticeAttendance(practice=practice) for practice in practices}
    for attendance in Attendance.objects.filter(session=session, practice_id__in=rows):
        row = rows[attendance.practice_id]
        if attendance.role == Role.PATIENT_REP:
            row.patient_reps += 1
        else:
            row.by_role[attendance.role] = row.by_role.get(attendance.role, 0) + 1
    invited = (
        Invitation.objects.filter(session=session, practice_id__in=rows)
        .values("practice_id")
        .annotate(n=Count("pk"))
    )
    for entry in invited:
        rows[entry["practice_id"]].invited = entry["n"]
    return list(rows.values())


def register(*, session: WorkshopSession) -> list[dict]:
    """The invitees grouped by practice, with whether each attended, for the register form."""
    present = set(session.attendances.values_list("user_id", flat=True))
    groups = defaultdict(list)
    for invitation in session.invitations.select_related("user", "practice").order_by(
        "practice__name", "user__full_name"
    ):
        groups[invitation.practice].append(
            {"invitation": invitation, "attended": invitation.user_id in present}
        )
    return [{"practice": practice, "people": people} for practice, people in groups.items()]


@dataclass
class FeedbackSummary:
    count: int
    usefulness: float | None
    confidence: float | None
    usefulness_counts: list[int]
    confidence_counts: list[int]
    comments: list[str]


def feedback_summary(*, session: WorkshopSession) -> FeedbackSummary:
    """Mean ratings, how many gave each rating, and the comments (without names)."""
    return feedback_summaries(sessions=[session])[session.pk]


def feedback_summaries(*, sessions) -> dict[int, FeedbackSummary]:
    """feedback_summary of each session, by session id, in one query."""
    rows = defaultdict(list)
    for feedback in Feedback.objects.filter(session__in=list(sessions)).order_by("submitted_at"):
        rows[feedback.session_id].append(feedback)
    return {session.pk: _feedback_summary(rows[session.pk]) for session in sessions}


def _feedback_summary(rows) -> FeedbackSummary:
    return FeedbackSummary(
        count=len(rows),
        usefulness=mean([f.usefulness for f in rows]),
        confidence=mean([f.confidence for f in rows]),
        usefulness_counts=[sum(1 for f in rows if f.usefulness == n) for n in range(1, 6)],
        confidence_counts=[sum(1 for f in rows if f.confidence == n) for n in range(1, 6)],
        comments=[f.comments for f in rows if f.comments.strip()],
    )


@dataclass
class TopicResult:
    topic: LearningTopic
    before: float | None
    after: float | None
    before_n: int
    after_n: int
    sessions: list = field(default_factory=list)  # the sessions whose agenda addresses it

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


def learning_needs_results(
    *, programme, practice: Practice | None = None, kept: dict | None = None
) -> list[TopicResult]:
    """Mean confidence per topic before and after the workshops, weakest (before) first.

    The one definition of the learning-needs results: the workshops page and the programme
    dashboard both show these. Two queries; the database sums and counts. The programme
    dashboard passes its kept totals (dashboards.totals, `kept`: confidence summed and
    answers counted by "topic id|round"), and then only the topics are read.
    """
    if kept is not None:
        sums = {
            (int(key.split("|")[0]), key.split("|")[1]): (total, kept["answers"].get(key, 0))
            for key, total in kept["confidence"].items()
        }
    else:
        answers = LearningNeed.objects.filter(topic__programme=programme)
        if practice is not None:
            answers = answers.filter(practice=practice)
        sums = {
            (row["topic_id"], row["round"]): (row["total"], row["count"])
            for row in answers.values("topic_id", "round")
            .annotate(total=Sum("confidence"), count=Count("pk"))
            .order_by()
        }
    # Means from sums, the same whichever way they were counted.
    means = {key: (total / count, count) for key, (total, count) in sums.items() if count}
    results = []
    topics = LearningTopic.objects.filter(programme=programme).prefetch_related(
        Prefetch("sessions", queryset=WorkshopSession.objects.order_by("starts_at"))
    )
    for topic in topics:
        before, before_n = means.get((topic.pk, Round.BEFORE), (None, 0))
        after, after_n = means.get((topic.pk, Round.AFTER), (None, 0))
        results.append(
            TopicResult(
                topic=topic,
                before=round(before, 1) if before is not None else None,
                after=round(after, 1) if after is not None else None,
                before_n=before_n,
                after_n=after_n,
                sessions=list(topic.sessions.all()),
            )
        )
    # Weakest first; topics nobody has rated yet go last.
    return sorted(
        results,
        key=lambda r: (r.before is None, r.before if r.before is not None else 0, r.topic.position),
    )


def weakest_learning_needs(results: list[TopicResult], count: int = 3) -> list[TopicResult]:
    """The weakest rated topics of learning_needs_results (which orders them), for planning."""
    return [result for result in results if result.before is not None][:count]


def session_learning_needs(*, session: WorkshopSession) -> list[TopicResult]:
    """The learning needs a session's agenda addresses, with their before/after results."""
    chosen = {topic.pk for topic in session.agenda_topics.all()}
    if not chosen:
        return []
    results = learning_needs_results(programme=session.programme)
    return [result for result in results if result.topic.pk in chosen]


def learning_needs_by_practice(*, programme, user) -> list[dict]:
    """Mean 'before' confidence per practice (that the user can see) and topic."""
    practices = list(Practice.objects.visible_to(user).filter(programme=programme).order_by("name"))
    topics = list(LearningTopic.objects.filter(programme=programme))
    values = defaultdict(list)
    answers = LearningNeed.objects.filter(
        topic__programme=programme, round=Round.BEFORE, practice__in=practices
    ).values_list("practice_id", "topic_id", "confidence")
    for practice_id, topic_id, confidence in answers:
        values[(practice_id, topic_id)].append(confidence)
    return [
        {
            "practice": practice,
            "means": [mean(values[(practice.pk, topic.pk)]) for topic in topics],
        }
        for practice in practices
    ]


def my_learning_needs(*, user, programme, round: str) -> dict[int, int]:
    """The user's answers for a round, by topic id (to prefill the form)."""
    return dict(
        LearningNeed.objects.filter(user=user, round=round, topic__programme=programme).values_list(
            "topic_id", "confidence"
        )
    )


def programmes_run_by(*, user) -> list[Programme]:
    """The programmes the user runs, by name (they may add sessions to these)."""
    return list(Programme.objects.run_by(user).order_by("name"))


def has_attended(*, session: WorkshopSession, user) -> bool:
    """Whether the register shows the user at the session."""
    return session.attendances.filter(user=user).exists()


def feedback_of(*, session: WorkshopSession, user) -> Feedback | None:
    """The feedback the user gave on the session, if any."""
    return Feedback.objects.filter(session=session, user=user).first()


def member_practice(*, user, programme) -> Practice | None:
    """The user's practice in the programme (the first by name if they belong to several)."""
    membership = (
        Membership.objects.filter(user=user, practice__programme=programme)
        .select_related("practice")
        .order_by("practice__name")
        .first()
    )
    return membership.practice if membership else None


def programme_practices(*, programme, user):
    """The practices of the programme the user may see, by name."""
    return Practice.objects.visible_to(user).filter(programme=programme).order_by("name")


def learning_topics(*, programme) -> list[LearningTopic]:
    """The programme's learning-needs topics."""
    return list(LearningTopic.objects.filter(programme=programme))


def invitation_for(*, session: WorkshopSession, user) -> Invitation | None:
    """The user's invitation to the session, if they have one."""
    return Invitation.objects.filter(session=session, user=user).first()


@dataclass
class SeriesAttendance:
    """One practice across the whole series: people reached by role, and numbers per session."""

    practice: Practice
    by_role: dict = field(default_factory=dict)
    patient_reps: int = 0
    per_session: list = field(default_factory=list)

    @property
    def professions(self) -> list[tuple[str, int]]:
        return [(label, self.by_role.get(value, 0)) for value, label in PROFESSIONS]


def series_attendance(
    *, programme, user, practice: Practice | None = None, until: datetime | None = None
) -> tuple[list[WorkshopSession], list[SeriesAttendance]]:
    """For the practices the user can see (or this one of them): who the series reached, and
    attendance per session (of the sessions starting before `until`, when given)."""
    sessions = WorkshopSession.objects.filter(programme=programme).order_by("starts_at")
    if until is not None:
        sessions = sessions.filter(starts_at__lt=until)
    sessions = list(sessions)
    practices = Practice.objects.visible_to(user).filter(programme=programme).order_by("name")
    if practice is not None:
        practices = practices.filter(pk=practice.pk)
    practices = list(practices)
    rows = {practice.pk: SeriesAttendance(practice=practice) for practice in practices}
    people = defaultdict(set)
    counts = defaultdict(int)
    attendances = Attendance.objects.filter(
        session__in=[session.pk for session in sessions], practice_id__in=rows
    ).values_list("practice_id", "session_id", "user_id", "role")
    for practice_id, session_id, user_id, role in attendances:
        people[(practice_id, role)].add(user_id)
        counts[(practice_id, session_id)] += 1
    for practice_id, row in rows.items():
        for value, _label in PROFESSIONS:
            row.by_role[value] = len(people[(practice_id, value)])
        row.patient_reps = len(people[(practice_id, Role.PATIENT_REP)])
        row.per_session = [counts[(practice_id, session.pk)] for session in sessions]
    return sessions, list(rows.values())


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def sessions_starting(*, programme_ids, first_day: date, days: int) -> list[WorkshopSession]:
    """Sessions of these programmes starting in the `days` days from `first_day` (one query)."""
    return list(
        WorkshopSession.objects.filter(
            programme_id__in=list(programme_ids),
            starts_at__gte=_local_midnight(first_day),
            starts_at__lt=_local_midnight(first_day + timedelta(days=days)),
        )
        .select_related("programme")
        .order_by("starts_at", "pk")
    )


def invitations_to_remind(*, today: date, days_ahead: int = 7) -> list[tuple[Invitation, int]]:
    """Invitations to sessions starting in the next `days_ahead` days, with the days left.

    Everyone invited who has not answered "no" (and is still active), in one query.
    """
    invitations = (
        Invitation.objects.filter(
            session__starts_at__gte=_local_midnight(today + timedelta(days=1)),
            session__starts_at__lt=_local_midnight(today + timedelta(days=days_ahead + 1)),
            user__is_active=True,
        )
        .exclude(response=Response.NO)
        .select_related("session__programme", "user")
        .order_by("session__starts_at", "session_id", "user_id")
    )
    return [
        (invitation, (timezone.localdate(invitation.session.starts_at) - today).days)
        for invitation in invitations
    ]
