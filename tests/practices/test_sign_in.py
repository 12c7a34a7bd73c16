import re

from django.core import mail
from django.urls import reverse

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


def test_a_locked_out_person_can_reset_their_password_and_sign_in(client, db):
    user = UserFactory(email="nurse@example.test")
    for _ in range(5):
        attempt(client, user.email, "wrong")
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
