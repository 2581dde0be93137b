from django.db import migrations

from core.legal_data import ApplyLegalRelease


class Migration(migrations.Migration):
    dependencies = [("budget", "0007_legal_release_ris_2020_2024")]

    # Legal data release budget/data/releases/0005_art1409_2020.json (manage.py legal_release).
    operations = [
        ApplyLegalRelease(
            "budget",
            "0005_art1409_2020",
            digest="1b42ad180814e9e20c062bc091af061d13669e76e9259a6a3d557a1bae136b23",
        )
    ]
