"""Audit reads: results per criterion, re-audit comparison and the funnel plot."""

from datetime import date

import pytest

from audits import selectors, services
from tests.audits.factories import answers, criterion, fill, make_round, make_template


@pytest.fixture
def template(db):
    return make_template([criterion("advice", 90), criterion("imaging", 50)])


def test_results_leave_not_applicable_out_and_give_the_wilson_interval(practice_a, template):
    audit_round = make_round(practice_a, template, sample_size=20)
    fill(audit_round, {"advice": answers(18, 2), "imaging": answers(0, 5, 15)})
    advice, imaging = selectors.round_results(audit_round)
    assert (advice.met, advice.eligible, advice.not_applicable) == (18, 20, 0)
    assert advice.verdict_words == "cannot tell with this sample"
    assert advice.needed is None  # 90% observed against a 90% standard
    assert (imaging.met, imaging.eligible, imaging.not_applicable) == (0, 5, 15)
    assert imaging.low == 0.0 and imaging.high == pytest.approx(0.4345, abs=1e-4)
    assert imaging.verdict_words == "below the standard"


def test_a_straddling_result_says_how_many_cases_would_tell(practice_a, template):
    audit_round = make_round(practice_a, template, sample_size=10)
    fill(audit_round, {"advice": answers(8, 2), "imaging": answers(5, 5)})
    advice = selectors.round_results(audit_round)[0]
    assert advice.verdict == "cannot_tell"
    assert advice.needed == services_needed(0.8, 0.9)


def services_needed(p, standard):
    from audits.stats import sample_size_needed

    return sample_size_needed(p, standard)


def test_a_criterion_with_no_eligible_case_has_no_verdict(practice_a, template):
    audit_round = make_round(practice_a, template, sample_size=3)
    fill(audit_round, {"advice": answers(3, 0), "imaging": answers(0, 0, 3)})
    imaging = selectors.round_results(audit_round)[1]
    assert imaging.verdict_words == "no eligible cases" and imaging.percent is None


def test_a_reaudit_compares_each_criterion_across_versions_by_key(practice_a, template):
    first = make_round(practice_a, template, sample_size=10, period_end=date(2026, 1, 31))
    fill(first, {"advice": answers(2, 8), "imaging": answers(5, 5)})
    services.template_revise(
        template=template, version=1, criteria=[criterion("advice", 80), criterion("plan", 70)]
    )
    second = make_round(practice_a, template, sample_size=10, period_end=date(2026, 9, 30))
    fill(second, {"advice": answers(7, 3), "plan": answers(4, 6)})
    comparison = selectors.rounds_compared(second)
    assert comparison.rounds == [first, second]
    by_key = {row.key: row for row in comparison.rows}
    assert by_key["advice"].change == pytest.approx(50)
    assert by_key["plan"].cells[0] is None and by_key["plan"].change is None


def test_the_funnel_centre_is_the_programme_proportion_of_latest_complete_rounds(
    lead, programme, practice_a, practice_b, template
):
    # Centre 0.5; at n = 10 the 95% limits are 0.5 +/- 1.96 * 0.158 = 0.190 to 0.810.
    for practice, met in ((practice_a, 1), (practice_b, 9)):
        r = make_round(practice, template, sample_size=10)
        fill(r, {"advice": answers(met, 10 - met), "imaging": answers(1, 1, 8)})
        services.round_complete(audit_round=r)
    draft = make_round(practice_a, template, sample_size=10, period_end=date(2026, 12, 31))
    fill(draft, {"advice": answers(10, 0), "imaging": answers(1, 1, 8)})
    result = selectors.funnel(programme=programme, template=template, key="advice", user=lead)
    assert result.centre == pytest.approx(0.5)
    assert [(p.label, p.position) for p in result.points] == [
        ("Practice A", "low_95"),
        ("Practice B", "high_95"),
    ]
    assert [p.label for p in result.outside] == ["Practice A", "Practice B"]
