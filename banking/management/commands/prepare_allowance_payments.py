"""Prepare the living-allowance payments of a month for every running case whose allowance is
fixed (``banking.services.allowance_payments_prepare_all``): one payment per installment of
the schedule not prepared yet, in the name of the case's designated mediator, waiting for the
mediator's approval in a batch. A case that is refused (overdraft, no known account for the
applicant…) is reported on stderr; the others go on. Idempotent: an installment already
prepared is not prepared twice, nor one the mediator withdrew.

    manage.py prepare_allowance_payments               # next month
    manage.py prepare_allowance_payments --month 2026-12
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from banking.services import allowance_payments_prepare_all, run_month
from core.money import format_eur


class Command(BaseCommand):
    help = "Prépare les paiements du pécule de médiation d'un mois pour les dossiers en cours."

    def add_arguments(self, parser):
        parser.add_argument(
            "--month", metavar="AAAA-MM", default="", help="Mois à préparer (défaut : le suivant)."
        )

    def handle(self, *args, **options):
        try:
            year, month = run_month(options["month"], today=timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        run = allowance_payments_prepare_all(year=year, month=month)
        for reference, payments in run.prepared.items():
            total = sum(p.amount for p in payments)
            self.stdout.write(
                f"{reference} : {len(payments)} paiement(s) préparé(s), {format_eur(total)}"
            )
        for reference, reason in run.failed.items():
            self.stderr.write(f"{reference} : refusé — {reason}")
        summary = run.summary
        self.stdout.write(
            f"Pécule {month:02d}/{year} : {summary['payments']} paiement(s) préparé(s) dans "
            f"{summary['prepared_cases']} dossier(s) ; {summary['up_to_date']} déjà à jour ; "
            f"{summary['failed']} refusé(s) sur {summary['cases']} dossier(s)."
        )
