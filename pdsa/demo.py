"""Fictional improvement work for the back-pain demo: the measure library, and for each of
the nine demo practices a plan, a driver diagram, measures with monthly data and PDSA ramps.

Deterministic (each practice has its own seeded random.Random) and idempotent: library
measures are found by topic and name, and a practice that already has the demo plan is left
alone. All writes go through the services, so the cycles carry a real edit history.

Change ideas and cycles cite evidence items found by their `key` (the evidence demo runs
first). Four practices share an idea in the ideas exchange, with comments and one copy; the
exchange is found by its ideas' titles, so it too is seeded once.
"""

import random
from datetime import date

from django.db import transaction

from evidence.models import EvidenceItem
from pdsa import services
from pdsa.models import (
    ChangeIdea,
    IdeaComment,
    ImprovementPlan,
    LibraryMeasure,
    PDSACycle,
    SharedIdea,
    Stage,
)
from practices.freshness import practices_changed
from practices.models import Membership, Role
from qiproject.dates import add_months, month_start

PLAN_TITLE = "Evidence-based care for low back pain"
TOPIC = "Low back pain"
SOURCE = "NICE QS155 and NG59 (audit criteria)"

# name, kind, data type, improvement, suggested target, definition, numerator, denominator
LIBRARY = [
    (
        "Self-management advice given",
        "outcome",
        "proportion",
        "increase",
        80,
        "Adults consulting with a new episode of low back pain whose record shows verbal "
        "or written self-management advice (staying active, exercise, reassurance).",
        "Consultations with self-management advice recorded",
        "Consultations for a new episode of low back pain",
    ),
    (
        "Risk stratification recorded",
        "process",
        "proportion",
        "increase",
        70,
        "New episodes of low back pain with a STarT Back score or other stratification "
        "recorded at the first consultation.",
        "Episodes with a stratification score recorded",
        "New episodes of low back pain",
    ),
    (
        "Imaging without a red flag",
        "outcome",
        "proportion",
        "decrease",
        10,
        "Lumbar spine imaging requested in primary care without a recorded suspicion of "
        "serious pathology (red flag).",
        "Imaging requests with no red flag recorded",
        "Imaging requests for low back pain",
    ),
    (
        "Physiotherapy referrals matched to risk",
        "process",
        "proportion",
        "increase",
        75,
        "Physiotherapy referrals for low back pain where the referral matches the risk "
        "stratum (medium or high risk, or low risk not improving).",
        "Referrals matching the risk stratum",
        "Physiotherapy referrals for low back pain",
    ),
    (
        "Referrals for CBT or psychological support",
        "process",
        "count",
        "increase",
        None,
        "Referrals of people with persistent low back pain to CBT-based or psychological "
        "support (including combined physical and psychological programmes), per month.",
        "",
        "",
    ),
    (
        "Cancelled appointments",
        "balancing",
        "count",
        "decrease",
        None,
        "Back-pain related appointments cancelled by the practice or the patient, per month "
        "(a balancing measure: longer first consultations must not crowd others out).",
        "",
        "",
    ),
    (
        "Management plans agreed with the patient",
        "process",
        "proportion",
        "increase",
        60,
        "Consultations for low back pain whose record shows a management plan agreed "
        "with the person.",
        "Consultations with an agreed management plan recorded",
        "Consultations for low back pain",
    ),
    (
        "Opioids for chronic low back pain",
        "outcome",
        "proportion",
        "decrease",
        15,
        "People with chronic low back pain (over 3 months) issued an opioid prescription "
        "in the month.",
        "People with chronic low back pain issued an opioid",
        "People with chronic low back pain consulting in the month",
    ),
    (
        "Red-flag assessment recorded",
        "process",
        "proportion",
        "increase",
        90,
        "Consultations for a new episode of low back pain with a red-flag assessment recorded.",
        "Consultations with a red-flag assessment recorded",
        "Consultations for a new episode of low back pain",
    ),
    (
        "Cauda equina safety-netting recorded",
        "process",
        "proportion",
        "increase",
        90,
        "Consultations for low back pain with safety-netting advice about cauda equina "
        "symptoms recorded.",
        "Consultations with cauda equina safety-netting recorded",
        "Consultations for low back pain",
    ),
]

DRIVERS = [
    (
        "Clinicians give consistent, evidence-based first-contact care",
        [
            ("Clinicians know the NICE recommendations", ["Lunchtime learning session on NG59"]),
            (
                "Stratification is quick to do in the consultation",
                ["STarT Back template on the clinical system", "Laminated STarT Back card"],
            ),
        ],
    ),
    (
        "People with back pain understand and manage their condition",
        [
            (
                "Advice is easy to take home",
                ["Self-management leaflet in every room", "Text message with exercise video"],
            ),
        ],
    ),
    (
        "Referrals and prescribing follow the risk stratum",
        [
            ("Physiotherapy pathway matched to risk", ["Direct physio booking for medium risk"]),
            ("Opioids reviewed for chronic pain", ["Pharmacist-led opioid review clinic"]),
        ],
    ),
]

RAMP_TEXTS = [
    (
        "Two GPs hand out the leaflet for a week",
        "The leaflet was handed out in most consultations; two were missed on busy days.",
        "Leaflets ran out on the Thursday. Patients liked the exercise pictures.",
        "Most people took the leaflet; supply needs planning.",
    ),
    (
        "All GPs hand out the leaflet for two weeks",
        "All six GPs used the leaflet; a stock box was kept at reception.",
        "Locums did not know about it.",
        "Works across GPs; locum induction pack needs a line about it.",
    ),
    (
        "Nurses and physios join in for a month",
        "Nurses and the first-contact physio gave the leaflet and recorded the advice code.",
        "Recording the code was the hardest part.",
        "Advice recording rose; the code is now on the template.",
    ),
    (
        "Keep going and check each month",
        "The monthly search showed the change held.",
        "One dip during the holiday period.",
        "The change is part of routine care.",
    ),
]


# Evidence keys cited by the change ideas (by title) of every demo plan.
IDEA_EVIDENCE = {
    "Lunchtime learning session on NG59": ["ng59"],
    "STarT Back template on the clinical system": ["ng59-1-1-2", "start-back", "qs155-1"],
    "Laminated STarT Back card": ["start-back"],
    "Self-management leaflet in every room": ["ng59-1-2-1", "qs155-3"],
    "Direct physio booking for medium risk": ["ng59-1-1-3", "hill-2011"],
    "Pharmacist-led opioid review clinic": ["cochrane-opioids", "qs155-5"],
}
CYCLE_EVIDENCE = {"leaflet": ["ng59-1-2-1"], "template": ["start-back"]}

NEW_IDEA = "Physiotherapy self-referral card at reception"
# (practice number, idea title, what others should know)
SHARES = [
    (
        1,
        "Self-management leaflet in every room",
        "Plan the leaflet supply and tell locums: those were our two surprises.",
    ),
    (
        2,
        NEW_IDEA,
        "Reception staff liked having something to hand over; medium-risk people booked "
        "themselves in within the week.",
    ),
    (
        3,
        "Text message with exercise video",
        "Check your messaging contract before you start: ours could not send links.",
    ),
    (4, "Pharmacist-led opioid review clinic", ""),
]
# (practice number of the commenter, practice number of the shared idea, role, comment)
COMMENTS = [
    (2, 1, "team", "We tried a leaflet too: a stock box at reception solved supply for us."),
    (1, 2, "patient_rep", "As a patient I would find a card easier than a phone call."),
    (5, 3, "team", "Thanks: we will check our contract before trying this."),
]
COPY = (5, 2)  # practice 5 copies practice 2's shared idea


def _evidence(keys) -> list[EvidenceItem]:
    return list(EvidenceItem.objects.filter(key__in=keys, status="published"))


def _month(day: date, offset: int) -> date:
    return month_start(add_months(day, offset))


@transaction.atomic
def seed_library() -> list[LibraryMeasure]:
    """The back-pain measure library (from the QS155/NG59 audit criteria)."""
    measures = []
    for name, kind, data_type, improvement, target, definition, num, den in LIBRARY:
        existing = LibraryMeasure.objects.filter(clinical_topic=TOPIC, name=name).first()
        measures.append(
            existing
            or services.library_measure_create(
                clinical_topic=TOPIC,
                name=name,
                kind=kind,
                data_type=data_type,
                improvement=improvement,
                suggested_target=target,
                definition=definition,
                numerator=num,
                denominator=den,
                frequency="monthly",
                source=SOURCE,
            )
        )
    return measures


def seed(programme) -> None:
    """Seed the library and each demo practice's improvement work (once)."""
    library = {m.name: m for m in seed_library()}
    for number, practice in enumerate(programme.practices.order_by("ods_code"), start=1):
        if not ImprovementPlan.objects.filter(practice=practice, title=PLAN_TITLE).exists():
            _seed_practice(programme, practice, number, library)
    _seed_exchange(programme)


@transaction.atomic
def _seed_practice(programme, practice, number: int, library) -> None:
    rng = random.Random(f"qiproject-demo-pdsa-{practice.ods_code}")
    members = list(
        Membership.objects.filter(practice=practice).select_related("user").order_by("pk")
    )
    team = [m.user for m in members if m.role != Role.PATIENT_REP]
    reps = [m.user for m in members if m.role == Role.PATIENT_REP]
    facilitator = practice.facilitator_assignments.filter(ended_on__isnull=True).first()
    lead_user = team[0]
    end = _month(programme.follow_up_due_date, -1)
    months = 18 + (number * 5) % 13  # 18 to 30 months of data
    first = _month(end, -(months - 1))
    change_month = _month(programme.start_date, 3)
    change_index = max(
        8, min(months - 8, (change_month.year - first.year) * 12 + change_month.month - first.month)
    )
    plan = services.plan_create(
        practice=practice,
        team=team[:5],
        title=PLAN_TITLE,
        problem="Audit showed few people with back pain get self-management advice, and "
        "imaging and opioids are used more than the guidance supports.",
        aim_what="Every adult with a new episode of low back pain gets evidence-based care: "
        "stratified, advised to stay active, and referred or prescribed by risk.",
        aim_for_whom="Adults consulting with low back pain",
        aim_how_much="Self-management advice from about 25% to 80%",
        aim_by_when=programme.follow_up_due_date,
        how_we_will_know="Monthly searches of the measures below, plotted as run and SPC charts.",
        changes_to_try="The change ideas on the driver diagram, tested in PDSA ramps.",
        status="sustaining" if number % 3 == 0 else "active",
        start_date=first,
    )
    ideas = []
    for primary_text, secondaries in DRIVERS:
        primary = services.driver_add(plan=plan, text=primary_text)
        for secondary_text, idea_titles in secondaries:
            secondary = services.driver_add(plan=plan, text=secondary_text, parent=primary)
            for title in idea_titles:
                ideas.append(
                    services.change_idea_add(
                        plan=plan,
                        driver=secondary,
                        title=title,
                        evidence=_evidence(IDEA_EVIDENCE.get(title, [])),
                    )
                )

    improving = {"Self-management advice given"} | (
        {"Imaging without a red flag"} if number % 2 else {"Risk stratification recorded"}
    )
    names = [
        "Self-management advice given",
        "Risk stratification recorded" if number % 2 == 0 else "Imaging without a red flag",
        "Cancelled appointments",
        "Opioids for chronic low back pain",
        "Referrals for CBT or psychological support",
    ][: 3 + number % 3]
    measures = []
    for name in names:
        measure = services.measure_adopt(plan=plan, library_measure=library[name])
        _seed_data(measure, rng, first, months, change_index, name in improving, lead_user)
        measures.append(measure)
    advice = measures[0]
    if number == 3:
        # One practice shows a confirmed rebase at its adopted change.
        services.measure_rebase(
            measure=advice,
            version=advice.version,
            period=_month(first, change_index),
            reason="Leaflet adopted by all clinicians (PDSA ramp on self-management advice).",
        )
    _seed_cycles(plan, ideas, measures, team, lead_user, rng, number, first, change_index)
    cycle = plan.cycles.order_by("created_at").first()
    if facilitator:
        services.cycle_comment_add(
            cycle=cycle,
            author=facilitator.facilitator,
            body="Good first test. Could the next cycle include the nurses?",
        )
    if reps:
        services.cycle_comment_add(
            cycle=cycle,
            author=reps[0],
            body="From a patient's view the leaflet pictures were the most useful part.",
        )
    services.plan_set_progress_score(plan=plan, score=["2.5", "3.0", "3.5"][number % 3])


def _seed_data(measure, rng, first, months, change_index, improves, user) -> None:
    for i in range(months):
        period = _month(first, i)
        after = improves and i >= change_index
        if measure.is_proportion:
            denominator = rng.randint(28, 60)
            base = {"increase": 0.25, "decrease": 0.35}.get(measure.improvement, 0.3)
            shift = 0.35 if measure.improvement == "increase" else -0.2
            p = base + (shift if after else 0)
            numerator = sum(1 for _ in range(denominator) if rng.random() < p)
            services.data_point_record(
                measure=measure,
                period=period,
                numerator=numerator,
                denominator=denominator,
                user=user,
            )
        else:
            mean = 6 if measure.improvement == "increase" else 9
            mean += (4 if measure.improvement == "increase" else -3) if after else 0
            value = max(0, round(rng.gauss(mean, 1.8)))
            services.data_point_record(measure=measure, period=period, value=value, user=user)


def _walk(cycle, user, stage, texts, decision="adapt", next_changes="") -> PDSACycle:
    """Fill the worksheet and advance the cycle up to `stage` through the services."""
    objective, happened, observed, learned = texts
    order = [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.COMPLETE]
    if not cycle.questions.exists():
        services.cycle_question_add(
            cycle=cycle,
            user=user,
            question="Will clinicians give the advice in most consultations?",
            prediction="Yes, in at least 7 of 10.",
        )
        services.cycle_task_add(
            cycle=cycle, user=user, what="Print leaflets", who="Practice manager"
        )
    for _ in order[1 : order.index(stage) + 1]:
        fields = {}
        if cycle.stage == Stage.DO:
            fields = {"what_happened": happened, "observations": observed}
        elif cycle.stage == Stage.STUDY:
            fields = {"learning": learned}
            question = cycle.questions.first()
            services.cycle_update(
                cycle=cycle,
                user=user,
                version=cycle.version,
                fields=fields,
                results={question.pk: "Close to the prediction: 8 of 10."},
            )
            fields = {}
        elif cycle.stage == Stage.ACT:
            fields = {"decision": decision, "next_changes": next_changes}
        if fields:
            services.cycle_update(cycle=cycle, user=user, version=cycle.version, fields=fields)
        services.cycle_advance(cycle=cycle, user=user, version=cycle.version)
    if cycle.stage == Stage.ACT:
        services.cycle_update(
            cycle=cycle,
            user=user,
            version=cycle.version,
            fields={"decision": decision, "next_changes": next_changes},
        )
    return cycle


def _seed_cycles(plan, ideas, measures, team, user, rng, number, first, change_index):
    """A main ramp of 2-4 cycles, a second ramp, and cycles in every other stage."""
    ramp_length = 2 + number % 3
    leaflet = next(i for i in ideas if "leaflet" in i.title.lower())
    cycle = services.cycle_create(
        plan=plan,
        user=user,
        title="Self-management leaflet",
        change_idea=leaflet,
        owner=user,
        objective=RAMP_TEXTS[0][0],
        start_date=_month(first, max(1, change_index - ramp_length)),
        data_collection="Monthly search of the advice code; the practice manager runs it.",
        measures=measures[:1],
        evidence=_evidence(CYCLE_EVIDENCE["leaflet"]),
    )
    for step in range(ramp_length):
        last = step == ramp_length - 1
        decision = "adopt" if last or step == ramp_length - 2 else "adapt"
        texts = RAMP_TEXTS[min(step, len(RAMP_TEXTS) - 1)]
        if last:
            # The ramp's newest cycle is still under way in different practices.
            stage = [Stage.ACT, Stage.STUDY, Stage.COMPLETE][number % 3]
            _walk(cycle, user, stage, texts, decision, "Make the leaflet routine.")
            break
        _walk(cycle, user, Stage.ACT, texts, decision, RAMP_TEXTS[step + 1][0])
        cycle = services.cycle_start_next(cycle=cycle, user=user)
        PDSACycle.objects.filter(pk=cycle.pk).update(
            start_date=_month(first, change_index - ramp_length + step + 1)
        )
        practices_changed([plan.practice_id])
        cycle.refresh_from_db()
    # A second ramp of two on stratification: the second cycle is at Do.
    template = next(i for i in ideas if "template" in i.title.lower())
    second = services.cycle_create(
        plan=plan,
        user=user,
        title="STarT Back template",
        change_idea=template,
        owner=team[min(1, len(team) - 1)],
        objective="Try the template with one GP for a week.",
        start_date=_month(first, change_index + 1),
        evidence=_evidence(CYCLE_EVIDENCE["template"]),
    )
    _walk(second, user, Stage.ACT, RAMP_TEXTS[0], "adapt", "Add the template to the nurses' list.")
    follow = services.cycle_start_next(cycle=second, user=user)
    _walk(follow, user, Stage.DO, RAMP_TEXTS[1])
    # One being planned, one abandoned.
    services.cycle_create(
        plan=plan,
        user=user,
        title="Pharmacist opioid review clinic",
        change_idea=next(i for i in ideas if "opioid" in i.title.lower()),
        owner=user,
        objective="Review every person on opioids for chronic back pain in one month.",
    )
    dropped = services.cycle_create(
        plan=plan,
        user=user,
        title="Text message with exercise video",
        change_idea=next(i for i in ideas if "video" in i.title.lower()),
        owner=user,
        objective="Send the exercise video link after each consultation.",
    )
    services.cycle_abandon(
        cycle=dropped,
        user=user,
        reason="The messaging system could not send links without an extra contract.",
    )


def _team(practice) -> list:
    members = Membership.objects.filter(practice=practice).exclude(role=Role.PATIENT_REP)
    return [m.user for m in members.select_related("user").order_by("pk")]


def _new_idea(plan, user) -> ChangeIdea:
    """Practice 2's own idea, tested in one cycle and adopted: the one another practice copies."""
    idea = plan.change_ideas.filter(title=NEW_IDEA).first()
    if idea is not None:
        return idea
    driver = plan.drivers.get(text="Physiotherapy pathway matched to risk")
    idea = services.change_idea_add(
        plan=plan,
        driver=driver,
        title=NEW_IDEA,
        description="A card at reception tells medium-risk people how to book physiotherapy "
        "themselves.",
        evidence=_evidence(["ng59-1-1-3", "hill-2011"]),
    )
    cycle = services.cycle_create(
        plan=plan,
        user=user,
        title="Self-referral card for two weeks",
        change_idea=idea,
        owner=user,
        objective="Hand the card to every medium-risk person for two weeks.",
        start_date=_month(plan.start_date, 12),
        evidence=_evidence(["hill-2011"]),
    )
    texts = (
        "Hand the card to every medium-risk person for two weeks.",
        "Reception handed out 14 cards; the physiotherapy service logged 11 self-referrals.",
        "Two people asked for the card in large print.",
        "People use the card; a large-print version is needed.",
    )
    _walk(cycle, user, Stage.COMPLETE, texts, "adopt", "Keep the card; add large print.")
    return idea


@transaction.atomic
def _seed_exchange(programme) -> None:
    """Four practices share an idea; a few comments; practice 5 copies practice 2's idea."""
    practices = list(programme.practices.order_by("ods_code"))
    if len(practices) < 5:
        return
    shared = {}
    for number, title, summary in SHARES:
        practice = practices[number - 1]
        plan = ImprovementPlan.objects.filter(practice=practice, title=PLAN_TITLE).first()
        team = _team(practice)
        if plan is None or not team:
            continue
        idea = _new_idea(plan, team[0]) if title == NEW_IDEA else plan.change_ideas.get(title=title)
        existing = SharedIdea.objects.filter(change_idea=idea).first()
        shared[number] = existing or services.idea_share(
            change_idea=idea, user=team[0], summary=summary
        )
    for commenter, owner, role, body in COMMENTS:
        share = shared.get(owner)
        members = Membership.objects.filter(practice=practices[commenter - 1]).order_by("pk")
        if role == "patient_rep":
            member = members.filter(role=Role.PATIENT_REP).first()
        else:
            member = members.exclude(role=Role.PATIENT_REP).first()
        if share is None or member is None:
            continue
        if not IdeaComment.objects.filter(shared_idea=share, body=body).exists():
            services.idea_comment_add(shared_idea=share, author=member.user, body=body)
    copier, owner = COPY
    share = shared.get(owner)
    plan = ImprovementPlan.objects.filter(practice=practices[copier - 1], title=PLAN_TITLE).first()
    if share is not None and plan is not None and not plan.change_ideas.filter(copied_from=share):
        services.idea_copy(shared_idea=share, plan=plan)
