from practices.access import (
    can_comment_on_practice,
    can_curate_evidence,
    can_edit_practice,
    can_manage_team,
    can_run_programme,
    practice_scoped,
)
from practices.models import Membership, Practice
from practices.services import facilitator_assign
from tests.practices.factories import PracticeFactory, UserFactory


def visible(user):
    return set(Practice.objects.visible_to(user).values_list("name", flat=True))


def editable(user):
    return set(Practice.objects.editable_by(user).values_list("name", flat=True))


def test_a_member_sees_and_edits_only_their_own_practice(member_a, practice_b):
    assert visible(member_a) == {"Practice A"}
    assert editable(member_a) == {"Practice A"}


def test_a_patient_representative_sees_and_comments_but_does_not_edit(patient_rep, practice_a):
    assert visible(patient_rep) == {"Practice A"}
    assert editable(patient_rep) == set()
    assert can_comment_on_practice(patient_rep, practice_a)
    assert not can_edit_practice(patient_rep, practice_a)


def test_a_facilitator_sees_and_edits_only_assigned_practices(facilitator, practice_b):
    assert visible(facilitator) == {"Practice A"}
    assert editable(facilitator) == {"Practice A"}


def test_a_facilitator_loses_access_when_the_practice_moves_on(facilitator, practice_a):
    facilitator_assign(practice=practice_a, facilitator=UserFactory())
    assert visible(facilitator) == set()


def test_a_programme_lead_sees_every_practice_of_their_programme_but_not_others(
    lead, practice_a, practice_b
):
    PracticeFactory(name="Elsewhere")
    assert visible(lead) == {"Practice A", "Practice B"}
    assert editable(lead) == set()
    assert can_run_programme(lead, practice_a.programme)


def test_programme_leads_and_staff_curate_evidence_and_members_do_not(
    lead, staff, member_a, facilitator
):
    assert can_curate_evidence(lead)
    assert can_curate_evidence(staff)
    assert not can_curate_evidence(member_a)
    assert not can_curate_evidence(facilitator)


def test_practice_leads_and_programme_leads_manage_the_team(
    member_a, lead, patient_rep, practice_a, member_b
):
    assert can_manage_team(member_a, practice_a)
    assert can_manage_team(lead, practice_a)
    assert not can_manage_team(patient_rep, practice_a)
    assert not can_manage_team(member_b, practice_a)


def test_an_anonymous_user_sees_nothing(practice_a):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()
    assert not can_curate_evidence(AnonymousUser())


def test_practice_scoped_filters_rows_that_belong_to_a_practice(member_a, member_b, practice_a):
    memberships = Membership.objects.all()
    assert {m.practice_id for m in practice_scoped(memberships, member_b)} == {
        member_b.memberships.get().practice_id
    }
    assert practice_scoped(memberships, member_a, mode="editable").count() == 1
