from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self):
        from evidence import fts

        # A later migration that remakes the item table on SQLite drops the index's triggers
        # with the old table; put them back (and rebuild) once migrations have run.
        post_migrate.connect(fts.repair_after_migrate, sender=self, dispatch_uid="evidence_fts")
