from django.core.management.base import BaseCommand
from django.db import transaction

from core.legal_data import apply_shipped_files
from fees.loading import LEGAL_DATA


class Command(BaseCommand):
    help = (
        "Apply fees/data/tariffs.json and fees/data/legal_amounts.json now, as a release does: "
        "add the missing rows, correct the shipped rows that differ, never touch a row entered "
        "by hand (README, 'Legal data')."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            (_, tariffs), (_, legal) = apply_shipped_files(LEGAL_DATA)
        self.stdout.write(
            f"{tariffs.added} tariff row(s) added, {tariffs.corrected} corrected, "
            f"{tariffs.unchanged} unchanged, {len(tariffs.left_to_hand_rows)} left to rows "
            "entered by hand."
        )
        self.stdout.write(
            f"{legal.added} legal amount row(s) added, {legal.corrected} corrected, "
            f"{legal.unchanged} unchanged, {len(legal.left_to_hand_rows)} left to rows "
            "entered by hand."
        )
