"""Workshop demo: a past series of five sessions with answers, a register, feedback and the
learning-needs ratings before and after. Everything is fictional and deterministic (choices
come from a checksum of names, not from chance); a second run changes nothing.
"""

import zlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from evidence.models import EvidenceItem, Status
from practices.models import Membership, Role
from workshops import services
from workshops.models import Feedback, LearningNeed, LearningTopic, Response, Round, WorkshopSession

LONDON = ZoneInfo("Europe/London")
COMMENTS = [
    "More time for practising with cases would help.",
    "Hearing the patient representatives' view changed how I explain scans.",
    "Useful to agree one message on self-management as a whole team.",
    "The myths quiz was a good way in; would like the slides afterwards.",
    "Could we have a shorter session for reception staff?",
    "Clear on the evidence; less clear how to record it in our system.",
    "Good mix of clinicians and non-clinicians in the small groups.",
]

TOPICS = [
    "Recognising red flags",
    "Risk stratification",
    "Giving self-management advice",
    "When to refer to physiotherapy",
    "When to refer for psychological support or CBT",
    "Pain medication evidence",
    "QI methods (PDSA, measures)",
    "Involving patients",
]
# Typical starting confidence per topic (the demo's weakest are stratification, CBT and QI).
BASELINE = [3, 2, 3, 3, 2, 3, 1, 2]

SESSIONS = [
    {
        "title": "Workshop 1: what we know about back pain",
        "agenda": "Welcome and introductions\nBack pain myths quiz\nThe evidence in brief\n"
        "What patients told us\nPlanning our first steps",
        "objectives": "Describe the natural history of low back pain\n"
        "Challenge common myths with the evidence",
        "evidence": ["myth-1", "myth-2", "myth-4", "cochrane-bed-rest", "ng59"],
    },
    {
        "title": "Workshop 2: assessment, red flags and stratification",
        "agenda": "Red flags: reasoning, not a checklist\nSTarT Back: scoring and strata\n"
        "Practising with cases\nMatching care to risk",
        "objectives": "Recognise features of serious pathology\n"
        "Stratify risk at first contact and match care to it",
        "evidence": [
            "red-flags-cauda-equina",
            "red-flags-cancer",
            "ifompt-red-flags",
            "start-back",
            "hill-2011",
            "ng59-1-1-2",
        ],
    },
    {
        "title": "Workshop 3: self-management, exercise and psychological care",
        "agenda": "Advice that helps people self-manage\nGroup exercise locally\n"
        "Psychologically informed care and referral for CBT\nPatient information review",
        "objectives": "Give consistent self-management advice\n"
        "Know when to refer to physiotherapy and psychological support",
        "evidence": ["ng59-1-2-1", "ng59-1-2-2", "ng59-psychological", "myth-5", "qs155-3"],
    },
    {
        "title": "Workshop 4: medicines, imaging and what not to do",
        "agenda": "Paracetamol, NSAIDs and opioids: the evidence\nImaging: when it helps\n"
        "Treatments not to offer\nAudit criteria from QS155",
        "objectives": "Explain the evidence on pain medicines\nReduce imaging without suspicion",
        "evidence": [
            "cochrane-paracetamol",
            "cochrane-opioids",
            "ng59-medicines",
            "ng59-1-1-4",
            "brinjikji-2015",
            "qs155-2",
            "qs155-4",
            "qs155-5",
        ],
    },
    {
        "title": "Workshop 5: improvement methods and sharing results",
        "agenda": "PDSA cycles and run charts\nPractices share their changes\n"
        "Keeping changes going\nNext steps and follow-up",
        "objectives": "Plan a PDSA cycle with a measure\nSustain changes after the programme",
        "evidence": ["lancet-2018", "qs155-1"],
    },
]


def _pick(*parts) -> int:
    """A stable number 0-99 from names, so the demo is the same on every run."""
    return zlib.crc32("|".join(str(p) for p in parts).encode()) % 100


def _session_times(programme, index: int, count: int) -> tuple[datetime, datetime]:
    span = (programme.final_workshop_date - programme.start_date).days
    day = programme.start_date + timedelta(days=round(span * index / max(count - 1, 1)))
    # Workshops run on weekdays: a weekend date moves to the Monday, or the Friday for the last.
    if day.weekday() >= 5:
        last = index == count - 1
        day += timedelta(days=-(day.weekday() - 4) if last else 7 - day.weekday())
    start = datetime.combine(day, time(13, 30), tzinfo=LONDON)
    return start, start + timedelta(hours=3)


def _response(email: str, title: str) -> str:
    n = _pick(email, title)
    return Response.YES if n < 70 else Response.MAYBE if n < 82 else Response.NO


@transaction.atomic
def seed(programme) -> None:
    """Create the demo series, answers, registers, feedback and learning needs (idempotent)."""
    lead = programme.leads.order_by("pk").first()
    if lead is None:
        return
    _seed_topics(programme)
    facilitators = {
        a.facilitator
        for practice in programme.practices.all()
        for a in practice.facilitator_assignments.filter(ended_on__isnull=True)
    }
    evidence = {item.key: item for item in EvidenceItem.objects.filter(status=Status.PUBLISHED)}
    for index, spec in enumerate(SESSIONS):
        session = WorkshopSession.objects.filter(programme=programme, title=spec["title"]).first()
        if session is None:
            starts_at, ends_at = _session_times(programme, index, len(SESSIONS))
            session = services.session_create(
                programme=programme,
                title=spec["title"],
                starts_at=starts_at,
                ends_at=ends_at,
                venue="Seminar room, Bournemouth University Lansdowne campus (fictional booking)",
                agenda=spec["agenda"],
                learning_objectives=spec["objectives"],
                facilitators=sorted(facilitators, key=lambda u: u.email),
                evidence=[evidence[key] for key in spec["evidence"] if key in evidence],
            )
        _seed_session_people(session, lead)
    _seed_learning_needs(programme)


def _seed_topics(programme) -> None:
    existing = set(programme.learning_topics.values_list("name", flat=True))
    for name in TOPICS:
        if name not in existing:
            services.learning_topic_add(programme=programme, name=name)


def _seed_session_people(session, lead) -> None:
    services.session_invite(session=session, send=False)
    invitations = list(session.invitations.select_related("user"))
    for invitation in invitations:
        if invitation.response == Response.PENDING:
            services.invitation_respond(
                invitation=invitation,
                response=_response(invitation.user.email, session.title),
            )
    if not session.has_happened:
        return
    if not session.attendances.exists():
        attended = {
            i.user_id
            for i in session.invitations.select_related("user")
            if (i.response == Response.YES and _pick(i.user.email, session.title, "no-show") < 90)
            or (i.response == Response.MAYBE and _pick(i.user.email, session.title) % 2 == 0)
        }
        services.attendance_record(session=session, by=lead, user_ids=attended)
    given = set(Feedback.objects.filter(session=session).values_list("user_id", flat=True))
    for attendance in session.attendances.select_related("user"):
        if attendance.user_id in given or _pick(attendance.user.email, "feedback") >= 75:
            continue
        n = _pick(attendance.user.email, session.title, "rating")
        services.feedback_submit(
            session=session,
            user=attendance.user,
            usefulness=5 if n < 45 else 4 if n < 85 else 3,
            confidence=5 if n < 25 else 4 if n < 75 else 3,
            comments=COMMENTS[n % len(COMMENTS)] if n % 4 == 0 else "",
        )


def _seed_learning_needs(programme) -> None:
    topics = list(LearningTopic.objects.filter(programme=programme, name__in=TOPICS))
    answered = set(
        LearningNeed.objects.filter(topic__programme=programme).values_list("user_id", "round")
    )
    memberships = Membership.objects.filter(practice__programme=programme).select_related(
        "user", "practice"
    )
    final = datetime.combine(programme.final_workshop_date, time(17, 0), tzinfo=LONDON)
    before_at = datetime.combine(programme.start_date, time(9, 0), tzinfo=LONDON) - timedelta(7)
    for membership in memberships:
        user = membership.user
        # Patient representatives rate fewer clinical topics confidently; clinicians vary.
        shift = -1 if membership.role == Role.PATIENT_REP else 0
        for round_, when in ((Round.BEFORE, before_at), (Round.AFTER, final + timedelta(14))):
            if (user.pk, round_) in answered:
                continue
            answers = {}
            for topic in topics:
                base = BASELINE[TOPICS.index(topic.name)] + shift
                wobble = _pick(user.email, topic.name, round_) % 3 - 1
                gain = 0 if round_ == Round.BEFORE else 1 + _pick(user.email, topic.name) % 2
                answers[topic.pk] = min(5, max(1, base + wobble + gain))
            services.learning_needs_answer(
                user=user,
                practice=membership.practice,
                round=round_,
                answers=answers,
                when=when,
            )
