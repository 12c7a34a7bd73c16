"""Rebuild the evidence library's full-text index (SQLite's FTS5 table and its triggers)."""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from evidence import fts


class Command(BaseCommand):
    help = "Rebuild the evidence search index. PostgreSQL keeps its own index; nothing to do there."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            self.stdout.write("PostgreSQL keeps its full-text index up to date itself.")
            return
        with transaction.atomic(using=database):
            fts.ensure(connection)
            count = fts.rebuild(connection)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} evidence items."))
