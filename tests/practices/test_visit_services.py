from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from practices import services
from practices.models import AgreedAction, Visit, VisitMode
from qiproject.locking import StaleEditError
from tests.practices.factories import UserFactory

TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-03-20 10:00 +0000", tick=False):
        yield


def _record(practice, facilitator, **extra):
    values = {
        "practice": practice,
        "facilitator": facilitator,
        "visited_on": date(2026, 3, 19),
        "mode": VisitMode.ON_SITE,
        "duration_minutes": 60,
        "travel_minutes": 20,
        "topics": "Measures",
    }
    return services.visit_record(**{**values, **extra})


def test_the_facilitator_records_a_visit_with_participants_and_actions(
    practice_a, facilitator, member_a
):
    visit = _record(
        practice_a,
        facilitator,
        participants=[member_a],
        other_participants="ICB pharmacist",
        private_notes="Mine only",
        actions=[
            services.ActionInput(owner=member_a, description="Audit", due_on=date(2026, 4, 1))
        ],
    )
    assert list(visit.participants.all()) == [member_a]
    assert [a.description for a in visit.actions.all()] == ["Audit"]
    assert visit.private_notes == "Mine only"


def test_someone_who_does_not_facilitate_the_practice_cannot_record_a_visit(
    practice_a, lead, member_a
):
    with pytest.raises(PermissionDenied):
        _record(practice_a, lead)
    with pytest.raises(PermissionDenied):
        _record(practice_a, member_a)


def _plan(practice, facilitator, **extra):
    values = {
        "practice": practice,
        "facilitator": facilitator,
        "visited_on": date(2026, 3, 25),
        "mode": VisitMode.VIDEO,
        "topics": "Second cycle",
    }
    return services.visit_record(**{**values, **extra})


def test_the_facilitator_plans_a_visit_for_a_future_date(practice_a, facilitator):
    visit = _plan(practice_a, facilitator)

    assert visit.is_planned
    assert visit.duration_minutes is None
    assert visit.travel_minutes == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("duration_minutes", 60),
        ("travel_minutes", 20),
        ("notes", "How it went"),
        ("private_notes", "Mine"),
        ("other_participants", "ICB pharmacist"),
    ],
)
def test_a_planned_visit_refuses_what_is_only_known_once_it_has_happened(
    practice_a, facilitator, field, value
):
    with pytest.raises(ValidationError) as error:
        _plan(practice_a, facilitator, **{field: value})

    assert list(error.value.message_dict) == [field]
    assert not Visit.objects.exists()


def test_a_planned_visit_refuses_participants_and_agreed_actions(practice_a, facilitator, member_a):
    with pytest.raises(ValidationError) as error:
        _plan(practice_a, facilitator, participants=[member_a])
    assert "participants" in error.value.message_dict

    with pytest.raises(ValidationError, match="agreed at a visit that has happened"):
        _plan(
            practice_a,
            facilitator,
            actions=[services.ActionInput(owner=member_a, description="A", due_on=TODAY)],
        )
    assert not Visit.objects.exists()
    assert not AgreedAction.objects.exists()


def test_a_visit_that_has_happened_needs_its_duration(practice_a, facilitator):
    with pytest.raises(ValidationError) as error:
        _record(practice_a, facilitator, duration_minutes=None)
    assert "duration_minutes" in error.value.message_dict


def test_once_its_date_has_passed_the_facilitator_completes_a_planned_visit(
    practice_a, facilitator, member_a
):
    visit = _plan(practice_a, facilitator)

    with time_machine.travel("2026-03-26 10:00 +0000", tick=False):
        visit = services.visit_update(
            visit=visit,
            editor=facilitator,
            version=visit.version,
            participants=[member_a],
            actions=[services.ActionInput(owner=member_a, description="Audit", due_on=TODAY)],
            duration_minutes=45,
            notes="Went well",
        )
        assert not visit.is_planned

    assert visit.duration_minutes == 45
    assert [a.description for a in visit.actions.all()] == ["Audit"]


def test_a_visit_with_actions_cannot_be_moved_to_a_future_date(visit, action, facilitator):
    with pytest.raises(ValidationError, match="agreed at a visit that has happened"):
        services.visit_update(
            visit=visit,
            editor=facilitator,
            version=visit.version,
            participants=[],
            visited_on=date(2026, 4, 1),
            duration_minutes=None,
            travel_minutes=0,
            notes="",
            private_notes="",
        )


def test_remote_visits_have_no_travel_time(practice_a, facilitator):
    with pytest.raises(ValidationError) as error:
        _record(practice_a, facilitator, mode=VisitMode.PHONE, travel_minutes=10)
    assert "travel_minutes" in error.value.message_dict


def test_participants_must_be_in_the_practice_team(practice_a, facilitator, member_b):
    with pytest.raises(ValidationError) as error:
        _record(practice_a, facilitator, participants=[member_b])
    assert "participants" in error.value.message_dict


def test_an_action_owner_must_be_in_the_practice_team_and_nothing_is_saved_otherwise(
    practice_a, facilitator, member_b, patient_rep
):
    for owner in (member_b, patient_rep):
        with pytest.raises(ValidationError):
            _record(
                practice_a,
                facilitator,
                actions=[services.ActionInput(owner=owner, description="X", due_on=TODAY)],
            )
    assert not practice_a.visits.exists()


def test_updating_a_visit_changes_fields_and_actions(visit, action, facilitator, member_a):
    services.visit_update(
        visit=visit,
        editor=facilitator,
        version=visit.version,
        topics="New topics",
        actions=[
            services.ActionInput(pk=action.pk, delete=True),
            services.ActionInput(owner=member_a, description="Second", due_on=TODAY),
        ],
    )
    visit.refresh_from_db()
    assert visit.topics == "New topics"
    assert visit.version == 2
    assert [a.description for a in visit.actions.all()] == ["Second"]


def test_an_edit_from_a_stale_form_is_refused_and_the_newer_text_kept(visit, facilitator):
    services.visit_update(visit=visit, editor=facilitator, version=1, notes="First editor's notes")
    with pytest.raises(StaleEditError):
        services.visit_update(visit=visit, editor=facilitator, version=1, notes="Stale notes")
    visit.refresh_from_db()
    assert visit.notes == "First editor's notes"


def test_an_action_from_another_visit_cannot_be_changed_through_this_one(
    visit, facilitator, practice_b
):
    other = services.ActionInput(pk=999_999, delete=True)
    with pytest.raises(ValidationError):
        services.visit_update(visit=visit, editor=facilitator, version=1, actions=[other])


def test_a_member_marks_an_action_done_recording_who_and_when(action, member_a):
    services.action_mark_done(action=action, user=member_a)
    action.refresh_from_db()
    assert action.done_by == member_a
    assert action.done_at.date() == TODAY


def test_marking_done_twice_keeps_the_first_person(action, member_a, facilitator):
    services.action_mark_done(action=action, user=member_a)
    services.action_mark_done(action=action, user=facilitator)
    action.refresh_from_db()
    assert action.done_by == member_a


def test_the_facilitator_can_mark_done_and_reopen(action, facilitator):
    services.action_mark_done(action=action, user=facilitator)
    services.action_mark_done(action=action, user=facilitator, done=False)
    action.refresh_from_db()
    assert action.done_at is None and action.done_by is None


@pytest.mark.parametrize("who", ["patient_rep", "member_b", "lead"])
def test_patient_reps_outsiders_and_leads_cannot_mark_actions_done(action, who, request):
    with pytest.raises(PermissionDenied):
        services.action_mark_done(action=action, user=request.getfixturevalue(who))
    assert AgreedAction.objects.get(pk=action.pk).done_at is None


def test_after_handover_the_new_facilitator_edits_and_the_old_one_cannot(
    visit, practice_a, facilitator
):
    newcomer = UserFactory(full_name="Nia New")
    services.facilitator_assign(practice=practice_a, facilitator=newcomer, on=TODAY)
    services.visit_update(visit=visit, editor=newcomer, version=1, topics="Handed over")
    with pytest.raises(PermissionDenied):
        services.visit_update(visit=visit, editor=facilitator, version=2, topics="x")
    with pytest.raises(PermissionDenied):
        _record(practice_a, facilitator)
    visit.refresh_from_db()
    assert visit.facilitator == facilitator  # who did the visit stays in the record
