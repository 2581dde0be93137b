from django.db import migrations


def load(apps, schema_editor):
    from fees.loading import load_shipped_tariffs

    load_shipped_tariffs(apps.get_model("fees", "TariffRowRecord"))


class Migration(migrations.Migration):
    dependencies = [("fees", "0002_tariff_rows")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
