from django.core.management.base import BaseCommand
from django.db import transaction

from fees.loading import load_shipped_legal_amounts, load_shipped_tariffs
from fees.models import LegalAmount, TariffRowRecord


class Command(BaseCommand):
    help = (
        "Load the tariff rows shipped in fees/data/tariffs.json and the legal amounts of "
        "fees/data/legal_amounts.json (adds missing rows only)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            added, present = load_shipped_tariffs(TariffRowRecord)
            legal_added, legal_present = load_shipped_legal_amounts(LegalAmount)
        self.stdout.write(f"{added} tariff row(s) added, {present} already present.")
        self.stdout.write(
            f"{legal_added} legal amount row(s) added, {legal_present} already present."
        )
