"""``manage.py run_daily_jobs [--date YYYY-MM-DD] [--catch-up-days N]``: the daily run by hand.

Prints one JSON object: ``{"date", "from", "cases", "created": {kind: n}, "settled": {kind: n},
…, "errors": [...]}`` (a public format: keep it as it is).
"""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agenda.services import DEFAULT_CATCH_UP_DAYS, daily_run


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date: {value!r} n'est pas une date AAAA-MM-JJ.") from exc


class Command(BaseCommand):
    help = "Échéances du jour de tous les dossiers (calendrier légal), une seule fois chacune."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="run_date", default="", help="AAAA-MM-JJ (aujourd'hui)")
        parser.add_argument(
            "--catch-up-days", type=int, default=DEFAULT_CATCH_UP_DAYS, dest="catch_up_days"
        )

    def handle(self, *args, run_date: str, catch_up_days: int, **options):
        when = _iso_date(run_date) if run_date else timezone.localdate()
        if not date(2000, 1, 1) <= when <= date(2100, 12, 31):
            raise CommandError(f"--date: {when.isoformat()} est hors de la période admise.")
        try:
            result = daily_run(run_date=when, catch_up_days=catch_up_days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
