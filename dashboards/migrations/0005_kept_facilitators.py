from django.db import migrations


def forget_kept_totals(apps, schema_editor):
    """The kept totals now keep who facilitates each practice too: count them all again (the
    next programme dashboard request refreshes every practice's part)."""
    apps.get_model("dashboards", "PracticeTotals").objects.all().delete()
    apps.get_model("dashboards", "ProgrammeTotals").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0004_kept_currency_index"),
    ]

    operations = [
        migrations.RunPython(forget_kept_totals, migrations.RunPython.noop),
    ]
