from datetime import date

import pytest
import time_machine
from django.utils import timezone

from practices import selectors
from practices.models import VisitMode
from tests.practices.factories import (
    AgreedActionFactory,
    MembershipFactory,
    PracticeFactory,
    UserFactory,
    VisitFactory,
)


def _practice_with_history(programme, visits: int):
    practice = PracticeFactory(programme=programme)
    owner = UserFactory()
    MembershipFactory(practice=practice, user=owner)
    for number in range(visits):
        visit = VisitFactory(practice=practice, visited_on=date(2026, 2, 1 + number))
        AgreedActionFactory(visit=visit, owner=owner, due_on=date(2026, 3, 20 - number))
        AgreedActionFactory(
            visit=visit, owner=owner, done_at=timezone.now(), done_by=owner, due_on=date(2026, 3, 1)
        )
    return practice


@pytest.mark.parametrize("practices", [2, 25])
def test_visit_summaries_take_two_queries_for_any_number_of_practices(
    programme, practices, django_assert_num_queries
):
    ids = [_practice_with_history(programme, visits=3).pk for _ in range(practices)]
    never_visited = PracticeFactory(programme=programme)
    with django_assert_num_queries(2):
        summaries = selectors.visit_summaries([*ids, never_visited.pk])
    first = summaries[ids[0]]
    assert first.last_visit_on == date(2026, 2, 3)
    assert [a.due_on for a in first.open_actions] == [
        date(2026, 3, 18),
        date(2026, 3, 19),
        date(2026, 3, 20),
    ]
    assert first.next_due_on == date(2026, 3, 18)
    assert first.overdue_count(date(2026, 3, 19)) == 1
    assert summaries[never_visited.pk].last_visit_on is None
    assert summaries[never_visited.pk].open_actions == []


def _planned(practice, visited_on, **extra):
    return VisitFactory(
        practice=practice,
        visited_on=visited_on,
        duration_minutes=None,
        travel_minutes=0,
        notes="",
        **extra,
    )


def test_a_planned_visit_is_the_next_visit_never_the_last(practice_a, practice_b):
    VisitFactory(practice=practice_a, visited_on=date(2026, 3, 10))
    _planned(practice_a, date(2026, 3, 27))
    _planned(practice_a, date(2026, 3, 24))
    # Planned for a day now past and never completed: it did not (knowingly) happen.
    _planned(practice_b, date(2026, 3, 18))

    summaries = selectors.visit_summaries([practice_a.pk, practice_b.pk], today=date(2026, 3, 20))

    assert summaries[practice_a.pk].last_visit_on == date(2026, 3, 10)
    assert summaries[practice_a.pk].next_visit_on == date(2026, 3, 24)
    assert summaries[practice_b.pk].last_visit_on is None
    assert summaries[practice_b.pk].next_visit_on is None


def test_visit_summaries_of_no_practices_is_empty():
    assert selectors.visit_summaries([]) == {}


@time_machine.travel("2026-04-20 10:00 +0100", tick=False)
def test_the_time_summary_adds_on_site_remote_and_travel_per_practice_and_month(
    practice_a, practice_b, facilitator, lead
):
    other = UserFactory(full_name="Zed Other")

    def log(practice, who, day, mode, duration, travel=0):
        VisitFactory(
            practice=practice,
            facilitator=who,
            visited_on=day,
            mode=mode,
            duration_minutes=duration,
            travel_minutes=travel,
        )

    log(practice_a, facilitator, date(2026, 3, 2), VisitMode.ON_SITE, 90, 40)
    log(practice_a, facilitator, date(2026, 3, 31), VisitMode.ON_SITE, 60, 35)
    log(practice_a, facilitator, date(2026, 3, 15), VisitMode.PHONE, 20)
    log(practice_a, facilitator, date(2026, 3, 16), VisitMode.EMAIL, 15)
    log(practice_a, facilitator, date(2026, 4, 1), VisitMode.VIDEO, 45)
    log(practice_b, other, date(2026, 3, 5), VisitMode.ON_SITE, 30, 10)
    log(practice_a, facilitator, date(2025, 12, 31), VisitMode.ON_SITE, 999, 99)  # before start
    _planned(practice_a, date(2026, 4, 25), facilitator=facilitator)  # not happened yet
    _planned(practice_a, date(2026, 4, 2), facilitator=facilitator)  # passed, never completed

    rows = selectors.time_summary(
        user=facilitator, start=date(2026, 1, 1), end=date(2026, 12, 31), own_only=True
    )
    assert [(r.practice_name, r.month, r.visits) for r in rows] == [
        ("Practice A", date(2026, 3, 1), 4),
        ("Practice A", date(2026, 4, 1), 1),
    ]
    march = rows[0]
    assert (march.on_site_minutes, march.remote_minutes, march.travel_minutes) == (150, 35, 75)
    assert march.total_minutes == 260

    groups = selectors.time_groups(
        selectors.time_summary(
            user=lead, start=date(2026, 1, 1), end=date(2026, 12, 31), own_only=False
        )
    )
    assert [g.facilitator_name for g in groups] == ["Fran Facilitator", "Zed Other"]
    assert (groups[0].on_site_minutes, groups[0].remote_minutes) == (150, 80)
    assert (groups[0].travel_minutes, groups[0].total_minutes, groups[0].visits) == (75, 305, 5)
    assert groups[1].total_minutes == 40
