from django.db import migrations


def load(apps, schema_editor):
    from budget.loading import load_shipped_rows

    load_shipped_rows(
        apps.get_model("budget", "SeizureScaleRecord"),
        apps.get_model("budget", "IntegrationIncomeRecord"),
    )


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
