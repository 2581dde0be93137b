from django.db import migrations

from core.legal_data import ApplyLegalRelease


class Migration(migrations.Migration):
    dependencies = [("budget", "0005_legal_release_ris_2020_2021")]

    # Legal data release budget/data/releases/0003_ris_2022.json (manage.py legal_release).
    operations = [
        ApplyLegalRelease(
            "budget",
            "0003_ris_2022",
            digest="abcc8403ee52cbcf312494b28e4aa3f7165febf0b2b8912d6618b391884359b9",
        )
    ]
