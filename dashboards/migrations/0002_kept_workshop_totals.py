from django.db import migrations, models


def forget_kept_totals(apps, schema_editor):
    """The kept totals now count workshops and learning needs too: count them all again (the
    next programme dashboard request refreshes every practice's part)."""
    apps.get_model("dashboards", "PracticeTotals").objects.all().delete()
    apps.get_model("dashboards", "ProgrammeTotals").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_kept_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="programmetotals",
            name="attendees",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(forget_kept_totals, migrations.RunPython.noop),
    ]
