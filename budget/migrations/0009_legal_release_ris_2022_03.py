from django.db import migrations

from core.legal_data import ApplyLegalRelease


class Migration(migrations.Migration):
    dependencies = [("budget", "0008_legal_release_art1409_2020")]

    # Legal data release budget/data/releases/0006_ris_2022_03.json (manage.py legal_release).
    operations = [
        ApplyLegalRelease(
            "budget",
            "0006_ris_2022_03",
            digest="d3360bf41b22c51056baba7262fadd3ce1a645b40354588c1e3ab1a0277d6368",
        )
    ]
