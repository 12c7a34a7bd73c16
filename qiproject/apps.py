"""The project's own app: helpers every other app shares (forms, locking, idempotency, links)."""

from django.apps import AppConfig


class QiprojectConfig(AppConfig):
    name = "qiproject"
    verbose_name = "QI project"

    def ready(self):
        # Start-up wiring that every app relies on is added here, one import per concern.
        from qiproject.validators import attach_text_validators

        attach_text_validators()
