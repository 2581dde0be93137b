from django.db import migrations

from core.legal_data import ApplyLegalRelease


class Migration(migrations.Migration):
    dependencies = [("fees", "0002_tariff_rows")]

    # The tariff rows of release 0001_initial: fees/data/tariffs.json as it was when this
    # migration was written. (It used to read that file as it is at migrate time; the release is
    # frozen so that the migration gives the same rows whenever it runs: core.legal_data.)
    operations = [
        ApplyLegalRelease(
            "fees",
            "0001_initial",
            digest="147d0380a021988005c9aadf68def39d81260a285febd4f760f6142bcdc35dd6",
            models=["TariffRowRecord"],
        )
    ]
