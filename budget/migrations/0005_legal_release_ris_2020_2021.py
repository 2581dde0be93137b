from django.db import migrations

from core.legal_data import ApplyLegalRelease


class Migration(migrations.Migration):
    dependencies = [("budget", "0004_household_partner_kinds_ris_valid_until")]

    # Legal data release budget/data/releases/0002_ris_2020_2021.json (manage.py legal_release).
    operations = [
        ApplyLegalRelease(
            "budget",
            "0002_ris_2020_2021",
            digest="75a6c6ad438746a1ec6d173d20fc7b2cafcdd6c1f6cdf13f7ceec9e52cbbc4d7",
        )
    ]
