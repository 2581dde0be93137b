"""Demo fee statements: for a few demo cases with a journal (one per pricing method, two of them
in the Namur division), the mediator records a hearing, a journey, the 4,3° forfait and an
administrative cost in the last complete follow-up year, files the annual-report statement of
that year (its PDF becomes a filed document the Namur clerk downloads) and records the judge's
taxation order (the taxed fees stay unpaid: see ``DEMO_CASES``).

Everything goes through ``fees.services`` and ``ledger.services`` (the rules of the screens).
Idempotent: a case whose statement of that year is filed is left as it is (only a missing
taxation order is added). Run after ``seed_demo``, ``seed_demo_claims`` and ``seed_demo_ledger``.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.status import ACTIVE_STATUSES
from core.dates import add_years, years_between
from core.demo import refuse_in_production
from core.money import CENT
from fees import selectors, services
from fees.models import FeeStatement, Service, StatementState, TaxationOrder
from ledger.models import Account, Category, Direction, Entry
from ledger.services import EntryData, entry_post

# (reference, share of the taxed amount paid from the account, reduction by the judge)
# The taxed fees are not paid from the account in the demo: a case bundle does not carry the
# taxation orders, so an imported journal could not hold a fee payment (the ledger refuses one
# beyond what is taxed and unpaid) and every demo case must survive export_case -> import_case
# -> export_case (issue 12). The fee position shows the taxed fees as unpaid.
DEMO_CASES = [
    ("CPN-2022-0007", Decimal("0"), None),  # Namur, CPAS, by_year_prorata
    ("RM-2022-0024", Decimal("0"), "travel"),  # Namur, VAT-registered lawyer: journey refused
    ("CPN-2022-0013", Decimal("0"), None),  # Dinant: by_year_new_forfait
    ("RM-2024-0027", Decimal("0"), None),  # Brabant wallon: anniversary method
]


def last_complete_year(case: Case, today: date) -> tuple[date, date] | None:
    """The annual report's period ``[A + k - 1, A + k)`` of the latest anniversary up to today."""
    k = years_between(case.admissibility_date, today)
    if k < 1:
        return None
    return add_years(case.admissibility_date, k - 1), add_years(case.admissibility_date, k)


class Command(BaseCommand):
    help = "File demo fee statements with their taxation orders (idempotent)."

    def handle(self, *args, **options):
        refuse_in_production()
        today = timezone.localdate()
        done = 0
        for reference, paid_share, reduction in DEMO_CASES:
            case = (
                Case.objects.filter(reference=reference, status__in=ACTIVE_STATUSES)
                .select_related("mediator", "organisation")
                .first()
            )
            if case is None or not Account.objects.filter(case=case).exists():
                self.stdout.write(f"{reference}: absent or without journal, skipped.")
                continue
            period = last_complete_year(case, today)
            if period is None:
                continue
            try:
                with transaction.atomic():
                    message = self._seed(case, period, today, paid_share, reduction)
            except ValidationError as exc:
                message = "refused: " + " ".join(exc.messages)
            else:
                done += 1
            self.stdout.write(f"{reference}: {message}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo fee statements: {done} case(s) with a filed statement.")
        )

    def _services(self, case: Case, start: date) -> None:
        """The year's acts (recorded in the same transaction as the statement filed for it)."""
        by = case.mediator

        def record(kind: str, day: date, **fields) -> None:
            services.service_record(
                case=case,
                kind=kind,
                service_date=day,
                mediator=by,
                by=by,
                note=fields.pop("what"),
                **fields,
            )

        record("hearing", start + timedelta(days=45), what="audience de vérification du plan")
        record(
            "travel",
            start + timedelta(days=45),
            km=Decimal("24.0"),
            what="trajet aller-retour vers l'audience",
        )
        record(
            "admin_cost",
            start + timedelta(days=70),
            amount=Decimal("12.50"),
            what="extrait du registre de la population",
        )
        if not Service.objects.filter(case=case, kind="phone_copies_forfait", mediator=by).exists():
            record("phone_copies_forfait", start + timedelta(days=10), what="")

    def _seed(self, case, period, today, paid_share, reduction) -> str:
        start, end = period
        by = case.mediator
        statement = FeeStatement.objects.filter(
            case=case, period_from=start, period_to=end, state=StatementState.FILED
        ).first()
        created = statement is None
        if created:
            self._services(case, start)
            FeeStatement.objects.filter(
                case=case, state=StatementState.DRAFT, period_from=start, period_to=end
            ).delete()
            statement = services.statement_create(
                case=case, period_from=start, period_to=end, occasion="annual_report", by=by
            )
            statement = services.statement_file(statement=statement, by=by)
        if TaxationOrder.objects.filter(statement=statement).exists():
            return "statement and taxation order already there."
        line_amounts = {}
        if reduction:
            for line in statement.lines.filter(origin__startswith="service:"):
                service = Service.objects.get(pk=int(line.origin.split(":")[1]))
                if service.kind == reduction:
                    line_amounts[line.pk] = Decimal("0.00")
        ceiling = services.implied_total(statement, line_amounts)
        order = services.taxation_order_record(
            statement=statement,
            order_date=today,
            allowed_amount=ceiling,
            reference=f"Ord. taxation {case.role_number or case.reference}",
            judge_note="Déplacement non justifié : refusé." if line_amounts else "",
            line_amounts=line_amounts,
            by=by,
        )
        paid = self._pay(case, order.allowed_amount * paid_share, today)
        return (
            f"statement {statement.period_label} filed ({statement.total} EUR), "
            f"taxed at {order.allowed_amount} EUR, {paid} EUR paid from the account."
        )

    def _pay(self, case, wanted: Decimal, today: date) -> Decimal:
        wanted = wanted.quantize(CENT)
        account = Account.objects.get(case=case)
        amount = min(wanted, selectors.taxed_unpaid_amount(case), account.balance)
        if amount <= 0:
            return Decimal("0.00")
        entry_post(
            case=case,
            data=EntryData(
                value_date=today,
                direction=Direction.OUT,
                amount=amount,
                category=Category.FEE_PAYMENT,
                counterparty=str(case.organisation),
                communication=f"Honoraires taxés {case.reference}",
            ),
            by=case.mediator,
            today=today,
        )
        assert Entry.objects.filter(account=account, category=Category.FEE_PAYMENT).exists()
        return amount
