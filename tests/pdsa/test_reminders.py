from datetime import date, timedelta

import pytest
import time_machine

from messaging import services
from messaging.models import Message
from pdsa.models import Stage
from pdsa.selectors import last_completed_period, measure_data_due, stale_cycles
from practices import reminders as digest
from tests.messaging.reminder_helpers import at, run
from tests.pdsa.factories import DataPointFactory, MeasureFactory, PDSACycleFactory
from tests.practices.factories import FacilitatorAssignmentFactory, PracticeFactory

TODAY = date(2027, 3, 3)  # a Wednesday: last week is 22-28 Feb, last month February


def cycle_updated_days_ago(plan, days: int, **fields):
    with time_machine.travel(at(TODAY - timedelta(days=days), hour=12), tick=False):
        return PDSACycleFactory(plan=plan, **fields)


@pytest.fixture
def digest_of(facilitator):
    def _digest():
        run("facilitator_digest", TODAY)
        message = Message.objects.filter(recipient=facilitator, kind="facilitator_digest").first()
        return message.body if message else ""

    return _digest


# Stale cycles in the facilitators' digest


def test_a_cycle_with_no_update_for_15_days_is_in_the_facilitators_digest(plan, digest_of):
    cycle_updated_days_ago(plan, 15, title="Leaflet in reception")

    body = digest_of()

    assert "Stale PDSA cycles" in body
    assert "Practice A: Leaflet in reception (cycle 1), no update for 15 days" in body


def test_cycles_updated_13_or_14_days_ago_are_not_stale(plan, digest_of):
    cycle_updated_days_ago(plan, 13, title="Thirteen days")
    cycle_updated_days_ago(plan, 14, title="Fourteen days")

    assert digest_of() == ""
    assert not Message.objects.exists()


def test_the_stale_threshold_is_the_programmes_setting(programme, plan, digest_of):
    programme.stale_cycle_days = 20
    programme.save()
    cycle_updated_days_ago(plan, 15, title="Fifteen days")
    cycle_updated_days_ago(plan, 21, title="Three weeks")

    body = digest_of()

    assert "Three weeks" in body
    assert "Fifteen days" not in body


def test_finished_cycles_are_never_stale(plan, digest_of):
    cycle_updated_days_ago(plan, 40, title="Done", stage=Stage.COMPLETE)
    cycle_updated_days_ago(
        plan, 40, title="Dropped", stage=Stage.ABANDONED, abandoned_reason="No time."
    )

    assert digest_of() == ""


def test_another_facilitators_stale_cycle_is_not_in_my_digest(programme, plan, digest_of):
    other = PracticeFactory(programme=programme, name="Practice Z")
    FacilitatorAssignmentFactory(practice=other)
    cycle_updated_days_ago(MeasureFactory(plan__practice=other).plan, 30, title="Elsewhere")
    cycle_updated_days_ago(plan, 30, title="Mine")

    body = digest_of()

    assert "Mine" in body
    assert "Elsewhere" not in body


def test_stale_cycles_are_found_in_one_query(programme, django_assert_num_queries):
    practices = [PracticeFactory(programme=programme) for _ in range(5)]
    for practice in practices:
        plan = MeasureFactory(plan__practice=practice).plan
        cycle_updated_days_ago(plan, 20)
        cycle_updated_days_ago(plan, 30)

    with django_assert_num_queries(1):
        found = stale_cycles(
            practice_ids=[p.pk for p in practices],
            today=TODAY,
            thresholds=[programme.stale_cycle_days],
        )

    assert sum(len(cycles) for cycles in found.values()) == 10


def test_without_the_thresholds_stale_cycles_read_them_in_one_more_query(
    programme, django_assert_num_queries
):
    plan = MeasureFactory(plan__practice=PracticeFactory(programme=programme)).plan
    cycle_updated_days_ago(plan, 20)

    with django_assert_num_queries(2):
        found = stale_cycles(practice_ids=[plan.practice_id], today=TODAY)

    assert sum(len(cycles) for cycles in found.values()) == 1


# Measure data due, for the practice leads


def test_the_last_completed_period_is_last_week_or_last_month():
    assert last_completed_period("weekly", TODAY) == (date(2027, 2, 22), date(2027, 3, 1))
    assert last_completed_period("monthly", TODAY) == (date(2027, 2, 1), date(2027, 3, 1))
    assert last_completed_period("monthly", date(2027, 1, 15)) == (
        date(2026, 12, 1),
        date(2027, 1, 1),
    )


@pytest.fixture
def measures(plan):
    monthly_missing = MeasureFactory(plan=plan, name="Leaflets given", frequency="monthly")
    monthly_entered = MeasureFactory(plan=plan, name="Imaging requests", frequency="monthly")
    DataPointFactory(measure=monthly_entered, period=date(2027, 2, 1))
    weekly_missing = MeasureFactory(plan=plan, name="STarT Back scores", frequency="weekly")
    DataPointFactory(measure=weekly_missing, period=date(2027, 2, 15))  # the week before
    weekly_entered = MeasureFactory(plan=plan, name="Referrals", frequency="weekly")
    DataPointFactory(measure=weekly_entered, period=date(2027, 2, 22))
    return {
        "monthly_missing": monthly_missing,
        "monthly_entered": monthly_entered,
        "weekly_missing": weekly_missing,
        "weekly_entered": weekly_entered,
    }


def test_the_practice_lead_hears_of_measures_with_no_data_for_the_last_period(
    measures, member_a, patient_rep, member_b
):
    assert run("measure_data_due", TODAY) == 2

    messages = {m.subject_key: m for m in Message.objects.all()}
    assert {m.recipient for m in messages.values()} == {member_a}
    practice_id = measures["monthly_missing"].plan.practice_id
    monthly = messages[f"practice:{practice_id}:monthly"]
    weekly = messages[f"practice:{practice_id}:weekly"]
    assert monthly.period == "2027-02-01"
    assert weekly.period == "2027-02-22"
    assert "Leaflets given" in monthly.body and "February 2027" in monthly.subject
    assert "Imaging requests" not in monthly.body
    assert "STarT Back scores" in weekly.body and "week beginning 22 Feb 2027" in weekly.body
    assert "Referrals" not in weekly.body


def test_data_reminders_are_sent_once_per_period(measures, member_a):
    run("measure_data_due", TODAY)

    assert run("measure_data_due", TODAY) == 0
    assert run("measure_data_due", TODAY + timedelta(days=2)) == 0
    # Next Monday last week is a new period for the weekly measures.
    assert run("measure_data_due", date(2027, 3, 8)) == 1
    assert Message.objects.count() == 3


def test_no_data_is_due_when_everything_was_entered(measures, member_a):
    DataPointFactory(measure=measures["monthly_missing"], period=date(2027, 2, 1))
    DataPointFactory(measure=measures["weekly_missing"], period=date(2027, 2, 22))

    assert run("measure_data_due", TODAY) == 0


def test_a_closed_plan_or_one_not_started_owes_no_data(plan, member_a):
    MeasureFactory(plan=plan, frequency="monthly")
    plan.status = "closed"
    plan.save()
    assert run("measure_data_due", TODAY) == 0

    plan.status = "active"
    plan.start_date = date(2027, 3, 1)
    plan.save()
    assert run("measure_data_due", TODAY) == 0


def test_a_practice_lead_who_turned_reminders_off_gets_no_data_reminder(measures, member_a):
    services.preference_update(user=member_a, digests=True, reminders=False)

    assert run("measure_data_due", TODAY) == 0
    assert not Message.objects.exists()


def test_data_due_is_computed_in_one_query(programme, django_assert_num_queries):
    for _ in range(6):
        MeasureFactory(plan__practice=PracticeFactory(programme=programme), frequency="weekly")
        MeasureFactory(plan__practice=PracticeFactory(programme=programme), frequency="monthly")

    with django_assert_num_queries(1):
        due = measure_data_due(today=TODAY)

    assert len(due) == 12


def test_the_digest_builder_is_registered_for_stale_cycles():
    assert "Stale PDSA cycles" in digest.DIGEST_SECTIONS
