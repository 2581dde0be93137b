from django.core.management.base import BaseCommand
from django.db import transaction

from budget.loading import LEGAL_DATA
from core.legal_data import apply_shipped_files


class Command(BaseCommand):
    help = (
        "Apply the art. 1409 brackets and integration-income rows of "
        "budget/data/living_allowance.json now, as a release does: add the missing rows, "
        "correct the shipped rows that differ, never touch a row entered by hand (README, "
        "'Legal data')."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            results = [result for _, result in apply_shipped_files(LEGAL_DATA)]
        added = sum(r.added for r in results)
        corrected = sum(r.corrected for r in results)
        unchanged = sum(r.unchanged for r in results)
        by_hand = sum(len(r.left_to_hand_rows) for r in results)
        self.stdout.write(
            f"{added} legal row(s) added, {corrected} corrected, {unchanged} unchanged, "
            f"{by_hand} left to rows entered by hand."
        )
