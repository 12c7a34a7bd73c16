"""A programme's and a practice's numbers are bounded to what they can mean."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from practices.models import MAX_LIST_SIZE, MAX_STALE_CYCLE_DAYS


@pytest.mark.parametrize("size", [MAX_LIST_SIZE + 1, 10**20])
def test_a_list_size_no_practice_has_is_refused_with_a_message(practice_a, size):
    practice_a.list_size = size
    with pytest.raises(ValidationError) as raised:
        practice_a.full_clean()
    assert "check the list size" in raised.value.message_dict["list_size"][0]


def test_a_list_size_of_a_million_is_kept(practice_a):
    practice_a.list_size = MAX_LIST_SIZE
    practice_a.full_clean()


@pytest.mark.parametrize("days", [MAX_STALE_CYCLE_DAYS + 1, 30000, 0])
def test_stale_cycle_days_beyond_a_year_or_below_one_are_refused(programme, days):
    programme.stale_cycle_days = days
    with pytest.raises(ValidationError) as raised:
        programme.full_clean()
    assert "stale_cycle_days" in raised.value.message_dict


def test_stale_cycle_days_of_a_year_are_kept(programme):
    programme.stale_cycle_days = MAX_STALE_CYCLE_DAYS
    programme.full_clean()


def test_a_time_summary_for_a_facilitator_id_beyond_any_key_shows_the_default(login, lead):
    url = reverse("time_summary") + f"?facilitator={10**20}"
    assert login(lead).get(url).status_code == 200


def test_a_visit_action_with_an_owner_id_beyond_any_key_is_an_invalid_choice(
    login, facilitator, practice_a
):
    response = login(facilitator).post(
        reverse("visit_create", args=[practice_a.pk]),
        {
            "visited_on": "2026-04-19",
            "mode": "video",
            "duration_minutes": "45",
            "travel_minutes": "0",
            "participants": [str(10**20)],
            "topics": "Measures",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-pk": str(10**20),
            "actions-0-description": "Collect baseline data",
            "actions-0-owner": str(10**20),
            "actions-0-due_on": "2026-05-01",
        },
    )
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors
