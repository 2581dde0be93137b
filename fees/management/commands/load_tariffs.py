from django.core.management.base import BaseCommand
from django.db import transaction

from fees.loading import load_shipped_tariffs
from fees.models import TariffRowRecord


class Command(BaseCommand):
    help = "Load the tariff rows shipped in fees/data/tariffs.json (adds missing rows only)."

    def handle(self, *args, **options):
        with transaction.atomic():
            added, present = load_shipped_tariffs(TariffRowRecord)
        self.stdout.write(f"{added} tariff row(s) added, {present} already present.")
