from django.http import QueryDict

from audits.forms import CriterionFormSet, RoundEditForm, RoundForm
from audits.models import AuditTemplate
from pdsa.models import PDSACycle
from tests.audits.factories import make_round, make_template

TOO_BIG_AN_ID = str(10**30)


def test_a_round_refuses_a_template_id_beyond_any_key_as_an_invalid_choice(db):
    form = RoundForm(
        {
            "template": TOO_BIG_AN_ID,
            "period_start": "2026-01-01",
            "period_end": "2026-02-01",
            "sample_size": "30",
        }
    )
    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["template"][0]
    assert not AuditTemplate.objects.exists()


def test_a_round_edit_refuses_a_cycle_id_beyond_any_key_as_an_invalid_choice(practice_a):
    audit_round = make_round(practice_a, make_template())
    form = RoundEditForm(
        {
            "version": str(audit_round.version),
            "period_start": "2026-01-01",
            "period_end": "2026-02-01",
            "sample_size": "30",
            "cycles": [TOO_BIG_AN_ID],
        },
        instance=audit_round,
        cycles=PDSACycle.objects.all(),
    )
    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["cycles"][0]


def test_a_criterion_with_a_refused_key_is_reported_not_a_crash(db):
    data = QueryDict(mutable=True)
    data.update({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-key": "x" * 100_000})
    formset = CriterionFormSet(data)
    assert not formset.is_valid()
    assert formset.errors[0]
