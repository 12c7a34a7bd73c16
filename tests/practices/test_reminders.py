from datetime import date, timedelta

import pytest

from messaging import services
from messaging.models import Message
from practices.selectors import open_actions_due, planned_visits
from tests.messaging.reminder_helpers import run
from tests.practices.factories import AgreedActionFactory, PracticeFactory, VisitFactory

TODAY = date(2027, 3, 3)  # a Wednesday


@pytest.fixture
def visit(practice_a, facilitator):
    return VisitFactory(practice=practice_a, facilitator=facilitator, visited_on=date(2027, 2, 1))


def action(visit, owner, due_on, **fields):
    return AgreedActionFactory(visit=visit, owner=owner, due_on=due_on, **fields)


def digest_body(facilitator) -> str:
    run("facilitator_digest", TODAY)
    message = Message.objects.filter(recipient=facilitator, kind="facilitator_digest").first()
    return message.body if message else ""


def test_an_overdue_action_is_in_the_facilitators_digest(visit, member_a, facilitator):
    action(visit, member_a, TODAY - timedelta(days=1), description="Print the leaflets")

    body = digest_body(facilitator)

    assert "Overdue agreed actions" in body
    assert "Practice A: Print the leaflets (Dr Amy A), due 2 Mar 2027" in body


def test_actions_due_this_coming_week_are_in_the_digest_and_later_ones_are_not(
    visit, member_a, facilitator
):
    action(visit, member_a, TODAY, description="Book the team meeting")
    action(visit, member_a, TODAY + timedelta(days=6), description="Audit ten notes")
    action(visit, member_a, TODAY + timedelta(days=7), description="Next month's audit")

    body = digest_body(facilitator)

    assert "Agreed actions falling due in the coming week" in body
    assert "Book the team meeting" in body and "Audit ten notes" in body
    assert "Next month's audit" not in body
    assert "Overdue agreed actions" not in body


def planned(practice, visited_on, topics, **fields):
    return VisitFactory(
        practice=practice,
        visited_on=visited_on,
        mode="video",
        topics=topics,
        duration_minutes=None,
        travel_minutes=0,
        notes="",
        **fields,
    )


def test_planned_visits_in_the_coming_week_are_in_the_digest_and_later_ones_are_not(
    programme, practice_a, facilitator
):
    planned(practice_a, TODAY, "Today's visit", facilitator=facilitator)
    planned(practice_a, TODAY + timedelta(days=6), "Sixth day", facilitator=facilitator)
    planned(practice_a, TODAY + timedelta(days=8), "Eighth day", facilitator=facilitator)
    planned(PracticeFactory(programme=programme), TODAY + timedelta(days=2), "Not my practice")
    # Recorded already (it has a duration): it happened, nothing to prepare for.
    VisitFactory(practice=practice_a, visited_on=TODAY, topics="Done this morning")

    body = digest_body(facilitator)

    assert "Visits in the coming week" in body
    assert "Practice A: video visit on 3 Mar 2027, Today's visit" in body
    assert "Practice A: video visit on 9 Mar 2027, Sixth day" in body
    for left_out in ("Eighth day", "Not my practice", "Done this morning"):
        assert left_out not in body


def test_planned_visits_of_many_practices_are_found_in_one_query(
    programme, django_assert_num_queries
):
    practices = [PracticeFactory(programme=programme) for _ in range(5)]
    for practice in practices:
        planned(practice, TODAY + timedelta(days=1), "Check-in")
        planned(practice, TODAY + timedelta(days=3), "Cycle review")

    with django_assert_num_queries(1):
        found = planned_visits(
            on_or_after=TODAY,
            before=TODAY + timedelta(days=7),
            practice_ids=[p.pk for p in practices],
        )

    assert sum(len(visits) for visits in found.values()) == 10


def test_a_done_action_is_not_overdue(visit, member_a, facilitator):
    action(
        visit,
        member_a,
        TODAY - timedelta(days=5),
        done_at=visit.created_at,
        done_by=member_a,
    )

    assert digest_body(facilitator) == ""


def test_the_digest_leaves_out_other_facilitators_practices(
    programme, visit, member_a, facilitator
):
    other = PracticeFactory(programme=programme, name="Practice Z")
    action(VisitFactory(practice=other), member_a, TODAY - timedelta(days=3), description="Z's")
    action(visit, member_a, TODAY - timedelta(days=3), description="Mine")

    body = digest_body(facilitator)

    assert "Mine" in body
    assert "Z's" not in body


def test_the_practice_lead_is_reminded_weekly_of_their_practices_overdue_actions(
    visit, member_a, patient_rep, member_b
):
    action(visit, member_a, TODAY - timedelta(days=2), description="Print the leaflets")
    action(visit, member_a, TODAY + timedelta(days=2), description="Not yet due")

    assert run("practice_overdue_actions", TODAY) == 1
    message = Message.objects.get()
    assert message.recipient == member_a
    assert message.period == "2027-W09"
    assert "Print the leaflets" in message.body
    assert "Not yet due" not in message.body
    # A beat that fires twice, and the rest of the week, send nothing new.
    assert run("practice_overdue_actions", TODAY) == 0
    assert run("practice_overdue_actions", TODAY + timedelta(days=4)) == 0
    # The next week, still overdue: reminded again.
    assert run("practice_overdue_actions", TODAY + timedelta(days=7)) == 1


def test_no_reminder_when_nothing_is_overdue(visit, member_a):
    action(visit, member_a, TODAY, description="Due today, not overdue")

    assert run("practice_overdue_actions", TODAY) == 0


def test_a_practice_lead_who_turned_reminders_off_is_not_reminded(visit, member_a):
    action(visit, member_a, TODAY - timedelta(days=2))
    services.preference_update(user=member_a, digests=True, reminders=False)

    assert run("practice_overdue_actions", TODAY) == 0


def test_overdue_actions_of_many_practices_are_found_in_one_query(
    programme, member_a, django_assert_num_queries
):
    for _ in range(5):
        visit = VisitFactory(practice=PracticeFactory(programme=programme))
        action(visit, member_a, TODAY - timedelta(days=1))
        action(visit, member_a, TODAY - timedelta(days=9))

    with django_assert_num_queries(1):
        found = open_actions_due(due_before=TODAY)

    assert sum(len(actions) for actions in found.values()) == 10
