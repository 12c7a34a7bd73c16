"""Full-text index on SQLite only: an FTS5 table with the porter stemmer, and triggers that keep
it in step with the item table (see `evidence.fts`). PostgreSQL has its GIN index (0002).
"""

from django.db import migrations

from evidence import fts


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    fts.ensure(schema_editor.connection)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    fts.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_search_gin_index")]

    operations = [migrations.RunPython(create_index, drop_index)]
