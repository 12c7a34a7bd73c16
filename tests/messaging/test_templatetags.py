"""The tags every email uses: one greeting and one way to write a link."""

from types import SimpleNamespace

import pytest
from django.template import engines

from messaging.templatetags.mail import greeting
from tests.practices.factories import UserFactory
from tests.workshops.factories import InvitationFactory
from workshops.services import invitation_send


def render(source, **context):
    return engines["django"].from_string("{% load mail %}" + source).render(context)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (SimpleNamespace(full_name="Dr Sarah Whitfield"), "Hello Dr Sarah Whitfield,"),
        (SimpleNamespace(full_name="  Amy   Adams "), "Hello Amy Adams,"),
        (SimpleNamespace(full_name="Dr"), "Hello,"),
        (SimpleNamespace(full_name="Prof."), "Hello,"),
        (SimpleNamespace(full_name=""), "Hello,"),
        (SimpleNamespace(user=SimpleNamespace(full_name="Pat Rep")), "Hello Pat Rep,"),
        (None, "Hello,"),
    ],
)
def test_a_person_is_greeted_by_their_full_name_never_by_a_title_alone(person, expected):
    assert greeting(person) == expected


def test_the_hello_tag_greets_a_user(db):
    user = UserFactory(full_name="Dr James Okafor")

    assert render("{% hello person %}", person=user) == "Hello Dr James Okafor,"


def test_the_absolute_url_tag_starts_with_the_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"

    assert render("{% absolute_url '/messages/' %}") == "http://127.0.0.1:8123/messages/"


def test_a_workshop_invitation_greets_a_doctor_by_name(db, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(user=UserFactory(full_name="Dr Sarah Whitfield"))

    invitation_send(invitation=invitation)

    body = invitation.user.messages.get().body
    assert body.startswith("Hello Dr Sarah Whitfield,\n")
