"""Writes for clinical audit: templates and their versions, rounds, cases, measure links.

Rounds feed linked measures through pdsa's own services, so a data point written by an audit
is refreshed into the measure's charts like any other; `AuditPoint` marks where it came from.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from audits import stats
from audits.models import (
    MATCHED_CARE,
    MAX_SAMPLE,
    Answer,
    AuditCase,
    AuditPoint,
    AuditRound,
    AuditTemplate,
    Care,
    CaseAnswer,
    Criterion,
    Judgement,
    MeasureLink,
    RoundStatus,
    TemplateVersion,
)
from pdsa import services as pdsa_services
from pdsa.models import DataPoint, Measure
from practices.models import Practice
from qiproject.dates import format_month
from qiproject.locking import claim_version
from qiproject.saving import saved

TEMPLATE_FIELDS = ["name", "clinical_area", "description", "kind"]
CRITERION_FIELDS = [
    "key",
    "short_name",
    "question",
    "eligibility",
    "allows_not_applicable",
    "standard",
    "source",
    "judged",
]
ROUND_FIELDS = ["period_start", "period_end", "sample_size", "collected_by"]


class CaseErrors(Exception):
    """Cases with errors: nothing was saved. `errors` is [(row or case number, message)]."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} error(s); nothing was saved.")
        self.errors = errors


# Templates -------------------------------------------------------------------------------


def _version_create(template: AuditTemplate, *, number: int, criteria: list[dict], note: str):
    if not criteria:
        raise ValidationError("A template needs at least one criterion.")
    keys = [spec.get("key") for spec in criteria]
    if len(set(keys)) != len(keys):
        raise ValidationError("Each criterion needs its own key.")
    judged = {spec.get("judged", Judgement.ANSWERED) for spec in criteria}
    if Judgement.MATCHED_CARE in judged and not template.records_start_back:
        raise ValidationError(
            "Only a template that records STarT Back scores can judge matched care."
        )
    version = saved(TemplateVersion(template=template, number=number, note=note))
    for position, spec in enumerate(criteria):
        values = {name: spec[name] for name in CRITERION_FIELDS if name in spec}
        saved(Criterion(version=version, position=position, **values))
    return version


@transaction.atomic
def template_create(
    *, name: str, kind: str, criteria: list[dict], note: str = "First version", **fields
) -> AuditTemplate:
    """Add an audit template with its first version of criteria."""
    template = saved(AuditTemplate(name=name, kind=kind, version=1, **fields))
    _version_create(template, number=1, criteria=criteria, note=note)
    return template


@transaction.atomic
def template_revise(
    *, template: AuditTemplate, version: int, criteria: list[dict], note: str = "", **fields
) -> TemplateVersion:
    """Save a template's edited criteria as a new version; rounds keep the version they used.

    A save that changes nothing makes no version: the latest one is returned as it is.
    """
    stored = AuditTemplate.objects.get(pk=template.pk)  # the instance may hold the form's input
    latest = latest_version(stored)
    same_fields = all(getattr(stored, name) == value for name, value in fields.items())
    same_criteria = criteria == [
        {name: getattr(c, name) for name in CRITERION_FIELDS} for c in latest.criteria.all()
    ]
    if same_fields and same_criteria:
        return latest
    claim_version(template, version)
    for name, value in fields.items():
        setattr(template, name, value)
    saved(template)
    return _version_create(template, number=template.version, criteria=criteria, note=note)


def latest_version(template: AuditTemplate) -> TemplateVersion:
    """The version new rounds of the template are collected with."""
    return template.versions.get(number=template.version)


# Rounds ----------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    practice: Practice,
    template: AuditTemplate,
    period_start: date,
    period_end: date,
    sample_size: int,
    collected_by: str = "",
) -> AuditRound:
    """Start a draft round of the template's latest version in a practice."""
    return saved(
        AuditRound(
            practice=practice,
            template_version=latest_version(template),
            period_start=period_start,
            period_end=period_end,
            sample_size=sample_size,
            collected_by=collected_by,
        )
    )


@transaction.atomic
def round_update(
    *, audit_round: AuditRound, version: int, cycles=None, user=None, **fields
) -> AuditRound:
    """Change a round's period, sample size or team, and the PDSA cycles it studies (a
    complete round's measure points are rewritten as `user`'s)."""
    claim_version(audit_round, version)
    for name, value in fields.items():
        setattr(audit_round, name, value)
    highest = audit_round.cases.order_by("-number").values_list("number", flat=True).first()
    if highest and audit_round.sample_size < highest:
        raise ValidationError(
            {"sample_size": f"Case {highest} is entered: the sample cannot be smaller."}
        )
    saved(audit_round)
    if cycles is not None:
        allowed = [c for c in cycles if c.plan.practice_id == audit_round.practice_id]
        audit_round.cycles.set(allowed)
    if audit_round.is_complete:
        _sync_points(audit_round, user=user)
    return audit_round


# Cases -----------------------------------------------------------------------------------


@dataclass
class CaseInput:
    """One row of the grid or of an imported file, before it is checked."""

    number: int
    answers: dict[str, str] = field(default_factory=dict)  # criterion key -> Answer value
    start_back: list[int] | None = None
    care: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(self.answers.values()) and self.start_back is None and not self.care


def _checked_case(audit_round, criteria, row: CaseInput):
    """The case's score and answers, or a ValueError naming what is wrong."""
    if not 1 <= row.number <= audit_round.sample_size:
        raise ValueError(f"Case numbers run from 1 to {audit_round.sample_size}.")
    score = None
    if row.start_back is not None:
        score = stats.start_back(row.start_back)
    if row.care and row.care not in Care.values:
        raise ValueError(f"“{row.care}” is not a kind of care.")
    answers, problems = {}, []
    for criterion in criteria:
        if not criterion.is_answered:
            if score is None:
                answers[criterion] = Answer.NOT_APPLICABLE
            else:
                met = row.care == MATCHED_CARE[score.stratum]
                answers[criterion] = Answer.MET if met else Answer.NOT_MET
            continue
        value = row.answers.get(criterion.key, "")
        if not value:
            continue
        if value not in Answer.values:
            problems.append(f"{criterion.short_name}: “{value}” is not met, not met or n/a.")
        elif value == Answer.NOT_APPLICABLE and not criterion.allows_not_applicable:
            problems.append(f"{criterion.short_name}: every case is eligible, so not n/a.")
        else:
            answers[criterion] = value
    if problems:
        raise ValueError(" ".join(problems))
    if audit_round.is_complete and len(answers) < len(criteria):
        raise ValueError("The round is complete: answer every criterion.")
    return score, answers


def _unchanged(case: AuditCase, row: CaseInput, answers) -> bool:
    """Whether the saved case already says what the row says (a grid sends every row)."""
    start_back = list(row.start_back) if row.start_back is not None else None
    saved_answers = {a.criterion_id: a.answer for a in case.answers.all()}
    return (
        case.start_back == start_back
        and case.care == row.care
        and saved_answers == {criterion.pk: answer for criterion, answer in answers.items()}
    )


def _write_case(audit_round, row: CaseInput, score, answers, user) -> None:
    case, created = AuditCase.objects.get_or_create(
        round=audit_round, number=row.number, defaults={"entered_by": user}
    )
    # Two saves of the same case wait for each other, so the second replaces the first's
    # answers instead of adding a second answer to the same criterion.
    case = AuditCase.objects.select_for_update().get(pk=case.pk)
    if not created and _unchanged(case, row, answers):
        return  # left as it was: still the work of whoever entered it
    case.entered_by = user
    case.start_back = list(row.start_back) if row.start_back is not None else None
    case.start_back_total = score.total if score else None
    case.start_back_psychosocial = score.psychosocial if score else None
    case.stratum = score.stratum if score else ""
    case.care = row.care
    case.updated_at = timezone.now()
    saved(case)
    case.answers.all().delete()
    CaseAnswer.objects.bulk_create(
        CaseAnswer(case=case, criterion=criterion, answer=answer)
        for criterion, answer in answers.items()
    )


@transaction.atomic
def cases_save(*, audit_round: AuditRound, rows: list[CaseInput], user=None) -> int:
    """Save rows of cases (a row left empty removes that case); all rows or none. A case
    created or changed is marked as entered by `user`; one left as it was keeps its author."""
    criteria = list(audit_round.template_version.criteria.all())
    checked, errors = [], []
    for row in rows:
        if row.is_empty:
            if audit_round.is_complete and audit_round.cases.filter(number=row.number).exists():
                errors.append((row.number, "The round is complete: a case cannot be cleared."))
            checked.append((row, None, None))
            continue
        try:
            score, answers = _checked_case(audit_round, criteria, row)
        except ValueError as error:
            errors.append((row.number, str(error)))
            continue
        checked.append((row, score, answers))
    if errors:
        raise CaseErrors(errors)
    count_saved = 0
    for row, score, answers in checked:
        if answers is None:
            audit_round.cases.filter(number=row.number).delete()
        else:
            _write_case(audit_round, row, score, answers, user)
            count_saved += 1
    if audit_round.is_complete:
        _sync_points(audit_round, user=user)
    return count_saved


ANSWER_WORDS = {
    "met": Answer.MET,
    "yes": Answer.MET,
    "y": Answer.MET,
    "1": Answer.MET,
    "not met": Answer.NOT_MET,
    "not_met": Answer.NOT_MET,
    "no": Answer.NOT_MET,
    "n": Answer.NOT_MET,
    "0": Answer.NOT_MET,
    "na": Answer.NOT_APPLICABLE,
    "n/a": Answer.NOT_APPLICABLE,
    "not applicable": Answer.NOT_APPLICABLE,
    "": "",
}
CARE_WORDS = {choice.value: choice.value for choice in Care} | {
    label.lower(): value for value, label in Care.choices
}


def _import_row(criteria, row_number, row, records_start_back) -> CaseInput:
    text = row.get("case", "")
    if not text.isdigit():
        raise ValueError(f"“{text}” is not a case number (1, 2, 3...).")
    answers = {}
    for criterion in criteria:
        if not criterion.is_answered:
            continue
        raw = row.get(criterion.key, row.get(criterion.short_name.lower(), "")).lower()
        if raw not in ANSWER_WORDS:
            raise ValueError(f"{criterion.short_name}: “{raw}” is not met, not met or n/a.")
        answers[criterion.key] = ANSWER_WORDS[raw]
    start_back, care = None, ""
    if records_start_back:
        items = [row.get(f"item{i}", "") for i in range(1, 10)]
        if any(items):
            if not all(item.isdigit() for item in items):
                raise ValueError("STarT Back items 1 to 9 need a whole number each.")
            start_back = [int(item) for item in items]
        care_text = row.get("care", "").lower()
        if care_text not in CARE_WORDS and care_text:
            raise ValueError(f"“{care_text}” is not a kind of care.")
        care = CARE_WORDS.get(care_text, "")
    return CaseInput(number=int(text), answers=answers, start_back=start_back, care=care)


@transaction.atomic
def cases_import_csv(*, audit_round: AuditRound, text: str, user=None) -> int:
    """Import cases from a CSV (a search export): every row valid or nothing changes; the
    cases it creates or changes are marked as entered by `user`."""
    criteria = list(audit_round.template_version.criteria.all())
    records_start_back = audit_round.template_version.template.records_start_back
    rows, errors, seen = [], [], {}
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        headers = {(h or "").strip().lower() for h in (reader.fieldnames or [])}
        if "case" not in headers:
            raise CaseErrors([(1, "The first row must name the columns, starting with “case”.")])
        for row_number, raw in enumerate(reader, start=2):
            if row_number > MAX_SAMPLE + 1:
                errors.append((row_number, f"At most {MAX_SAMPLE} cases in one file."))
                break
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            if not any(row.values()):
                continue
            try:
                case = _import_row(criteria, row_number, row, records_start_back)
                _checked_case(audit_round, criteria, case)
            except ValueError as error:
                errors.append((row_number, str(error)))
                continue
            if case.number in seen:
                errors.append(
                    (row_number, f"Case {case.number} is also on row {seen[case.number]}.")
                )
                continue
            seen[case.number] = row_number
            rows.append(case)
    except csv.Error as error:
        errors.append((0, f"The file is not readable as CSV: {error}."))
    if not rows and not errors:
        errors.append((1, "The file has no cases."))
    if errors:
        raise CaseErrors(errors)
    return cases_save(audit_round=audit_round, rows=rows, user=user)


def missing_for_completion(audit_round: AuditRound) -> list[str]:
    """What stops a round being marked complete, in words (empty when nothing does)."""
    answered = audit_round.template_version.criteria.count()
    counts = dict(audit_round.cases.annotate(n=Count("answers")).values_list("number", "n"))
    problems = []
    missing = [n for n in range(1, audit_round.sample_size + 1) if n not in counts]
    if missing:
        problems.append(f"Cases not entered: {_ranges(missing)}.")
    unfinished = sorted(n for n, count in counts.items() if count < answered)
    if unfinished:
        problems.append(f"Cases with criteria unanswered: {_ranges(unfinished)}.")
    return problems


def _ranges(numbers: list[int]) -> str:
    parts, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        if index + 1 == len(numbers) or numbers[index + 1] != number + 1:
            parts.append(str(start) if start == number else f"{start}-{number}")
            start = None
    return ", ".join(parts)


@transaction.atomic
def round_complete(*, audit_round: AuditRound, user=None) -> AuditRound:
    """Mark a round complete (every case answered) and write its linked measures' points
    (in the data's history as `user`'s)."""
    locked = AuditRound.objects.select_for_update().get(pk=audit_round.pk)
    if locked.is_complete:
        return locked
    problems = missing_for_completion(locked)
    if problems:
        raise ValidationError(problems)
    locked.status = RoundStatus.COMPLETE
    locked.completed_at = timezone.now()
    saved(locked)
    _sync_points(locked, user=user)
    audit_round.status, audit_round.completed_at = locked.status, locked.completed_at
    return locked


# Measures fed by rounds ------------------------------------------------------------------


def criterion_counts(audit_round: AuditRound) -> dict[str, tuple[int, int]]:
    """Per criterion key: (cases met, eligible cases), not-applicable left out."""
    rows = (
        CaseAnswer.objects.filter(case__round=audit_round)
        .values("criterion__key")
        .annotate(
            met=Count("pk", filter=Q(answer=Answer.MET)),
            eligible=Count("pk", filter=~Q(answer=Answer.NOT_APPLICABLE)),
        )
    )
    return {row["criterion__key"]: (row["met"], row["eligible"]) for row in rows}


def _sync_points(audit_round: AuditRound, *, user=None) -> None:
    """Write (or correct) each linked measure's point for the round's period."""
    template = audit_round.template_version.template
    links = MeasureLink.objects.filter(
        template=template, measure__plan__practice=audit_round.practice
    ).select_related("measure")
    if not links:
        return
    counts = criterion_counts(audit_round)
    keys = set(audit_round.template_version.criteria.values_list("key", flat=True))
    for link in links:
        if link.criterion_key not in keys:
            continue
        _write_point(audit_round, link.measure, link.criterion_key, counts, user=user)


def _write_point(audit_round, measure: Measure, key: str, counts, *, user=None) -> None:
    met, eligible = counts.get(key, (0, 0))
    mine = AuditPoint.objects.filter(round=audit_round, data_point__measure=measure).select_related(
        "data_point"
    )
    existing = next(iter(mine), None)
    note = f"From the clinical audit: {audit_round.template_version.template.name}"[:300]
    if existing is not None:
        if eligible:
            # The audit owns its point: it corrects whatever version is saved now.
            pdsa_services.data_point_update(
                point=existing.data_point,
                version=existing.data_point.version,
                numerator=met,
                denominator=eligible,
                note=note,
                user=user,
            )
        else:
            pdsa_services.data_point_delete(point=existing.data_point, user=user)
        return
    if not eligible:
        return
    period = measure.normalise_period(audit_round.period_end)
    if DataPoint.objects.filter(measure=measure, period=period).exists():
        raise ValidationError(
            f"“{measure.name}” already has a value for {format_month(period)} that did not "
            "come from this audit: change or remove it on the measure's page, then try again."
        )
    point = pdsa_services.data_point_record(
        measure=measure,
        period=period,
        numerator=met,
        denominator=eligible,
        note=note,
        user=user,
    )
    saved(AuditPoint(round=audit_round, data_point=point, criterion_key=key))


@transaction.atomic
def measure_link_set(*, measure: Measure, template: AuditTemplate, criterion_key: str, user=None):
    """Feed a proportion measure from a template's criterion; completed rounds write at once
    (as `user`'s, in the data's history)."""
    if not measure.is_proportion:
        raise ValidationError("Only a proportion measure can be fed by an audit criterion.")
    if not latest_version(template).criteria.filter(key=criterion_key).exists():
        raise ValidationError({"criterion_key": "Choose a criterion of this template."})
    link, _ = MeasureLink.objects.update_or_create(
        measure=measure, defaults={"template": template, "criterion_key": criterion_key}
    )
    rounds = AuditRound.objects.filter(
        practice=measure.plan.practice,
        template_version__template=template,
        status=RoundStatus.COMPLETE,
    )
    for audit_round in rounds:
        if link.criterion_key in set(
            audit_round.template_version.criteria.values_list("key", flat=True)
        ):
            _write_point(
                audit_round, measure, criterion_key, criterion_counts(audit_round), user=user
            )
    return link


@transaction.atomic
def measure_link_remove(*, measure: Measure) -> None:
    """Stop feeding a measure from audits; points already written stay as data."""
    MeasureLink.objects.filter(measure=measure).delete()
    AuditPoint.objects.filter(data_point__measure=measure).delete()
