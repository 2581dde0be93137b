from django.db import migrations

from core.legal_data import ApplyLegalRelease


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]

    # Release 0001_initial: budget/data/living_allowance.json as it was when this migration was
    # written. (It used to read that file as it is at migrate time; the release is frozen so that
    # the migration gives the same rows whenever it runs: core.legal_data.)
    operations = [
        ApplyLegalRelease(
            "budget",
            "0001_initial",
            digest="41ff12193f867b0949bde06983056acd91e8407b8f64ebd1907c39238b939d20",
        )
    ]
