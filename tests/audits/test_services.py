"""Audit writes: template versions, cases, import, completion and the measures it feeds."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audits import services
from audits.models import Answer, AuditCase, AuditPoint, CaseAnswer, RoundStatus
from qiproject.locking import StaleEditError
from tests.audits.factories import (
    answers,
    criterion,
    fill,
    make_round,
    make_start_back_template,
    make_template,
)
from tests.pdsa.factories import DataPointFactory, ImprovementPlanFactory, MeasureFactory


@pytest.fixture
def template(db):
    return make_template()


@pytest.fixture
def audit_round(practice_a, template):
    return make_round(practice_a, template, sample_size=10)


def test_editing_a_template_makes_a_new_version_and_leaves_collected_rounds_alone(
    practice_a, template, audit_round
):
    fill(audit_round, {"advice": answers(5, 5), "imaging": answers(2, 2, 6)})
    services.template_revise(
        template=template,
        version=1,
        criteria=[criterion("advice", 80, short_name="Advice given"), criterion("plan", 70)],
        note="Standard lowered; plan criterion added",
    )
    template.refresh_from_db()
    assert template.version == 2
    assert list(audit_round.template_version.criteria.values_list("key", "standard")) == [
        ("advice", 90),
        ("imaging", 95),
    ]
    new_round = make_round(practice_a, template)
    assert new_round.template_version.number == 2
    assert list(new_round.template_version.criteria.values_list("key", flat=True)) == [
        "advice",
        "plan",
    ]


def test_saving_a_template_unchanged_makes_no_new_version(template):
    latest = services.latest_version(template)
    same = [
        {name: getattr(c, name) for name in services.CRITERION_FIELDS}
        for c in latest.criteria.all()
    ]
    saved = services.template_revise(
        template=template, version=1, criteria=same, name=template.name, note="Looked at it"
    )
    assert saved == latest
    assert template.versions.count() == 1
    template.refresh_from_db()
    assert template.version == 1


def test_a_template_edit_from_a_stale_form_is_refused(template):
    services.template_revise(template=template, version=1, criteria=[criterion("advice")])
    with pytest.raises(StaleEditError):
        services.template_revise(template=template, version=1, criteria=[criterion("other")])
    assert template.versions.count() == 2


def test_a_template_needs_distinct_criterion_keys(db):
    with pytest.raises(ValidationError):
        make_template([criterion("advice"), criterion("advice")])


def test_matched_care_needs_a_template_that_records_start_back(db):
    from audits.models import Judgement

    with pytest.raises(ValidationError):
        make_template([criterion("matched", judged=Judgement.MATCHED_CARE)])


def test_saving_rows_records_answers_and_an_empty_row_removes_its_case(audit_round):
    services.cases_save(
        audit_round=audit_round,
        rows=[
            services.CaseInput(1, {"advice": Answer.MET, "imaging": Answer.NOT_APPLICABLE}),
            services.CaseInput(2, {"advice": Answer.NOT_MET, "imaging": ""}),
        ],
    )
    assert AuditCase.objects.filter(round=audit_round).count() == 2
    assert CaseAnswer.objects.filter(case__round=audit_round).count() == 3
    services.cases_save(audit_round=audit_round, rows=[services.CaseInput(2, {})])
    assert list(audit_round.cases.values_list("number", flat=True)) == [1]


def test_a_row_with_an_error_saves_no_row_at_all(audit_round):
    with pytest.raises(services.CaseErrors) as caught:
        services.cases_save(
            audit_round=audit_round,
            rows=[
                services.CaseInput(1, {"advice": Answer.MET}),
                services.CaseInput(11, {"advice": Answer.MET}),
                services.CaseInput(3, {"advice": "maybe"}),
            ],
        )
    assert [number for number, _ in caught.value.errors] == [11, 3]
    assert not audit_round.cases.exists()


def test_not_applicable_is_refused_where_every_case_is_eligible(practice_a):
    template = make_template([criterion("red-flags", allows_not_applicable=False)])
    audit_round = make_round(practice_a, template)
    with pytest.raises(services.CaseErrors):
        services.cases_save(
            audit_round=audit_round,
            rows=[services.CaseInput(1, {"red-flags": Answer.NOT_APPLICABLE})],
        )


@pytest.mark.parametrize(
    ("items", "care", "stratum", "answer"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], "advice", "low", Answer.MET),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], "advice", "medium", Answer.NOT_MET),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], "physio", "medium", Answer.MET),
        ([0, 0, 0, 0, 1, 1, 1, 1, 0], "physio", "high", Answer.NOT_MET),
        ([0, 0, 0, 0, 1, 1, 1, 0, 4], "pipt", "high", Answer.MET),
        (None, "physio", "", Answer.NOT_APPLICABLE),
    ],
)
def test_matched_care_is_judged_from_the_start_back_stratum_and_the_care_given(
    practice_a, items, care, stratum, answer
):
    audit_round = make_round(practice_a, make_start_back_template())
    services.cases_save(
        audit_round=audit_round,
        rows=[services.CaseInput(1, {"recorded": Answer.MET}, start_back=items, care=care)],
    )
    case = audit_round.cases.get()
    assert case.stratum == stratum
    assert case.answers.get(criterion__key="matched").answer == answer


def test_start_back_answers_out_of_range_are_refused(practice_a):
    audit_round = make_round(practice_a, make_start_back_template())
    with pytest.raises(services.CaseErrors):
        services.cases_save(
            audit_round=audit_round,
            rows=[services.CaseInput(1, {"recorded": Answer.MET}, start_back=[2] * 9)],
        )


def test_a_csv_import_reports_every_bad_row_and_imports_nothing(audit_round):
    text = "case,advice,imaging\n1,met,n/a\ntwo,met,met\n3,perhaps,met\n1,no,no\n40,yes,yes\n"
    with pytest.raises(services.CaseErrors) as caught:
        services.cases_import_csv(audit_round=audit_round, text=text)
    assert [row for row, _ in caught.value.errors] == [3, 4, 5, 6]
    assert not audit_round.cases.exists()


def test_a_valid_csv_import_saves_every_case(audit_round):
    text = "\ufeffCase,Advice,Imaging\n1,yes,n/a\n2,no,met\n3,Not met,not applicable\n"
    assert services.cases_import_csv(audit_round=audit_round, text=text) == 3
    assert services.criterion_counts(audit_round) == {"advice": (1, 3), "imaging": (1, 1)}


def test_a_csv_without_a_case_column_is_refused(audit_round):
    with pytest.raises(services.CaseErrors):
        services.cases_import_csv(audit_round=audit_round, text="advice,imaging\nmet,met\n")


def test_a_round_is_complete_only_when_every_case_is_answered(audit_round):
    services.cases_save(
        audit_round=audit_round, rows=[services.CaseInput(1, {"advice": Answer.MET})]
    )
    with pytest.raises(ValidationError) as caught:
        services.round_complete(audit_round=audit_round)
    assert "Cases not entered: 2-10." in caught.value.messages
    assert "Cases with criteria unanswered: 1." in caught.value.messages
    fill(audit_round, {"advice": answers(5, 5), "imaging": answers(1, 1, 8)})
    services.round_complete(audit_round=audit_round)
    audit_round.refresh_from_db()
    assert audit_round.status == RoundStatus.COMPLETE


@pytest.fixture
def linked_measure(practice_a, template):
    plan = ImprovementPlanFactory(practice=practice_a)
    measure = MeasureFactory(plan=plan, name="Advice (audit)")
    services.measure_link_set(measure=measure, template=template, criterion_key="advice")
    return measure


def test_completing_a_round_writes_the_linked_measures_point(audit_round, linked_measure):
    fill(audit_round, {"advice": answers(6, 3, 1), "imaging": answers(1, 1, 8)})
    services.round_complete(audit_round=audit_round)
    point = linked_measure.data_points.get()
    assert (point.period, point.numerator, point.denominator) == (date(2026, 3, 1), 6, 9)
    assert AuditPoint.objects.get(data_point=point).round == audit_round
    linked_measure.refresh_from_db()
    assert linked_measure.latest_value == pytest.approx(6 / 9)


def test_editing_a_completed_round_updates_the_measures_point(audit_round, linked_measure):
    fill(audit_round, {"advice": answers(6, 4), "imaging": answers(1, 1, 8)})
    services.round_complete(audit_round=audit_round)
    services.cases_save(
        audit_round=audit_round,
        rows=[services.CaseInput(10, {"advice": Answer.MET, "imaging": Answer.NOT_APPLICABLE})],
    )
    point = linked_measure.data_points.get()
    assert (point.numerator, point.denominator) == (7, 10)


def test_a_completed_round_cannot_lose_a_case(audit_round):
    fill(audit_round, {"advice": answers(6, 4), "imaging": answers(1, 1, 8)})
    services.round_complete(audit_round=audit_round)
    with pytest.raises(services.CaseErrors):
        services.cases_save(audit_round=audit_round, rows=[services.CaseInput(1, {})])


def test_a_hand_entered_value_for_the_period_is_not_overwritten(audit_round, linked_measure):
    DataPointFactory(measure=linked_measure, period=date(2026, 3, 1), numerator=1, denominator=2)
    fill(audit_round, {"advice": answers(6, 4), "imaging": answers(1, 1, 8)})
    with pytest.raises(ValidationError, match="did not come from this audit"):
        services.round_complete(audit_round=audit_round)
    audit_round.refresh_from_db()
    assert audit_round.status == RoundStatus.DRAFT


def test_linking_a_measure_writes_rounds_already_complete(practice_a, template, audit_round):
    fill(audit_round, {"advice": answers(3, 7), "imaging": answers(1, 1, 8)})
    services.round_complete(audit_round=audit_round)
    measure = MeasureFactory(plan=ImprovementPlanFactory(practice=practice_a))
    services.measure_link_set(measure=measure, template=template, criterion_key="imaging")
    point = measure.data_points.get()
    assert (point.numerator, point.denominator) == (1, 2)


def test_only_a_proportion_measure_can_be_fed_by_an_audit(practice_a, template):
    measure = MeasureFactory(
        plan=ImprovementPlanFactory(practice=practice_a), data_type="count", numerator=""
    )
    with pytest.raises(ValidationError):
        services.measure_link_set(measure=measure, template=template, criterion_key="advice")


def test_a_round_edit_from_a_stale_form_is_refused(audit_round):
    fields = {
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 3, 31),
        "sample_size": 12,
        "collected_by": "Nurse",
    }
    services.round_update(audit_round=audit_round, version=1, **fields)
    with pytest.raises(StaleEditError):
        services.round_update(audit_round=audit_round, version=1, **fields)


def test_a_sample_cannot_shrink_below_a_case_already_entered(audit_round):
    services.cases_save(audit_round=audit_round, rows=[services.CaseInput(8, {"advice": "met"})])
    with pytest.raises(ValidationError):
        services.round_update(
            audit_round=audit_round,
            version=1,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
            sample_size=5,
            collected_by="",
        )


def test_a_round_links_only_cycles_of_its_own_practice(audit_round, practice_b):
    from tests.pdsa.factories import PDSACycleFactory

    own = PDSACycleFactory(plan=ImprovementPlanFactory(practice=audit_round.practice))
    other = PDSACycleFactory(plan=ImprovementPlanFactory(practice=practice_b))
    services.round_update(
        audit_round=audit_round,
        version=1,
        cycles=[own, other],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        sample_size=10,
        collected_by="",
    )
    assert list(audit_round.cycles.all()) == [own]
