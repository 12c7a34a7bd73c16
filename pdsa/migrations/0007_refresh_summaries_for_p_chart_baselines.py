"""P chart limits now honour the baseline: refresh every measure's kept summary."""

from importlib import import_module

from django.db import migrations


def refresh_summaries(apps, schema_editor):
    """The same computation as when the summaries were first filled."""
    import_module("pdsa.migrations.0003_measure_summary").fill_summaries(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("pdsa", "0006_number_bounds"),
    ]

    operations = [migrations.RunPython(refresh_summaries, migrations.RunPython.noop)]
