import json
from datetime import timedelta

import time_machine
from django_celery_beat.models import PeriodicTask

from followup import services
from messaging import reminders
from messaging.models import Message
from practices import reminders as digest
from tests.followup.conftest import DUE, at


def test_the_survey_task_runs_every_minute_from_a_schedule_editable_in_the_admin(db):
    task = PeriodicTask.objects.get(name="Follow-up survey: invitations and reminders")

    assert task.task == "followup.tasks.followup_send_due"
    assert task.interval.every == 1
    assert json.loads(task.args) == []


def test_the_facilitator_digest_lists_response_rates_while_the_survey_is_open(
    team, facilitator, monkeypatch
):
    monkeypatch.setattr(
        digest,
        "DIGEST_SECTIONS",
        {"Follow-up survey responses": digest.DIGEST_SECTIONS["Follow-up survey responses"]},
    )
    with time_machine.travel(at(DUE), tick=False):
        services.followup_send_due(today=DUE)

    reminders.reminder_run(kind="facilitator_digest", today=DUE + timedelta(days=1))

    message = Message.objects.get(recipient=facilitator, kind="facilitator_digest")
    assert "Practice A: 0 of 2 have answered" in message.body
    assert "Practice B" not in message.body


def test_the_digest_says_nothing_of_a_survey_once_it_has_closed(team, facilitator, monkeypatch):
    monkeypatch.setattr(
        digest,
        "DIGEST_SECTIONS",
        {"Follow-up survey responses": digest.DIGEST_SECTIONS["Follow-up survey responses"]},
    )
    with time_machine.travel(at(DUE), tick=False):
        services.followup_send_due(today=DUE)

    assert reminders.reminder_run(kind="facilitator_digest", today=DUE + timedelta(days=61)) == 0
