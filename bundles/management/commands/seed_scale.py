"""``manage.py seed_scale --cases N [--seed S]``: a national-scale dataset in bulk, for the
benchmarks (issue 15; ``bundles.scale``). PostgreSQL only; refused in production; never run
by ``make run``."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bundles.scale import ScaleSeeder
from core.demo import refuse_in_production


class Command(BaseCommand):
    help = "Un jeu de données à l'échelle nationale (PostgreSQL, en masse; jamais en production)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="nombre de dossiers")
        parser.add_argument("--seed", type=int, default=1, help="graine (données déterministes)")

    def handle(self, *args, cases: int, seed: int, **options):
        refuse_in_production()
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL (COPY): set DATABASE_URL=postgres://…")
        if cases < 1:
            raise CommandError("--cases must be at least 1")
        started = time.monotonic()
        seeder = ScaleSeeder(
            cases=cases, seed=seed, today=timezone.localdate(), log=self.stdout.write
        )
        try:
            seeder.setup()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        stats = seeder.run()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"seed_scale: {stats.cases} cases, {stats.applicants} applicants, {stats.claims} "
            f"claims, {stats.entries} journal lines, {stats.services} services, "
            f"{stats.documents} documents, {stats.plans} plans in {elapsed:.0f} s "
            f"({stats.entries / max(elapsed, 0.001):,.0f} journal lines/s)"
        )
