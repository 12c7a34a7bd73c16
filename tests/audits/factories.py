"""Audit templates and rounds for tests, built through the services like real ones."""

from datetime import date

from audits import services
from audits.models import Answer, Judgement, TemplateKind


def criterion(key, standard=90, **extra):
    return {
        "key": key,
        "short_name": extra.pop("short_name", key.replace("-", " ").capitalize()),
        "question": extra.pop("question", f"Was {key} done?"),
        "eligibility": extra.pop("eligibility", "Every case"),
        "standard": standard,
        "source": extra.pop("source", "QS155"),
        "allows_not_applicable": extra.pop("allows_not_applicable", True),
        "judged": extra.pop("judged", Judgement.ANSWERED),
    }


_count = iter(range(1, 10_000))


def make_template(criteria=None, kind=TemplateKind.CRITERIA, name=None):
    return services.template_create(
        name=name or f"Audit template {next(_count)}",
        kind=kind,
        clinical_area="Low back pain",
        criteria=criteria or [criterion("advice", 90), criterion("imaging", 95)],
    )


def make_start_back_template():
    return make_template(
        [
            criterion("recorded", 80, allows_not_applicable=False),
            criterion("matched", 80, judged=Judgement.MATCHED_CARE),
        ],
        kind=TemplateKind.START_BACK,
    )


def make_round(practice, template, sample_size=10, period_end=date(2026, 3, 31), **extra):
    return services.round_create(
        practice=practice,
        template=template,
        period_start=extra.pop("period_start", date(2026, 1, 1)),
        period_end=period_end,
        sample_size=sample_size,
        collected_by=extra.pop("collected_by", "Dr Amy A"),
    )


def fill(audit_round, answers: dict[str, list[str]]):
    """Answer every case: `answers[key]` lists one answer per case, in case order."""
    n = audit_round.sample_size
    rows = [
        services.CaseInput(number=i + 1, answers={k: v[i] for k, v in answers.items()})
        for i in range(n)
    ]
    services.cases_save(audit_round=audit_round, rows=rows)


def answers(met: int, not_met: int, na: int = 0) -> list[str]:
    return [Answer.MET] * met + [Answer.NOT_MET] * not_met + [Answer.NOT_APPLICABLE] * na
