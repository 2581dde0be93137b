from django.db import migrations


def load(apps, schema_editor):
    from fees.loading import load_shipped_legal_amounts

    load_shipped_legal_amounts(apps.get_model("fees", "LegalAmount"))


class Migration(migrations.Migration):
    dependencies = [("fees", "0005_freeze_filed_statements")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
