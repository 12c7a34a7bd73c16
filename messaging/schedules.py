"""Periodic schedules, kept in django-celery-beat's tables so a lead or admin can edit them.

Apps register what should run and how often; `ensure_schedules()` (run after every migrate)
creates the missing periodic tasks and leaves existing ones, and any edit made in the admin,
alone.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    task: str
    description: str
    every_minutes: int | None = None
    crontab: dict = field(default_factory=dict)
    args: tuple = ()


SCHEDULES: dict[str, ScheduleSpec] = {}


def register_schedule(spec: ScheduleSpec) -> ScheduleSpec:
    """Add a periodic task to those created by ensure_schedules()."""
    SCHEDULES[spec.name] = spec
    return spec


register_schedule(
    ScheduleSpec(
        name="Messages: re-queue unsent",
        task="messaging.tasks.messages_sweep",
        description="Queues again claimed messages that no worker sent (lost task, killed worker).",
        every_minutes=2,
    )
)


@transaction.atomic
def ensure_schedules() -> list[str]:
    """Create the registered periodic tasks that do not exist yet; returns the new names."""
    from django_celery_beat.models import (
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
    )

    created = []
    for spec in SCHEDULES.values():
        if PeriodicTask.objects.filter(name=spec.name).exists():
            continue
        schedule = {}
        if spec.every_minutes:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=spec.every_minutes, period=IntervalSchedule.MINUTES
            )
        else:
            crontab = {
                "minute": "0",
                "hour": "*",
                "day_of_week": "*",
                "day_of_month": "*",
                "month_of_year": "*",
                **{key: str(value) for key, value in spec.crontab.items()},
            }
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                **crontab, timezone=settings.TIME_ZONE
            )
        PeriodicTask.objects.create(
            name=spec.name,
            task=spec.task,
            args=json.dumps(list(spec.args)),
            description=spec.description,
            **schedule,
        )
        created.append(spec.name)
    return created


def ensure_schedules_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate hook: the schedules exist as soon as the tables do."""
    from django.db import connections

    # A partial migrate (one app, or back to zero) may run before beat's tables exist.
    if "django_celery_beat_periodictask" in connections[using].introspection.table_names():
        ensure_schedules()
