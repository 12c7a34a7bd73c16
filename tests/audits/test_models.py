"""Audit models hold their invariants."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from audits.models import AuditRound
from tests.audits.factories import make_round, make_template


def test_a_round_cannot_end_before_it_starts(practice_a):
    with pytest.raises(ValidationError):
        make_round(practice_a, make_template(), period_start=date(2026, 4, 1))


@pytest.mark.parametrize("size", [0, 501])
def test_a_sample_is_between_one_and_five_hundred(practice_a, size):
    with pytest.raises(ValidationError):
        make_round(practice_a, make_template(), sample_size=size)


def test_the_database_refuses_a_sample_out_of_bounds(practice_a):
    audit_round = make_round(practice_a, make_template())
    with pytest.raises(IntegrityError):
        AuditRound.objects.filter(pk=audit_round.pk).update(sample_size=0)


def test_a_round_names_its_template_practice_and_month(practice_a):
    audit_round = make_round(practice_a, make_template(name="Back pain audit"))
    assert str(audit_round) == "Back pain audit at Practice A, Mar 2026"
