from datetime import date

import pytest
import time_machine
from django.urls import reverse

from practices import services
from practices.models import AgreedAction, Visit
from tests.practices.conftest import PRIVATE_TEXT
from tests.practices.factories import (
    AgreedActionFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    PracticeFactory,
    UserFactory,
    VisitFactory,
)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-04-20 10:00 +0100", tick=False):
        yield


def _urls(visit, action):
    practice = visit.practice_id
    return {
        "visit_list": reverse("visit_list", args=[practice]),
        "visit_detail": reverse("visit_detail", args=[visit.pk]),
        "action_list": reverse("action_list", args=[practice]),
        "visit_create": reverse("visit_create", args=[practice]),
        "visit_edit": reverse("visit_edit", args=[visit.pk]),
    }


@pytest.mark.parametrize(
    "name", ["visit_list", "visit_detail", "action_list", "visit_create", "visit_edit"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, visit, action, name):
    response = client.get(_urls(visit, action)[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["visit_list", "visit_detail", "action_list", "visit_create", "visit_edit"]
)
def test_an_outsider_gets_404(login, member_b, visit, action, name):
    assert login(member_b).get(_urls(visit, action)[name]).status_code == 404


@pytest.mark.parametrize("who", ["member_a", "patient_rep", "facilitator", "lead", "staff"])
@pytest.mark.parametrize("name", ["visit_list", "visit_detail", "action_list"])
def test_the_team_facilitator_lead_and_staff_see_the_visit_log(
    login, visit, action, who, name, request
):
    expected = {"visit_list": "Triage leaflet"}.get(name, "Print the leaflet")
    response = login(request.getfixturevalue(who)).get(_urls(visit, action)[name])
    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.parametrize("who", ["member_a", "patient_rep", "lead"])
@pytest.mark.parametrize("name", ["visit_create", "visit_edit"])
def test_only_the_facilitator_logs_and_edits_visits(login, visit, action, who, name, request):
    assert login(request.getfixturevalue(who)).get(_urls(visit, action)[name]).status_code == 404


@pytest.mark.parametrize("who", ["member_a", "patient_rep"])
def test_the_practice_never_sees_the_private_notes(login, visit, action, who, request):
    client = login(request.getfixturevalue(who))
    for url in _urls(visit, action).values():
        response = client.get(url)
        if response.status_code == 200:
            assert PRIVATE_TEXT not in response.content.decode()
            assert "Private notes" not in response.content.decode()


@pytest.mark.parametrize("who", ["facilitator", "lead"])
def test_the_facilitator_and_the_lead_read_the_private_notes(login, visit, who, request):
    response = login(request.getfixturevalue(who)).get(reverse("visit_detail", args=[visit.pk]))
    assert PRIVATE_TEXT in response.content.decode()


def test_the_visit_list_shows_visits_newest_first(login, visit, member_a, practice_a):
    VisitFactory(practice=practice_a, facilitator=visit.facilitator, visited_on=date(2026, 4, 1))
    response = login(member_a).get(reverse("visit_list", args=[practice_a.pk]))
    dates = [v.visited_on for v in response.context["visits"]]
    assert dates == [date(2026, 4, 1), date(2026, 3, 10)]


def test_the_facilitator_logs_a_visit_with_an_action(login, facilitator, practice_a, member_a):
    response = login(facilitator).post(
        reverse("visit_create", args=[practice_a.pk]),
        {
            "visited_on": "2026-04-19",
            "mode": "video",
            "duration_minutes": "45",
            "travel_minutes": "0",
            "participants": [member_a.pk],
            "topics": "Measures",
            "notes": "",
            "private_notes": "",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Collect baseline data",
            "actions-0-owner": member_a.pk,
            "actions-0-due_on": "2026-05-01",
            "actions-1-description": "",
            "actions-1-owner": "",
            "actions-1-due_on": "",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("visit_detail", args=[visit.pk])
    assert visit.facilitator == facilitator
    assert [a.description for a in visit.actions.all()] == ["Collect baseline data"]


def _planned(practice, facilitator, visited_on, **extra):
    values = {"mode": "video", "topics": "Plan the second cycle", **extra}
    return VisitFactory(
        practice=practice,
        facilitator=facilitator,
        visited_on=visited_on,
        duration_minutes=None,
        travel_minutes=0,
        notes="",
        **values,
    )


def _plan_data(**extra):
    data = {
        "visited_on": "2026-04-24",
        "mode": "video",
        "duration_minutes": "",
        "travel_minutes": "0",
        "topics": "Plan the second cycle",
        "notes": "",
        "private_notes": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "",
        "actions-0-owner": "",
        "actions-0-due_on": "",
    }
    return {**data, **extra}


def test_the_facilitator_plans_a_visit_for_a_future_date(login, facilitator, practice_a):
    response = login(facilitator).post(reverse("visit_create", args=[practice_a.pk]), _plan_data())

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert visit.is_planned and visit.duration_minutes is None
    page = login(facilitator).get(response.url).content.decode()
    assert "Planned: Video visit on 24 Apr 2026" in page
    assert "This visit is planned." in page
    assert "No actions were agreed." not in page


@pytest.mark.parametrize(
    "field, value",
    [
        ("duration_minutes", "60"),
        ("travel_minutes", "20"),
        ("notes", "How it went"),
        ("private_notes", "Mine"),
        ("other_participants", "ICB pharmacist"),
    ],
)
def test_a_planned_visit_refuses_what_is_known_only_afterwards_next_to_the_field(
    login, facilitator, practice_a, field, value
):
    response = login(facilitator).post(
        reverse("visit_create", args=[practice_a.pk]), _plan_data(**{field: value})
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert "Leave this empty for a planned visit" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_planned_visit_refuses_who_took_part(login, facilitator, practice_a, member_a):
    response = login(facilitator).post(
        reverse("visit_create", args=[practice_a.pk]), _plan_data(participants=[member_a.pk])
    )

    assert list(response.context["form"].errors) == ["participants"]
    assert not Visit.objects.exists()


def test_a_planned_visit_refuses_agreed_actions_above_the_actions(
    login, facilitator, practice_a, member_a
):
    data = _plan_data(
        **{
            "actions-0-description": "Audit",
            "actions-0-owner": member_a.pk,
            "actions-0-due_on": "2026-05-01",
        }
    )
    response = login(facilitator).post(reverse("visit_create", args=[practice_a.pk]), data)

    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["formset"].non_form_errors() == [
        "Actions are agreed at a visit that has happened: remove them, or change the date "
        "to today or earlier."
    ]
    assert not Visit.objects.exists()


def test_a_visit_that_has_happened_needs_its_duration(login, facilitator, practice_a):
    response = login(facilitator).post(
        reverse("visit_create", args=[practice_a.pk]), _plan_data(visited_on="2026-04-20")
    )

    assert response.context["form"].errors == {
        "duration_minutes": ["Enter how long the visit took."]
    }
    assert not Visit.objects.exists()


def test_the_facilitator_completes_a_planned_visit_once_it_has_happened(
    login, facilitator, practice_a, member_a
):
    visit = _planned(practice_a, facilitator, date(2026, 4, 24))
    data = _plan_data(
        version=str(visit.version),
        duration_minutes="50",
        notes="Went well",
        participants=[member_a.pk],
        **{
            "actions-0-description": "Audit",
            "actions-0-owner": member_a.pk,
            "actions-0-due_on": "2026-05-01",
        },
    )
    with time_machine.travel("2026-04-24 16:00 +0100", tick=False):
        response = login(facilitator).post(reverse("visit_edit", args=[visit.pk]), data)

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.duration_minutes == 50
    assert [a.description for a in visit.actions.all()] == ["Audit"]


def test_the_visit_list_shows_upcoming_visits_apart_soonest_first(
    login, member_a, visit, facilitator, practice_a
):
    _planned(practice_a, facilitator, date(2026, 4, 30), topics="Later one")
    _planned(practice_a, facilitator, date(2026, 4, 22), topics="Sooner one")

    response = login(member_a).get(reverse("visit_list", args=[practice_a.pk]))

    assert [v.topics for v in response.context["upcoming"]] == ["Sooner one", "Later one"]
    assert response.context["past"] == [visit]
    page = response.content.decode()
    assert "Upcoming visits" in page
    assert page.index("22 Apr 2026") < page.index("30 Apr 2026") < page.index("10 Mar 2026")


def test_the_practice_page_shows_the_next_planned_visit_but_not_as_the_last(
    login, member_a, visit, facilitator, practice_a
):
    _planned(practice_a, facilitator, date(2026, 4, 22))

    page = login(member_a).get(reverse("practice_detail", args=[practice_a.pk])).content.decode()

    assert "Last visit: 10 Mar 2026" in page
    assert "Next planned visit: 22 Apr 2026" in page


def test_a_planned_visit_is_404_to_an_outsider_and_needs_sign_in(
    client, login, member_b, member_a, facilitator, practice_a
):
    planned = _planned(practice_a, facilitator, date(2026, 4, 22))
    url = reverse("visit_detail", args=[planned.pk])

    assert client.get(url).status_code == 302
    assert login(member_b).get(url).status_code == 404
    assert login(member_a).get(url).status_code == 200


def _form_data(member, **extra):
    data = {
        "visited_on": "2026-04-19",
        "mode": "on_site",
        "duration_minutes": "60",
        "travel_minutes": "30",
        "topics": "Driver diagram",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "",
        "actions-0-owner": "",
        "actions-0-due_on": "",
    }
    return {**data, **extra}


def test_add_another_action_works_without_javascript(login, facilitator, practice_a, member_a):
    response = login(facilitator).post(
        reverse("visit_create", args=[practice_a.pk]), _form_data(member_a, add_action="1")
    )
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 2
    assert not response.context["form"].errors
    assert not Visit.objects.exists()


def test_bad_input_is_shown_next_to_the_field_and_kept(login, facilitator, practice_a, member_a):
    response = login(facilitator).post(
        reverse("visit_create", args=[practice_a.pk]),
        _form_data(member_a, mode="phone", topics="Kept topics"),
    )
    assert response.status_code == 200
    assert "Only on-site visits have travel time." in response.content.decode()
    assert "Kept topics" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_stale_edit_is_refused_with_both_versions_on_the_page(login, facilitator, visit):
    services.visit_update(visit=visit, editor=facilitator, version=1, notes="Newer")
    response = login(facilitator).post(
        reverse("visit_edit", args=[visit.pk]),
        _form_data(None, notes="Mine", version="1"),
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "saved this after you opened it" in page
    assert "Newer" in page and "Mine" in page
    visit.refresh_from_db()
    assert visit.notes == "Newer"
    # Having seen the newer text, saving again is a deliberate overwrite and goes through.
    resubmit = login(facilitator).post(
        reverse("visit_edit", args=[visit.pk]),
        _form_data(None, notes="Mine", version=response.context["form"].data["version"]),
    )
    assert resubmit.status_code == 302
    visit.refresh_from_db()
    assert visit.notes == "Mine"


def test_an_overdue_action_is_flagged(login, member_a, action, visit):
    AgreedActionFactory(visit=visit, owner=member_a, description="Later", due_on=date(2026, 5, 1))
    response = login(member_a).get(reverse("action_list", args=[visit.practice_id]))
    page = response.content.decode()
    assert page.count("Overdue") == 1
    assert page.index("Print the leaflet") < page.index("Overdue") < page.index("Later")


def test_an_action_is_not_overdue_on_its_due_date(login, member_a, action):
    with time_machine.travel("2026-04-10 23:30 +0100", tick=False):
        response = login(member_a).get(reverse("action_list", args=[action.visit.practice_id]))
    assert "Overdue" not in response.content.decode()


def test_a_member_marks_an_action_done(login, member_a, action):
    url = reverse("action_list", args=[action.visit.practice_id])
    response = login(member_a).post(
        reverse("action_done", args=[action.pk]), {"done": "1", "next": url}
    )
    assert response.status_code == 302 and response.url == url
    action.refresh_from_db()
    assert action.done_by == member_a


def test_marking_done_ignores_an_offsite_next_address(login, member_a, action):
    response = login(member_a).post(
        reverse("action_done", args=[action.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("action_list", args=[action.visit.practice_id])


@pytest.mark.parametrize("next_url", ["abc", "//evil.example/", "javascript:alert(1)", ""])
def test_marking_done_with_a_next_that_is_not_a_path_goes_to_the_action_list(
    login, member_a, action, next_url
):
    response = login(member_a).post(reverse("action_done", args=[action.pk]), {"next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("action_list", args=[action.visit.practice_id])
    action.refresh_from_db()
    assert action.done_by == member_a


@pytest.mark.parametrize("who", ["patient_rep", "member_b", "lead"])
def test_patient_reps_outsiders_and_leads_cannot_mark_done(login, action, who, request):
    response = login(request.getfixturevalue(who)).post(reverse("action_done", args=[action.pk]))
    assert response.status_code == 404
    assert AgreedAction.objects.get(pk=action.pk).done_at is None


def test_marking_done_needs_a_post(login, member_a, action):
    assert login(member_a).get(reverse("action_done", args=[action.pk])).status_code == 405


def test_a_patient_rep_sees_actions_without_a_mark_done_button(login, patient_rep, action):
    response = login(patient_rep).get(reverse("action_list", args=[action.visit.practice_id]))
    assert "Print the leaflet" in response.content.decode()
    assert "Mark done" not in response.content.decode()


def test_after_handover_the_history_stays_with_the_practice(
    login, client, visit, action, practice_a, facilitator
):
    newcomer = UserFactory(full_name="Nia New")
    services.facilitator_assign(practice=practice_a, facilitator=newcomer, on=date(2026, 4, 1))
    response = login(newcomer).get(reverse("visit_detail", args=[visit.pk]))
    assert response.status_code == 200
    assert PRIVATE_TEXT in response.content.decode()
    assert "Fran Facilitator" in response.content.decode()
    client.logout()
    assert login(facilitator).get(reverse("visit_detail", args=[visit.pk])).status_code == 404
    assert login(facilitator).get(reverse("visit_list", args=[practice_a.pk])).status_code == 404


def _many_visits(practice, facilitator, owner, count):
    for number in range(count):
        visit = VisitFactory(
            practice=practice, facilitator=facilitator, visited_on=date(2026, 1, 1 + number % 28)
        )
        visit.participants.add(owner)
        AgreedActionFactory(visit=visit, owner=owner)
        AgreedActionFactory(visit=visit, owner=owner, due_on=date(2026, 5, 1))


@pytest.mark.parametrize("count", [3, 20])
def test_the_visit_list_uses_a_fixed_number_of_queries(
    login, facilitator, practice_a, member_a, count, django_assert_max_num_queries
):
    _many_visits(practice_a, facilitator, member_a, count)
    for days in (1, 2, 3):
        _planned(practice_a, facilitator, date(2026, 4, 20 + days))
    client = login(member_a)
    # Session, user, practice with permissions, count, visits, and the navigation's three.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("visit_list", args=[practice_a.pk]))
    assert len(response.context["past"]) == count
    assert len(response.context["upcoming"]) == 3


@pytest.mark.parametrize("count", [3, 30])
def test_the_practice_list_uses_a_fixed_number_of_queries(
    login, lead, programme, count, django_assert_max_num_queries
):
    for _ in range(count):
        practice = PracticeFactory(programme=programme)
        facilitator = UserFactory()
        owner = UserFactory()
        FacilitatorAssignmentFactory(practice=practice, facilitator=facilitator)
        MembershipFactory(practice=practice, user=owner)
        _many_visits(practice, facilitator, owner, 2)
    client = login(lead)
    # Session, user, count, practices, facilitators, last visits, open actions, navigation.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("practice_list"))
    assert len(response.context["practices"]) == count


def test_the_practice_list_is_paginated_for_a_lead(login, lead, programme):
    PracticeFactory.create_batch(60, programme=programme)
    response = login(lead).get(reverse("practice_list"), {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["practices"]) == 10
    assert "Page 2 of 2" in response.content.decode()


def test_the_practice_page_shows_the_last_visit_and_open_actions(login, member_a, action):
    response = login(member_a).get(reverse("practice_detail", args=[action.visit.practice_id]))
    page = response.content.decode()
    assert "Last visit: 10 Mar 2026" in page
    assert "1 overdue" in page


def test_the_time_summary_needs_sign_in(client):
    response = client.get(reverse("time_summary"))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["member_a", "patient_rep", "member_b"])
def test_the_time_summary_is_404_for_practice_teams(login, who, request):
    assert login(request.getfixturevalue(who)).get(reverse("time_summary")).status_code == 404


def test_a_facilitator_sees_their_own_time_on_their_practices(login, facilitator, visit):
    response = login(facilitator).get(reverse("time_summary"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Practice A" in page and "Mar 2026" in page
    assert "1 h 30 min" in page  # the visit's 90 minutes on site


def test_the_lead_sees_every_facilitator(login, lead, visit, practice_b):
    other = UserFactory(full_name="Zed Other")
    FacilitatorAssignmentFactory(practice=practice_b, facilitator=other)
    VisitFactory(practice=practice_b, facilitator=other, visited_on=date(2026, 2, 2))
    response = login(lead).get(
        reverse("time_summary"), {"start": "2026-01-01", "end": "2026-04-30"}
    )
    page = response.content.decode()
    assert "Fran Facilitator" in page and "Zed Other" in page


def test_after_handover_the_old_facilitator_no_longer_sees_the_practice_time(
    login, facilitator, visit, practice_a
):
    services.facilitator_assign(practice=practice_a, facilitator=UserFactory(), on=date(2026, 4, 1))
    response = login(facilitator).get(reverse("time_summary"))
    assert response.status_code == 404  # no longer a facilitator of any practice


@pytest.mark.parametrize("name", ["visit_create", "visit_edit"])
def test_the_facilitator_gets_the_visit_forms(login, facilitator, visit, action, name):
    response = login(facilitator).get(_urls(visit, action)[name])
    assert response.status_code == 200
    assert 'name="actions-TOTAL_FORMS"' in response.content.decode()


def test_editing_keeps_done_actions_and_shows_existing_ones(login, facilitator, visit, action):
    response = login(facilitator).get(reverse("visit_edit", args=[visit.pk]))
    assert response.context["formset"].initial_form_count() == 1
    assert "Print the leaflet" in response.content.decode()


def test_the_lead_drills_down_from_facilitators_to_their_practices(login, lead, facilitator, visit):
    client = login(lead)
    overview = client.get(reverse("time_summary"))
    assert f"?facilitator={facilitator.pk}" in overview.content.decode()
    assert "Practice A" not in overview.content.decode()
    detail = client.get(reverse("time_summary"), {"facilitator": facilitator.pk})
    assert "Practice A" in detail.content.decode()


def test_the_practice_list_still_counts_the_team_and_patient_reps(
    login, lead, practice_a, member_a, patient_rep, programme
):
    MembershipFactory(practice=practice_a, user=UserFactory())
    response = login(lead).get(reverse("practice_list"))
    [row] = [p for p in response.context["practices"] if p.pk == practice_a.pk]
    assert (row.team_size, row.patient_rep_count) == (2, 1)
    programme_page = login(lead).get(reverse("programme_detail", args=[programme.pk]))
    assert programme_page.status_code == 200


def test_adding_an_action_row_with_a_spoiled_row_count_is_refused_not_a_crash(
    login, facilitator, practice_a
):
    response = login(facilitator).post(
        reverse("visit_create", args=[practice_a.pk]),
        {"add_action": "1", "actions-TOTAL_FORMS": "abc", "actions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
