from datetime import date, timedelta

from evidence.models import Status
from evidence.selectors import items_due_for_review
from messaging import services
from messaging.models import Message
from practices.access import evidence_curators
from tests.evidence.factories import EvidenceItemFactory
from tests.messaging.reminder_helpers import run
from tests.practices.factories import UserFactory

TODAY = date(2027, 3, 3)  # a Wednesday, in ISO week 9


def test_curators_are_reminded_of_items_past_their_review_date(lead, staff, member_a, facilitator):
    EvidenceItemFactory(title="NICE NG59", next_review_on=TODAY - timedelta(days=1))
    EvidenceItemFactory(title="Draft review", status=Status.DRAFT, next_review_on=TODAY)
    EvidenceItemFactory(title="Reviewed lately", next_review_on=TODAY + timedelta(days=30))
    EvidenceItemFactory(
        title="Retired guidance",
        status=Status.RETIRED,
        retired_reason="Superseded.",
        next_review_on=TODAY - timedelta(days=100),
    )

    assert run("evidence_review_due", TODAY) == 2

    messages = Message.objects.all()
    assert {m.recipient for m in messages} == {lead, staff}
    body = messages[0].body
    assert "NICE NG59: review was due 2 Mar 2027" in body
    assert "Draft review" in body
    assert "Reviewed lately" not in body and "Retired guidance" not in body
    assert messages[0].subject == "2 evidence item(s) due for review"
    assert {m.period for m in messages} == {"2027-W09"}


def test_the_review_reminder_goes_once_a_week(lead):
    EvidenceItemFactory(next_review_on=TODAY - timedelta(days=1))
    run("evidence_review_due", TODAY)

    assert run("evidence_review_due", TODAY) == 0
    assert run("evidence_review_due", TODAY + timedelta(days=4)) == 0
    assert run("evidence_review_due", TODAY + timedelta(days=7)) == 1


def test_nothing_is_sent_when_no_item_is_due(lead, staff):
    EvidenceItemFactory(next_review_on=TODAY + timedelta(days=1))
    EvidenceItemFactory(next_review_on=None)

    assert run("evidence_review_due", TODAY) == 0


def test_a_curator_who_turned_reminders_off_is_not_reminded(lead, staff):
    EvidenceItemFactory(next_review_on=TODAY - timedelta(days=1))
    services.preference_update(user=lead, digests=True, reminders=False)

    run("evidence_review_due", TODAY)

    assert [m.recipient for m in Message.objects.all()] == [staff]


def test_curators_are_programme_leads_and_active_staff(lead, staff, member_a, facilitator):
    UserFactory(is_staff=True, is_active=False)

    assert set(evidence_curators()) == {lead, staff}


def test_items_due_and_curators_are_found_in_one_query_each(lead, staff, django_assert_num_queries):
    for days in range(6):
        EvidenceItemFactory(next_review_on=TODAY - timedelta(days=days))

    with django_assert_num_queries(2):
        items = items_due_for_review(today=TODAY)
        curators = list(evidence_curators())

    assert (len(items), len(curators)) == (6, 2)
