"""Every reminder wired to its subject: schedules, the whole digest, opt-out, real delivery."""

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from messaging import reminders, services
from messaging.models import Message
from practices import reminders as digest
from tests.evidence.factories import EvidenceItemFactory
from tests.messaging.reminder_helpers import LONDON, at, run
from tests.pdsa.factories import ImprovementPlanFactory, PDSACycleFactory
from tests.practices.factories import (
    AgreedActionFactory,
    FacilitatorAssignmentFactory,
    PracticeFactory,
    VisitFactory,
)
from tests.workshops.factories import WorkshopSessionFactory

TODAY = date(2027, 3, 3)
KINDS = {
    "facilitator_digest": "7",
    "practice_overdue_actions": "7",
    "measure_data_due": "7",
    "workshop_reminder": "8",
    "evidence_review_due": "7",
}


def test_each_reminder_is_a_periodic_task_with_its_schedule(db):
    tasks = {
        json.loads(task.args)[0]: task
        for task in PeriodicTask.objects.filter(task="messaging.tasks.reminders_run")
    }

    assert set(tasks) == set(KINDS) == set(reminders.REMINDERS)
    for kind, hour in KINDS.items():
        assert tasks[kind].crontab.hour == hour
        assert tasks[kind].enabled


def test_the_reminder_schedules_are_listed_in_the_admin(login, staff):
    staff.is_superuser = True
    staff.save()

    page = login(staff).get(reverse("admin:django_celery_beat_periodictask_changelist"))

    text = page.content.decode()
    for reminder in reminders.REMINDERS.values():
        assert f"Reminder: {reminder.description}" in text.replace("&#x27;", "'")


def stale_practice(programme, facilitator=None):
    """A practice with a stale cycle, an overdue action, a planned visit and an action due
    in the coming week (the session in the coming week is the programme's)."""
    practice = PracticeFactory(programme=programme)
    assignment = FacilitatorAssignmentFactory(
        practice=practice, **({"facilitator": facilitator} if facilitator else {})
    )
    with time_machine.travel(at(TODAY - timedelta(days=20)), tick=False):
        PDSACycleFactory(plan=ImprovementPlanFactory(practice=practice))
    visit = VisitFactory(practice=practice, facilitator=assignment.facilitator)
    AgreedActionFactory(visit=visit, due_on=TODAY - timedelta(days=1))
    AgreedActionFactory(visit=visit, due_on=TODAY + timedelta(days=1))
    VisitFactory(
        practice=practice,
        facilitator=assignment.facilitator,
        visited_on=TODAY + timedelta(days=2),
        duration_minutes=None,
        travel_minutes=0,
        notes="",
    )
    return practice


def test_the_whole_digest_is_built_in_a_fixed_number_of_queries(
    programme, django_assert_max_num_queries
):
    for _ in range(8):
        stale_practice(programme)
    starts = datetime(2027, 3, 5, 10, tzinfo=LONDON)
    WorkshopSessionFactory(programme=programme, starts_at=starts)

    # Facilitators and their practices (2), then one query per section.
    with django_assert_max_num_queries(2 + len(digest.DIGEST_SECTIONS)):
        entries = digest.facilitator_digests(TODAY)

    assert len(entries) == 8
    assert all(len(entry.sections) == 5 for entry in entries)


def test_a_digest_with_every_section_goes_once_and_a_second_run_sends_nothing(
    programme, facilitator
):
    stale_practice(programme, facilitator)

    assert run("facilitator_digest", TODAY) == 1
    assert run("facilitator_digest", TODAY, hour=9) == 0

    body = Message.objects.get(recipient=facilitator).body
    for title in (
        "Stale PDSA cycles",
        "Overdue agreed actions",
        "Visits in the coming week",
        "Agreed actions falling due in the coming week",
    ):
        assert title in body


def test_a_facilitator_with_nothing_in_any_section_gets_no_digest(facilitator, practice_a):
    with time_machine.travel(at(TODAY), tick=False):
        PDSACycleFactory(plan=ImprovementPlanFactory(practice=practice_a))

    assert run("facilitator_digest", TODAY) == 0
    assert not Message.objects.exists()


def test_a_facilitator_who_turned_digests_off_gets_none_but_still_gets_reminders(
    programme, facilitator, lead
):
    stale_practice(programme, facilitator)
    services.preference_update(user=facilitator, digests=False, reminders=True)

    assert run("facilitator_digest", TODAY) == 0
    # Reminders are a separate choice: the same person, as a curator, is still reminded.
    programme.leads.add(facilitator)
    EvidenceItemFactory(next_review_on=TODAY - timedelta(days=1))
    assert run("evidence_review_due", TODAY) == 2
    assert Message.objects.filter(recipient=facilitator, kind="evidence_review_due").exists()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_reminder_sends_nothing_on_an_empty_programme(programme, facilitator, kind):
    assert run(kind, TODAY) == 0


def test_the_digest_is_delivered_to_a_real_smtp_server(
    programme, facilitator, smtp_server, django_capture_on_commit_callbacks
):
    stale_practice(programme, facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        run("facilitator_digest", TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        run("facilitator_digest", TODAY)

    (email,) = smtp_server.received
    assert email["To"] == facilitator.email
    assert email["Message-ID"] == Message.objects.get().message_id
    assert "Stale PDSA cycles" in email.get_payload()
