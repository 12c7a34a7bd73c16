import pytest
from django.core.exceptions import ValidationError

from practices.models import AgreedAction


def test_an_action_takes_the_practice_of_its_visit(visit, member_a):
    action = AgreedAction(visit=visit, owner=member_a, description="X", due_on=visit.visited_on)
    action.full_clean()
    assert action.practice_id == visit.practice_id


def test_an_action_cannot_claim_another_practice(visit, member_a, practice_b):
    action = AgreedAction(
        visit=visit, practice=practice_b, owner=member_a, description="X", due_on=visit.visited_on
    )
    with pytest.raises(ValidationError):
        action.full_clean()


def test_an_action_is_overdue_only_after_its_due_date(action):
    assert not action.is_overdue(today=action.due_on)
    assert action.is_overdue(today=action.due_on.replace(day=action.due_on.day + 1))
