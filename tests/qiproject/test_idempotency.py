"""The double-submit guard's own rules: token format, scope, and the sweep of old tokens."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from messaging.schedules import SCHEDULES
from qiproject.idempotency import (
    FIELD,
    FORM_TOKEN_DAYS,
    create_once,
    form_submissions_sweep,
    new_token,
)
from qiproject.models import FormSubmission
from tests.pdsa.factories import DriverFactory


def _request(user, path="/pdsa/plans/1/drivers/", token=None):
    request = RequestFactory().post(path, {FIELD: token} if token else {})
    request.user = user
    return request


def test_a_repeat_returns_the_first_object_without_running_the_create(member_a, plan):
    token, made = new_token(), []

    def create():
        made.append(DriverFactory(plan=plan))
        return made[-1]

    first = create_once(_request(member_a, token=token), None, create)
    second = create_once(_request(member_a, token=token), None, create)
    assert first == second and len(made) == 1


def test_the_same_token_from_another_user_or_form_claims_nothing_of_theirs(
    member_a, facilitator, plan
):
    token = new_token()
    first = create_once(_request(member_a, token=token), None, lambda: DriverFactory(plan=plan))
    other_user = create_once(
        _request(facilitator, token=token), None, lambda: DriverFactory(plan=plan)
    )
    other_form = create_once(
        _request(member_a, path="/elsewhere/", token=token), None, lambda: DriverFactory(plan=plan)
    )
    assert len({first.pk, other_user.pk, other_form.pk}) == 3


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "<script>alert(1)</script>xxxx"])
def test_a_missing_or_malformed_token_creates_every_time(member_a, plan, token):
    for _ in range(2):
        create_once(_request(member_a, token=token), None, lambda: DriverFactory(plan=plan))
    assert plan.drivers.count() == 2
    assert not FormSubmission.objects.exists()


def test_a_failed_create_releases_the_token_for_the_corrected_resubmit(member_a, plan):
    token = new_token()

    def fails():
        DriverFactory(plan=plan)
        raise ValueError("refused")

    with pytest.raises(ValueError):
        create_once(_request(member_a, token=token), None, fails)
    assert not FormSubmission.objects.exists() and not plan.drivers.exists()
    create_once(_request(member_a, token=token), None, lambda: DriverFactory(plan=plan))
    assert plan.drivers.count() == 1


def test_a_repeat_after_the_first_object_was_deleted_creates_it_anew(member_a, plan):
    token = new_token()
    create_once(_request(member_a, token=token), None, lambda: DriverFactory(plan=plan)).delete()
    again = create_once(_request(member_a, token=token), None, lambda: DriverFactory(plan=plan))
    assert plan.drivers.get() == again


def test_the_sweep_forgets_tokens_older_than_the_keeping_time(db):
    now = timezone.now()
    old = FormSubmission.objects.create(key="a" * 64, created_at=now - timedelta(days=8))
    kept = FormSubmission.objects.create(key="b" * 64, created_at=now - timedelta(days=6))
    assert form_submissions_sweep(now=now) == 1
    assert list(FormSubmission.objects.all()) == [kept]
    assert not FormSubmission.objects.filter(pk=old.pk).exists()
    assert FORM_TOKEN_DAYS == 7


def test_the_sweep_runs_daily_from_celery_beat():
    spec = SCHEDULES["Forms: forget old one-time tokens"]
    assert spec.task == "qiproject.tasks.form_submissions_sweep"
    assert spec.crontab == {"minute": 30, "hour": 3}


@pytest.fixture
def plan(practice_a, member_a):
    from tests.pdsa.factories import ImprovementPlanFactory

    return ImprovementPlanFactory(practice=practice_a)
