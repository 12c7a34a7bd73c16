"""Error pages are styled, keep the navigation where they can, and answer the right status.

Tests run with DEBUG off, as `make run` does (tests/qiproject/test_serve.py), so these are the
pages a visitor sees.
"""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from qiproject import errors
from tests.pdsa.factories import ImprovementPlanFactory

STYLED = "vendor/bootstrap/bootstrap.min.css"
DEBUG_PAGE = ("URLconf", "Traceback", "Django settings", "DEBUG = True")


def assert_styled(response, status, heading):
    text = response.content.decode()
    assert response.status_code == status
    assert STYLED in text
    assert 'aria-label="Main"' in text  # the navigation bar
    assert f"<h1>{heading}</h1>" in text
    for leak in DEBUG_PAGE:
        assert leak not in text


@pytest.mark.django_db
def test_a_missing_page_is_a_styled_404_with_the_signed_in_navigation(login, member_a, practice_a):
    response = login(member_a).get("/no-such-page/")
    assert_styled(response, 404, "Page not found")
    assert "Sign out" in response.content.decode()
    assert reverse("practice_detail", args=[practice_a.pk]) in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_visitor_on_a_missing_page_is_offered_sign_in(client):
    response = client.get("/no-such-page/")
    assert_styled(response, 404, "Page not found")
    assert reverse("login") in response.content.decode()


@pytest.mark.django_db
def test_a_patient_representative_refused_an_edit_gets_a_styled_403_saying_why(
    login, patient_rep, practice_a
):
    plan = ImprovementPlanFactory(practice=practice_a)
    response = login(patient_rep).get(reverse("pdsa:plan_edit", args=[plan.pk]))
    assert_styled(response, 403, "You cannot do that here")
    assert "You can view this work but not change it." in response.content.decode()
    assert "Sign out" in response.content.decode()


@pytest.mark.django_db
def test_a_refusal_without_a_reason_still_explains_itself(login, patient_rep, practice_a):
    response = login(patient_rep).get(reverse("pdsa:plan_create", args=[practice_a.pk]))
    assert_styled(response, 403, "You cannot do that here")
    assert "see this work but not change it" in response.content.decode()


@pytest.mark.django_db
def test_a_form_posted_without_its_token_gets_the_styled_expired_form_page():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert_styled(response, 403, "This form has expired")


def test_an_unknown_host_gets_a_styled_400():
    response = Client().get("/", HTTP_HOST="evil.example")
    assert_styled(response, 400, "Bad request")


@pytest.mark.urls("tests.qiproject.error_urls")
def test_a_crash_is_a_styled_500_that_needs_no_database():
    # No database access is allowed in this test: the 500 page must render without it.
    response = Client(raise_request_exception=False).get("/crash/")
    assert_styled(response, 500, "Something went wrong")


def test_the_500_page_answers_even_when_its_template_cannot_render(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(errors.defaults.loader, "get_template", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()
