from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from messaging.models import Message, Status
from messaging.services import REDACTED
from practices import services
from practices.models import FacilitatorAssignment, Invitation, Membership, Role
from tests.practices.factories import UserFactory


def test_reassigning_a_practice_keeps_the_earlier_facilitator_in_its_history(practice_a):
    first, second = UserFactory(), UserFactory()
    services.facilitator_assign(practice=practice_a, facilitator=first, on=date(2026, 1, 5))
    services.facilitator_assign(practice=practice_a, facilitator=second, on=date(2026, 4, 1))
    history = list(FacilitatorAssignment.objects.filter(practice=practice_a).order_by("started_on"))
    assert [(a.facilitator, a.ended_on) for a in history] == [
        (first, date(2026, 4, 1)),
        (second, None),
    ]
    assert practice_a.current_facilitator == second


def test_assigning_the_current_facilitator_again_changes_nothing(practice_a):
    person = UserFactory()
    services.facilitator_assign(practice=practice_a, facilitator=person)
    services.facilitator_assign(practice=practice_a, facilitator=person)
    assert FacilitatorAssignment.objects.filter(practice=practice_a).count() == 1


def invite(practice, by, **overrides):
    values = {"email": "New.Nurse@Example.test", "full_name": "Nina Nurse", "role": Role.NURSE}
    values.update(overrides)
    return services.invitation_create(practice=practice, invited_by=by, **values)


def test_an_invitation_emails_a_link_after_commit(
    practice_a, member_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(practice_a, member_a)
    assert invitation.email == "new.nurse@example.test"
    assert len(mail.outbox) == 1
    assert token in mail.outbox[0].body
    assert mail.outbox[0].to == ["new.nurse@example.test"]
    assert token not in invitation.token_hash


def test_an_invitation_link_creates_the_account_and_membership_once(practice_a, member_a):
    _, token = invite(practice_a, member_a)
    user = services.invitation_accept(token=token, password="a-long-new-password")
    assert user.check_password("a-long-new-password")
    assert Membership.objects.get(user=user).role == Role.NURSE
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, password="another-password-9")


def test_an_expired_invitation_link_is_refused(practice_a, member_a):
    with time_machine.travel("2026-03-01 09:00 +0000", tick=False):
        _, token = invite(practice_a, member_a)
    with (
        time_machine.travel("2026-03-09 09:00 +0000", tick=False),
        pytest.raises(ValidationError),
    ):
        services.invitation_accept(token=token, password="a-long-new-password")
    assert not Membership.objects.filter(user__email="new.nurse@example.test").exists()


def test_an_unknown_token_is_refused(practice_a):
    with pytest.raises(ValidationError):
        services.invitation_accept(token="made-up", password="a-long-new-password")


def test_an_existing_person_invited_to_another_practice_keeps_their_account(
    practice_b, lead, member_a
):
    _, token = invite(practice_b, lead, email=member_a.email, full_name=member_a.full_name)
    user = services.invitation_accept(token=token, user=member_a)
    assert user == member_a
    assert user.check_password("password")
    assert set(user.memberships.values_list("practice__name", flat=True)) == {
        "Practice A",
        "Practice B",
    }


def test_an_invitation_to_an_existing_account_never_replaces_its_password(
    practice_b, lead, member_a
):
    _, token = invite(practice_b, lead, email=member_a.email.upper(), full_name="Someone")
    with pytest.raises(ValidationError, match="sign in"):
        services.invitation_accept(token=token, password="a-long-new-password")
    member_a.refresh_from_db()
    assert member_a.check_password("password")
    assert not member_a.memberships.filter(practice=practice_b).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_to_an_existing_account_is_not_accepted_by_someone_else(
    practice_b, lead, member_a, patient_rep
):
    _, token = invite(practice_b, lead, email=member_a.email)
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=patient_rep)
    assert not practice_b.memberships.exists()


def test_inviting_someone_already_in_the_team_is_refused(practice_a, member_a):
    with pytest.raises(ValidationError) as error:
        invite(practice_a, member_a, email=member_a.email)
    assert "email" in error.value.message_dict
    assert not Invitation.objects.exists()


def test_an_invitation_expires_after_the_configured_days(practice_a, member_a, settings):
    settings.INVITATION_VALID_DAYS = 7
    invitation, _ = invite(practice_a, member_a)
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_an_invitation_goes_through_the_outbox_and_its_link_is_removed_once_sent(
    practice_a, member_a, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(practice_a, member_a)

    (received,) = smtp_server.received
    assert received["To"] == "new.nurse@example.test"
    assert token in received.get_payload()
    message = Message.objects.get(kind=services.INVITATION_KIND)
    assert message.recipient is None
    assert message.to_email == "new.nurse@example.test"
    assert message.subject_key == f"invitation:{invitation.pk}"
    assert message.status == Status.SENT
    assert received["Message-ID"] == message.message_id
    assert token not in message.body
    assert REDACTED in message.body


def test_an_invitation_is_kept_in_the_outbox_when_the_mail_server_is_down(
    practice_a, member_a, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = invite(practice_a, member_a)

    message = Message.objects.get(kind=services.INVITATION_KIND)
    assert message.to_email == invitation.email
    assert message.status == Status.FAILED
    assert "ConnectionRefusedError" in message.last_error


def test_an_invitation_to_someone_with_an_account_is_listed_in_their_messages(
    practice_b, lead, member_a
):
    invite(practice_b, lead, email=member_a.email, full_name=member_a.full_name)

    assert Message.objects.get(kind=services.INVITATION_KIND).recipient == member_a


def test_two_invitations_to_one_address_are_two_messages(practice_a, practice_b, lead):
    invite(practice_a, lead)
    invite(practice_b, lead)

    messages = Message.objects.filter(kind=services.INVITATION_KIND)
    assert messages.count() == 2
    assert len({message.message_id for message in messages}) == 2
