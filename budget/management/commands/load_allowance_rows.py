from django.core.management.base import BaseCommand
from django.db import transaction

from budget.loading import load_shipped_rows
from budget.models import IntegrationIncomeRecord, SeizureScaleRecord


class Command(BaseCommand):
    help = (
        "Load the art. 1409 brackets and integration-income rows shipped in "
        "budget/data/living_allowance.json (adds missing rows only)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            added, present = load_shipped_rows(SeizureScaleRecord, IntegrationIncomeRecord)
        self.stdout.write(f"{added} legal row(s) added, {present} already present.")
