import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from messaging.models import Message, Status
from messaging.services import REDACTED
from tests.practices.factories import UserFactory


def attempt(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_signing_in_with_email_and_password_works(client, member_a):
    response = attempt(client, "GP.A@example.test", "password")
    assert response.status_code == 302


def test_five_failures_lock_the_account_from_that_address_with_a_clear_message(client, db):
    user = UserFactory(email="nurse@example.test")
    for _ in range(4):
        assert attempt(client, user.email, "wrong").status_code == 200
    response = attempt(client, user.email, "wrong")
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert attempt(client, user.email, "password").status_code == 429


def test_a_locked_out_person_can_reset_their_password_and_sign_in(
    client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="nurse@example.test")
    for _ in range(5):
        attempt(client, user.email, "wrong")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "spine-health-77", "new_password2": "spine-health-77"},
    )
    assert attempt(client, user.email, "spine-health-77").status_code == 302


def test_a_lockout_does_not_affect_another_account(client, db):
    locked, other = UserFactory(), UserFactory()
    for _ in range(5):
        attempt(client, locked.email, "wrong")
    assert attempt(client, other.email, "password").status_code == 302


def test_changing_the_case_of_the_email_does_not_get_round_the_lockout(client, db):
    user = UserFactory(email="gp1@example.test")
    for email in ["GP1@example.test", "Gp1@example.test", "gP1@example.test", " gp1@EXAMPLE.test"]:
        assert attempt(client, email, "wrong").status_code == 200
    assert attempt(client, "GP1@Example.Test", "wrong").status_code == 429
    assert attempt(client, user.email, "password").status_code == 429


def test_an_account_is_created_and_found_in_the_canonical_form_of_its_email(client, db):
    from practices.services import user_create

    user = user_create(email="  Nurse.Jones@Example.TEST ", full_name="N Jones", password="pw-1")
    assert user.email == "nurse.jones@example.test"
    assert attempt(client, "NURSE.JONES@example.test", "pw-1").status_code == 302


def test_a_next_that_is_not_a_path_sends_a_signed_in_person_home(client, member_a):
    response = client.post(
        reverse("login") + "?next=abc", {"username": member_a.email, "password": "password"}
    )
    assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.parametrize("length", [256, 100_000])
def test_an_over_long_email_gets_a_clear_message_and_counts_no_attempt(client, db, length):
    response = attempt(client, "a" * length + "@example.test", "wrong")
    assert response.status_code == 200
    assert "An email address has at most 254 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_a_password_reset_email_goes_through_the_outbox_and_its_link_is_removed_once_sent(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    user = UserFactory(email="nurse@example.test", full_name="Nina Nurse")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "Nurse@Example.test"})

    assert response.status_code == 302
    (received,) = smtp_server.received
    link = re.search(r"https?://\S+/accounts/reset/\S+", received.get_payload()).group(0)
    message = Message.objects.get(recipient=user, kind="password_reset")
    assert message.status == Status.SENT
    assert message.subject == "Reset your qiproject password"
    assert received["Message-ID"] == message.message_id
    assert link not in message.body
    assert REDACTED in message.body


def test_asking_for_a_reset_while_the_mail_server_is_down_is_no_error(
    client, db, smtp_down, django_capture_on_commit_callbacks
):
    UserFactory(email="nurse@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nurse@example.test"})

    assert response.status_code == 302
    assert "ConnectionRefusedError" in Message.objects.get(kind="password_reset").last_error
