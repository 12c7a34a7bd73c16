from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from messaging import schedules

        # Each app registers its reminder builders in `<app>/reminders.py`.
        autodiscover_modules("reminders")
        # Periodic schedules live in the database (django-celery-beat) so they can be edited
        # in the admin; migrate creates the missing ones and never overwrites an edit.
        post_migrate.connect(schedules.ensure_schedules_after_migrate, sender=self)
