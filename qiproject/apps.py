"""The project's own app: helpers every other app shares (forms, locking, idempotency, links)."""

from django.apps import AppConfig


class QiprojectConfig(AppConfig):
    name = "qiproject"
    verbose_name = "QI project"

    def ready(self):
        # Start-up wiring that every app relies on is added here, one import per concern.
        from messaging.schedules import ScheduleSpec, register_schedule
        from qiproject.validators import attach_text_validators

        attach_text_validators()
        register_schedule(
            ScheduleSpec(
                name="Forms: forget old one-time tokens",
                task="qiproject.tasks.form_submissions_sweep",
                description="Deletes double-submit tokens of create forms older than 7 days.",
                crontab={"minute": 30, "hour": 3},
            )
        )
