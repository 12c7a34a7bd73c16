"""Full-text GIN index on PostgreSQL only.

The index is built on `evidence.models.search_vector()`, the same expression the search
filters on, so PostgreSQL can use it. It is not declared in the model's Meta: SQLite rebuilds
a table with every declared index, and it cannot build a GIN index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from evidence.models import search_vector

INDEX_NAME = "evidence_item_search"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("evidence", "EvidenceItem")
    schema_editor.add_index(model, GinIndex(search_vector(), name=INDEX_NAME))


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("evidence", "EvidenceItem")
    schema_editor.remove_index(model, GinIndex(search_vector(), name=INDEX_NAME))


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
