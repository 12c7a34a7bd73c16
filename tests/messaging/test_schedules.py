import json

from django_celery_beat.models import PeriodicTask

from messaging.schedules import ensure_schedules


def test_migrate_creates_the_periodic_tasks_for_the_sweeper_and_each_reminder(db):
    tasks = {task.name: task for task in PeriodicTask.objects.all()}

    assert tasks["Messages: re-queue unsent"].interval.every == 2
    digest = tasks["Reminder: Facilitators' daily digest"]
    assert digest.task == "messaging.tasks.reminders_run"
    assert json.loads(digest.args) == ["facilitator_digest"]
    assert digest.crontab.hour == "7"


def test_ensuring_the_schedules_again_creates_nothing_and_keeps_an_admin_edit(db):
    PeriodicTask.objects.filter(name="Messages: re-queue unsent").update(enabled=False)
    count = PeriodicTask.objects.count()

    assert ensure_schedules() == []
    assert PeriodicTask.objects.count() == count
    assert not PeriodicTask.objects.get(name="Messages: re-queue unsent").enabled


def test_a_deleted_schedule_comes_back(db):
    PeriodicTask.objects.filter(name="Messages: re-queue unsent").delete()

    assert ensure_schedules() == ["Messages: re-queue unsent"]


def test_nothing_is_created_while_the_scheduler_tables_do_not_exist(db, monkeypatch):
    from django.db import connection

    from messaging import schedules

    PeriodicTask.objects.all().delete()
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: [])

    schedules.ensure_schedules_after_migrate(sender=None, using="default")

    assert not PeriodicTask.objects.exists()
