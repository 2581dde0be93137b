from django.db import migrations

from core.legal_data import ApplyLegalRelease


class Migration(migrations.Migration):
    dependencies = [("budget", "0006_legal_release_ris_2022")]

    # Legal data release budget/data/releases/0004_ris_2020_2024.json (manage.py legal_release).
    operations = [
        ApplyLegalRelease(
            "budget",
            "0004_ris_2020_2024",
            digest="238f6037a68381710624f854ecb897e44dac1cc3a3e3eb7076cd31f23ba7cd12",
        )
    ]
