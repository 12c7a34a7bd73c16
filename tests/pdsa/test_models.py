from datetime import date

import pytest
from django.db import IntegrityError

from pdsa.models import DataPoint, Driver, PDSACycle
from tests.pdsa.factories import DataPointFactory


def test_the_database_refuses_a_numerator_above_its_denominator(measure):
    with pytest.raises(IntegrityError):
        DataPoint.objects.create(
            measure=measure, period=date(2026, 1, 1), numerator=3, denominator=2
        )


def test_the_database_refuses_two_values_for_one_period(measure):
    DataPointFactory(measure=measure, period=date(2026, 1, 1))
    with pytest.raises(IntegrityError):
        DataPointFactory(measure=measure, period=date(2026, 1, 1))


def test_a_secondary_driver_without_a_primary_is_refused(plan):
    with pytest.raises(IntegrityError):
        Driver.objects.create(plan=plan, level="secondary", text="Orphan")


def test_an_abandoned_cycle_must_say_why(plan):
    with pytest.raises(IntegrityError):
        PDSACycle.objects.create(plan=plan, title="T", stage="abandoned")


def test_a_proportion_is_charted_as_a_fraction(measure):
    assert DataPointFactory(measure=measure, numerator=5, denominator=20).plotted == 0.25


def test_a_proportion_target_is_charted_as_a_fraction(measure):
    measure.target = 80
    assert measure.target_as_fraction() == 0.8
