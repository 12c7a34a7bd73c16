"""One stale-cycle rule: the digest, the dashboards and the queryset agree at every moment.

A cycle is stale once more than its programme's threshold of whole Europe/London days has
passed since its last change. These tests put cycles and clocks either side of London
midnight and of both clock changes, and ask each reader of the rule.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dashboards.selectors import build_practice_rows, dashboard_practices
from pdsa.models import PDSACycle, Stage, goes_stale_at, stale_cutoff
from pdsa.reminders import stale_cycle_lines
from pdsa.selectors import stale_cycles
from practices.models import DEFAULT_STALE_CYCLE_DAYS, Practice
from tests import write_guard
from tests.pdsa.factories import PDSACycleFactory

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def cycle_changed_at(plan, moment: datetime) -> PDSACycle:
    with time_machine.travel(moment, tick=False):
        return PDSACycleFactory(plan=plan, stage=Stage.DO)


def verdicts(practice, facilitator, now: datetime) -> dict[str, bool]:
    """Whether each reader of the rule calls the practice's one open cycle stale at `now`."""
    today = now.astimezone(LONDON).date()
    with time_machine.travel(now, tick=False):
        row = build_practice_rows([practice.pk], now=now)[0]
        annotated = dashboard_practices(
            Practice.objects.filter(pk=practice.pk), today=today, now=now
        ).get()
        digest = stale_cycle_lines({facilitator.pk: [practice]}, today)
        return {
            "queryset": PDSACycle.objects.stale(now).exists(),
            "digest selector": bool(stale_cycles(practice_ids=[practice.pk], today=today)),
            "digest": bool(digest.get(facilitator.pk)),
            "dashboard row": bool(row.stale_cycles),
            "dashboard sort": annotated.stale_cycles == 1,
        }


# (last change, moment asked, stale?) with the default 14-day threshold.
BOUNDARIES = [
    # Changed late in the evening: fine through the 14th whole day after, stale at midnight.
    (london(2027, 1, 4, 23, 59), london(2027, 1, 18, 23, 59), False),
    (london(2027, 1, 4, 23, 59), london(2027, 1, 19, 0, 1), True),
    # Changed just after midnight: the same day counts, however many hours are left of it.
    (london(2027, 1, 5, 0, 1), london(2027, 1, 19, 23, 59), False),
    (london(2027, 1, 5, 0, 1), london(2027, 1, 20, 0, 0), True),
    # In British Summer Time, where London midnight is 23:00 UTC the day before.
    (london(2027, 6, 1, 0, 30), london(2027, 6, 15, 23, 30), False),
    (london(2027, 6, 1, 0, 30), london(2027, 6, 16, 0, 0), True),
    # Across the spring clock change (28 March 2027: a 23-hour day).
    (london(2027, 3, 20, 12, 0), london(2027, 4, 3, 23, 59), False),
    (london(2027, 3, 20, 12, 0), london(2027, 4, 4, 0, 0), True),
    # Across the autumn clock change (31 October 2027: a 25-hour day).
    (london(2027, 10, 20, 23, 30), london(2027, 11, 3, 23, 59), False),
    (london(2027, 10, 20, 23, 30), london(2027, 11, 4, 0, 0), True),
]


@pytest.mark.parametrize(("changed", "asked", "stale"), BOUNDARIES)
def test_the_digest_dashboard_and_queryset_agree_at_the_boundaries(
    plan, facilitator, changed, asked, stale
):
    cycle_changed_at(plan, changed)

    found = verdicts(plan.practice, facilitator, asked)

    assert found == dict.fromkeys(found, stale)


@pytest.mark.parametrize(("changed", "asked", "stale"), BOUNDARIES)
def test_a_cycle_goes_stale_at_the_moment_its_cutoff_passes_it(changed, asked, stale):
    days = DEFAULT_STALE_CYCLE_DAYS

    assert (goes_stale_at(changed, days) <= asked) is stale
    assert (changed < stale_cutoff(asked, days)) is stale


def test_a_cycle_goes_stale_at_a_london_midnight():
    moment = goes_stale_at(london(2027, 3, 20, 12, 0), 14)

    assert moment == london(2027, 4, 4, 0, 0)
    assert moment.astimezone(UTC) == datetime(2027, 4, 3, 23, 0, tzinfo=UTC)


def test_the_digest_reports_whole_london_days_without_an_update(plan, facilitator):
    cycle_changed_at(plan, london(2027, 1, 4, 23, 59))

    lines = stale_cycle_lines({facilitator.pk: [plan.practice]}, date(2027, 1, 19))

    assert "no update for 15 days (last on 4 Jan 2027)" in lines[facilitator.pk][0]


def test_each_programme_keeps_its_own_threshold(plan, facilitator):
    plan.practice.programme.stale_cycle_days = 3
    plan.practice.programme.save()
    cycle_changed_at(plan, london(2027, 1, 4, 9, 0))

    assert verdicts(plan.practice, facilitator, london(2027, 1, 7, 23, 59)) == dict.fromkeys(
        ["queryset", "digest selector", "digest", "dashboard row", "dashboard sort"], False
    )
    assert all(verdicts(plan.practice, facilitator, london(2027, 1, 8, 0, 0)).values())


def test_a_closed_cycle_is_never_stale(plan):
    cycle = cycle_changed_at(plan, london(2026, 1, 1, 9, 0))
    with write_guard.unmarked_writes("a closed cycle set up behind the services"):
        PDSACycle.objects.filter(pk=cycle.pk).update(stage=Stage.COMPLETE)

    assert not PDSACycle.objects.stale(london(2027, 1, 1, 9, 0)).exists()
    assert not PDSACycle.objects.open().exists()
