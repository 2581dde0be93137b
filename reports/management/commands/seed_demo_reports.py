"""Demo annual reports: the two Namur cases whose fee statement of the last complete follow-up
year is filed (``seed_demo_fees``) get the mediator's report of that year, printed with its
annexes and filed through ``reports.services.report_file`` — what the Namur clerk downloads.

Idempotent: a case whose report of that year is filed is left as it is. Run last (after the
claims, journals, budgets, plans and fees of the demo)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.models import Case
from core.demo import refuse_in_production
from reports import selectors, services
from reports.models import FiledReport

DEMO_CASES = ["CPN-2022-0007", "RM-2022-0024"]

OBSERVATIONS = (
    "Les revenus du ménage sont restés stables au cours de l'année. Le pécule de médiation a "
    "été versé chaque mois à la date prévue et les charges courantes (loyer, énergie) ont été "
    "payées pour compte du requérant.\n"
    "Le requérant collabore à la procédure et communique spontanément les changements de sa "
    "situation. Aucune dette nouvelle n'a été contractée."
)


class Command(BaseCommand):
    help = "File the demo annual reports of two Namur cases (idempotent)."

    def handle(self, *args, **options):
        refuse_in_production()
        today = timezone.localdate()
        filed = 0
        for reference in DEMO_CASES:
            case = Case.objects.filter(reference=reference).select_related("mediator").first()
            if case is None:
                continue
            period = selectors.default_period(case, today)
            if (
                period.end > today
                or FiledReport.objects.filter(
                    case=case, period_from=period.start, period_to=period.end
                ).exists()
            ):
                continue
            data = services.ReportData(period.start, period.last_day, OBSERVATIONS)
            try:
                services.report_file(
                    case=case, data=data, by=case.mediator, today=today, now=timezone.now()
                )
            except ValidationError as exc:
                self.stdout.write(f"{reference}: refused: {' '.join(exc.messages)}")
            else:
                filed += 1
        self.stdout.write(self.style.SUCCESS(f"Demo annual reports: {filed} filed."))
