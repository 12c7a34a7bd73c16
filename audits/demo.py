"""The two seeded audit templates, and fictional audit rounds for the back-pain demo.

Templates: the QS155/NG59 back-pain audit (every criterion of the programme's audit list)
and STarT Back-matched care. Rounds: each demo practice has a baseline round of the QS155
template before the programme starts, with rates near the usual-care baselines (Kamper et al.,
Pain 2020: under 20% given evidence-based advice, about a quarter imaged); the odd-numbered
practices re-audit after their adopted change; practice 4 sits above the funnel's limits on
cauda equina safety-netting (a nurse-led template it already had). Counts are built
deterministically, case by case, so the demo is the same on every run; seeding twice changes
nothing (templates by name, rounds by practice and template).
"""

import random
from datetime import date, timedelta

from django.db import transaction

from audits import services
from audits.models import (
    MATCHED_CARE,
    Answer,
    AuditRound,
    AuditTemplate,
    Care,
    Judgement,
    TemplateKind,
)
from audits.stats import start_back
from pdsa import services as pdsa_services
from pdsa.models import ImprovementPlan, PDSACycle

QS155 = "Low back pain: QS155 and NG59 audit"
START_BACK = "Low back pain: STarT Back-matched care"


def _criterion(key, short_name, question, eligibility, standard, source, **extra):
    return {
        "key": key,
        "short_name": short_name,
        "question": question,
        "eligibility": eligibility,
        "standard": standard,
        "source": source,
        "allows_not_applicable": extra.get("allows_not_applicable", True),
        "judged": extra.get("judged", Judgement.ANSWERED),
    }


EVERY_NEW_EPISODE = "Every consultation for a new episode of low back pain"
TEMPLATES = [
    {
        "name": QS155,
        "clinical_area": "Low back pain",
        "kind": TemplateKind.CRITERIA,
        "description": "Consultations for a new episode of low back pain in adults, audited "
        "against NICE quality standard QS155 and guideline NG59. Search the clinical system "
        "for the period, take consecutive or random consultations, and number them.",
        "criteria": [
            _criterion(
                "red-flags",
                "Red-flag assessment recorded",
                "Does the record show serious causes were considered (red flags asked about)?",
                EVERY_NEW_EPISODE,
                90,
                "NG59 1.1.1",
                allows_not_applicable=False,
            ),
            _criterion(
                "stratification",
                "Risk stratification recorded",
                "Is a STarT Back score or other risk stratification recorded?",
                EVERY_NEW_EPISODE,
                80,
                "QS155 statement 1; NG59 1.1.2",
                allows_not_applicable=False,
            ),
            _criterion(
                "self-management",
                "Self-management advice given",
                "Was self-management advice or written information given and recorded?",
                EVERY_NEW_EPISODE,
                90,
                "QS155 statement 3; NG59 1.2.1",
                allows_not_applicable=False,
            ),
            _criterion(
                "safety-netting",
                "Cauda equina safety-netting",
                "Is safety-netting advice about cauda equina symptoms recorded?",
                EVERY_NEW_EPISODE,
                90,
                "NICE CKS, red flags for cauda equina",
                allows_not_applicable=False,
            ),
            _criterion(
                "imaging",
                "Imaging only with a reason",
                "If imaging was requested, is a suspicion of serious pathology recorded?",
                "Consultations where imaging was requested (otherwise not applicable)",
                95,
                "QS155 statement 2; NG59 1.1.4",
            ),
            _criterion(
                "physio-matched",
                "Physiotherapy matched to risk",
                "Does the physiotherapy referral match the risk stratum?",
                "Consultations with a physiotherapy referral (otherwise not applicable)",
                80,
                "NG59 1.1.3",
            ),
            _criterion(
                "prescribing",
                "No paracetamol alone, gabapentinoid or antidepressant",
                "Was the person spared paracetamol alone, gabapentinoids, antiepileptics and "
                "antidepressants for low back pain?",
                "Low back pain without sciatica",
                95,
                "QS155 statement 4",
            ),
            _criterion(
                "opioids",
                "No opioids for chronic pain",
                "Was the person spared opioids for chronic low back pain?",
                "Chronic low back pain without sciatica (otherwise not applicable)",
                95,
                "QS155 statement 5",
            ),
            _criterion(
                "psychological",
                "Psychological support offered",
                "Was a CBT-based or psychologically informed approach offered or referred?",
                "High risk, or significant psychosocial obstacles recorded",
                70,
                "NG59 1.1.3",
            ),
            _criterion(
                "plan-agreed",
                "Management plan agreed",
                "Is a management plan agreed with the person recorded?",
                EVERY_NEW_EPISODE,
                80,
                "Programme criterion (shared decision-making)",
                allows_not_applicable=False,
            ),
        ],
    },
    {
        "name": START_BACK,
        "clinical_area": "Low back pain",
        "kind": TemplateKind.START_BACK,
        "description": "New episodes of low back pain with the nine STarT Back answers and the "
        "care given. The product scores each case and judges whether the care matched its "
        "stratum: low risk, advice and information; medium, physiotherapy; high, "
        "psychologically informed physiotherapy (Hill et al., Lancet 2011). The tool is "
        "copyright Keele University: only item numbers and topics are shown here.",
        "criteria": [
            _criterion(
                "start-back-recorded",
                "STarT Back at first contact",
                "Was the STarT Back tool completed at the first consultation?",
                EVERY_NEW_EPISODE,
                80,
                "NG59 1.1.2",
                allows_not_applicable=False,
            ),
            _criterion(
                "matched-care",
                "Care matched to the stratum",
                "Does the care given match the STarT Back stratum?",
                "Cases with all nine STarT Back answers",
                80,
                "NG59 1.1.3; Hill et al. 2011",
                judged=Judgement.MATCHED_CARE,
            ),
            _criterion(
                "advice-information",
                "Advice and written information",
                "Were advice, reassurance and written information given?",
                EVERY_NEW_EPISODE,
                90,
                "QS155 statement 3",
                allows_not_applicable=False,
            ),
        ],
    },
]

# criterion key: (share of cases eligible, share of eligible cases met) at baseline and re-audit.
BASELINE = {
    "red-flags": (1.0, 0.6),
    "stratification": (1.0, 0.25),
    "self-management": (1.0, 0.2),
    "safety-netting": (1.0, 0.4),
    "imaging": (0.25, 0.65),
    "physio-matched": (0.3, 0.45),
    "prescribing": (0.8, 0.7),
    "opioids": (0.4, 0.72),
    "psychological": (0.2, 0.3),
    "plan-agreed": (1.0, 0.35),
}
REAUDIT = BASELINE | {
    "red-flags": (1.0, 0.85),
    "stratification": (1.0, 0.7),
    "self-management": (1.0, 0.78),
    "imaging": (0.15, 0.8),
    "physio-matched": (0.3, 0.75),
    "plan-agreed": (1.0, 0.6),
}
OUTLIER_PRACTICE, OUTLIER_KEY, OUTLIER_RATE = 4, "safety-netting", 0.9


def seed_templates() -> dict[str, AuditTemplate]:
    """The two seeded templates, created once (found by name)."""
    found = {}
    for spec in TEMPLATES:
        template = AuditTemplate.objects.filter(name=spec["name"]).first()
        if template is None:
            fields = {k: v for k, v in spec.items() if k != "criteria"}
            template = services.template_create(criteria=spec["criteria"], **fields)
        found[spec["name"]] = template
    return found


def seed(programme) -> None:
    """Seed the templates and each demo practice's audit rounds (once)."""
    templates = seed_templates()
    qs155 = templates[QS155]
    for number, practice in enumerate(programme.practices.order_by("ods_code"), start=1):
        if not AuditRound.objects.filter(
            practice=practice, template_version__template=qs155
        ).exists():
            _seed_practice(programme, practice, number, templates)


def _month_start(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def _seed_practice(programme, practice, number: int, templates) -> None:
    rng = random.Random(f"qiproject-demo-audits-{practice.ods_code}")
    collector = _collector(practice)
    qs155 = templates[QS155]
    start = _month_start(programme.start_date, -3)
    baseline = services.round_create(
        practice=practice,
        template=qs155,
        period_start=start,
        period_end=programme.start_date - timedelta(days=1),
        sample_size=20 + (number * 7) % 21,
        collected_by="Practice lead GP and the practice nurse",
    )
    rates = dict(BASELINE)
    if number == OUTLIER_PRACTICE:
        rates[OUTLIER_KEY] = (1.0, OUTLIER_RATE)
    _fill(baseline, rates, rng, collector)
    services.round_complete(audit_round=baseline)
    if number % 2 == 0:
        return
    reaudit = services.round_create(
        practice=practice,
        template=qs155,
        period_start=_month_start(programme.start_date, 9),
        period_end=_month_start(programme.start_date, 12) - timedelta(days=1),
        sample_size=30,
        collected_by="Practice lead GP and a registrar",
    )
    _fill(reaudit, REAUDIT, rng, collector)
    services.round_complete(audit_round=reaudit)
    adopted = PDSACycle.objects.filter(plan__practice=practice, decision="adopt").order_by("pk")
    reaudit.cycles.set(adopted[:2])
    if number == 1:
        _seed_linked_measure(practice, qs155)
        _seed_start_back(practice, templates[START_BACK], programme, rng, collector)


def _collector(practice):
    """Who enters the demo's cases: the practice's lead (a member of its team, never a patient
    representative)."""
    membership = practice.memberships.filter(is_practice_lead=True).select_related("user").first()
    return membership.user if membership else None


def _fill(audit_round, rates, rng, collector=None) -> None:
    """Answer every case so each criterion's counts follow its rates."""
    n = audit_round.sample_size
    answers = {number: {} for number in range(1, n + 1)}
    for key, (eligible_share, met_share) in rates.items():
        # A little variation between practices, well inside the funnel's 95% limits.
        met_share = min(1.0, max(0.0, met_share + rng.uniform(-0.05, 0.05)))
        order = list(range(1, n + 1))
        rng.shuffle(order)
        eligible = order[: round(eligible_share * n)]
        met = set(eligible[: round(met_share * len(eligible))])
        for number in order:
            if number in met:
                answers[number][key] = Answer.MET
            elif number in eligible:
                answers[number][key] = Answer.NOT_MET
            else:
                answers[number][key] = Answer.NOT_APPLICABLE
    services.cases_save(
        audit_round=audit_round,
        rows=[services.CaseInput(number=k, answers=v) for k, v in answers.items()],
        user=collector,
    )


def _seed_linked_measure(practice, template) -> None:
    """Practice 1 charts its audited self-management advice as a measure fed by the rounds."""
    plan = ImprovementPlan.objects.filter(practice=practice).order_by("pk").first()
    if plan is None:
        return
    measure = pdsa_services.measure_create(
        plan=plan,
        name="Self-management advice (clinical audit)",
        kind="process",
        definition="Audited consultations for a new episode of low back pain with "
        "self-management advice or written information recorded.",
        data_type="proportion",
        numerator="Audited cases with advice recorded",
        denominator="Audited cases eligible",
        improvement="increase",
        target=90,
    )
    services.measure_link_set(measure=measure, template=template, criterion_key="self-management")


def _seed_start_back(practice, template, programme, rng, collector=None) -> None:
    """A complete STarT Back-matched round of 20 cases."""
    audit_round = services.round_create(
        practice=practice,
        template=template,
        period_start=_month_start(programme.start_date, 6),
        period_end=_month_start(programme.start_date, 9) - timedelta(days=1),
        sample_size=20,
        collected_by="Physiotherapist and practice nurse",
    )
    rows = []
    for number in range(1, 21):
        recorded = number % 5 != 0
        answers = [1 if rng.random() < 0.35 else 0 for _ in range(8)] + [rng.randint(0, 4)]
        care = rng.choice([Care.ADVICE, Care.PHYSIO, Care.OTHER])
        if recorded and rng.random() < 0.55:
            care = MATCHED_CARE[start_back(answers).stratum]
        rows.append(
            services.CaseInput(
                number=number,
                answers={
                    "start-back-recorded": Answer.MET if recorded else Answer.NOT_MET,
                    "advice-information": Answer.MET if number % 3 else Answer.NOT_MET,
                },
                start_back=answers if recorded else None,
                care=care,
            )
        )
    services.cases_save(audit_round=audit_round, rows=rows, user=collector)
    services.round_complete(audit_round=audit_round)
