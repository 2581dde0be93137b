"""Demo journals: opens the mediation account of every running demo case and posts a realistic
history through ``ledger.services`` (the same rules as the screens): the applicant's monthly
income, the living allowance by standing order, the rent and energy paid on their behalf,
quarterly bank charges and transfers to the fee reserve, one exceptional expense authorised by
the court in some cases, one income encoded twice by mistake and reversed, and — when the case
has creditors with an admitted claim and a plan — monthly dividends shared in proportion to
their admitted claims, never beyond them (``claims.selectors.admitted_ceilings``).

Idempotent: an account that already has entries is left alone. Run after ``seed_demo``.
"""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.status import ACTIVE_STATUSES, CaseStatus
from claims.models import Creditor
from claims.selectors import admitted_ceilings
from core.dates import format_date
from core.demo import refuse_in_production
from core.money import CENT
from ledger import services
from ledger.models import Category, Direction
from ledger.services import EntryData

PLAN_STATUSES = {CaseStatus.AMICABLE_PLAN, CaseStatus.JUDICIAL_PLAN}

INCOMES = [
    ("Salaire", ["Cora Namur SA", "Delhaize Le Lion SA", "Ville de Namur", "Randstad Belgium SA"]),
    ("Allocations de chômage", ["CAPAC", "FGTB — organisme de paiement", "CSC — service chômage"]),
    ("Revenu d'intégration", ["CPAS de Namur", "CPAS de Liège", "CPAS de Charleroi"]),
    ("Indemnités d'incapacité de travail", ["Solidaris", "Mutualité chrétienne"]),
    ("Pension", ["Service fédéral des Pensions"]),
]
LANDLORDS = [
    "Foyer Namurois SCRL",
    "La Maison Liégeoise SCRL",
    "Logis Social de Charleroi",
    "M. et Mme Jacquet",
    "Immo Meuse SPRL",
]
ENERGY = ["ENGIE Electrabel", "Luminus SA", "TotalEnergies Power & Gas Belgium", "Mega SA"]
BANKS = {"001": "BNP Paribas Fortis", "068": "Belfius Banque", "363": "ING Belgique", "096": "CBC"}
EXPENSES = [
    ("Remplacement de la chaudière", "Chauffage Dethier SPRL", 1450),
    ("Frais de déménagement", "Déménagements Collard", 680),
    ("Réparation du véhicule (trajet domicile-travail)", "Garage Marchal", 920),
    ("Lunettes (quote-part non remboursée)", "Optique Delvaux", 310),
]


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def belgian_iban(bank_code: str, account: int) -> str:
    first = f"{bank_code}{account:07d}"
    check = int(first) % 97 or 97
    bban = f"{first}{check:02d}"
    return f"BE{98 - int(f'{bban}111400') % 97:02d}{bban}"


def structured_communication(number: int) -> str:
    """+++123/4567/89012+++ with its mod-97 check digits."""
    base = number % 10**10
    check = base % 97 or 97
    digits = f"{base:010d}{check:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def month_starts(first: date, last: date):
    day = date(first.year, first.month, 1)
    while day <= last:
        yield day
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)


class Command(BaseCommand):
    help = "Open the accounts of the running demo cases and post a realistic journal (idempotent)."

    def handle(self, *args, **options):
        refuse_in_production()
        today = timezone.localdate()
        opened = posted = skipped = 0
        cases = (
            Case.objects.filter(status__in=ACTIVE_STATUSES)
            .select_related("mediator")
            .prefetch_related("applicants")
            .order_by("pk")
        )
        for case in cases:
            try:
                account = services.account_open(case=case)
            except ValidationError as exc:
                self.stderr.write(f"{case.reference}: {'; '.join(exc.messages)}")
                continue
            if account.entry_count:
                skipped += 1
                continue
            opened += 1
            with transaction.atomic():
                posted += History(case, today).post()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo journals: {opened} account(s) filled, {posted} entries posted, "
                f"{skipped} account(s) already kept."
            )
        )


class History:
    """One case's journal, month by month, kept within the available balance."""

    def __init__(self, case: Case, today: date):
        self.case = case
        self.today = today
        self.rng = random.Random(case.pk * 7919)
        self.by = case.mediator
        self.count = 0
        self.refused = 0
        self.pending: list | None = None
        # dividends paid per creditor: never beyond its admitted claims (issue 12)
        self.paid: dict[int, Decimal] = {}
        rng = self.rng
        self.income_label, payers = rng.choice(INCOMES)
        self.payer = rng.choice(payers)
        self.income = money(rng.randrange(1450, 2350, 5))
        self.children = case.dependent_children
        self.rent = min(money(rng.randrange(450, 760, 5)), money(self.income * Decimal("0.38")))
        self.landlord = rng.choice(LANDLORDS)
        self.energy = money(rng.randrange(70, 150, 5))
        self.supplier = rng.choice(ENERGY)
        self.creditors = self._creditors()
        # What is left each month for the plan; without creditors to pay (no claims recorded in
        # the demo case) a small margin only, so that the balance stays plausible.
        self.surplus = money(
            rng.randrange(120, 320, 10) if self.creditors else rng.randrange(40, 90, 5)
        )
        base = self.income + self.children * Decimal("175")
        self.allowance = money(
            ((base - self.rent - self.energy - self.surplus) / 10).to_integral_value() * 10
        )
        applicant = case.applicants.all()[0] if case.applicants.all() else None
        self.applicant = applicant.full_name if applicant else case.reference
        self.applicant_iban = belgian_iban("063", 4000000 + case.pk)
        self.bank = BANKS.get(case.account_iban[4:7], "Banque du compte de médiation")
        self.plan_start = case.homologation_date if case.status in PLAN_STATUSES else None

    def _creditors(self) -> list[tuple[int, str, str, Decimal, Decimal]]:
        """(id, name, iban, share, ceiling) of the creditors the plan pays: those with an
        admitted claim (``claims.selectors.admitted_ceilings``, the payment page's and the
        filing checks' one definition: accepted, not time-barred; a contested or pending claim
        is paid nothing until accepted), each never beyond its ceiling, sharing pro rata of
        their ceilings."""
        ceilings = {pk: c for pk, c in admitted_ceilings(self.case).items() if c > 0}
        grand = sum(ceilings.values(), Decimal(0))
        if not grand:
            return []
        rows = Creditor.objects.filter(pk__in=ceilings).values_list("pk", "name", "iban")
        return [
            (pk, name, iban, ceilings[pk] / grand, ceilings[pk])
            for pk, name, iban in sorted(rows, key=lambda row: (row[1], row[0]))
        ]

    def _day(self, month: date, offset: int) -> date:
        """A day of the month, never before the account's first day."""
        return max(month + timedelta(days=offset), self.case.admissibility_date + timedelta(days=1))

    def _post(self, day: date, direction: str, amount, category: str, **fields):
        if self.pending is not None:  # the month's entries are posted in date order
            self.pending.append((day, len(self.pending), (direction, amount, category, fields)))
            return None
        return self._post_now(day, direction, amount, category, **fields)

    def _flush(self) -> None:
        """Post the month's entries in date order (stable for one day): the journal is read,
        exported and imported in date order (case-bundle.md: "a ledger that never takes the
        balance below zero"), so the balance must hold in that order, not only in the order
        the entries were thought of (issue 12: demo journals went negative in date order)."""
        pending, self.pending = self.pending or [], None
        for day, _index, (direction, amount, category, fields) in sorted(
            pending, key=lambda item: (item[0], item[1])
        ):
            if category == "income_twice":
                self._income_twice(day, amount, fields)
            else:
                self._post_now(day, direction, amount, category, **fields)
        self.pending = []

    def _income_twice(self, day: date, amount, fields: dict) -> None:
        """The same income encoded twice by mistake, then reversed (three days later)."""
        double = self._post_now(day, Direction.IN, amount, Category.INCOME, **fields)
        if double is not None:
            services.entry_reverse(
                entry=double,
                by=self.by,
                today=min(day + timedelta(days=3), self.today),
                note="Revenu encodé deux fois (même extrait bancaire)",
            )
            self.count += 1

    def _post_now(self, day: date, direction: str, amount, category: str, **fields):
        if day > self.today:
            return None
        try:
            entry = services.entry_post(
                case=self.case,
                data=EntryData(
                    value_date=day,
                    direction=direction,
                    amount=money(amount),
                    category=category,
                    **fields,
                ),
                by=self.by,
                today=self.today,
            )
        except ValidationError:
            self.refused += 1  # e.g. not enough money that month: the mediator would wait
            return None
        self.count += 1
        return entry

    def post(self) -> int:
        rng = self.rng
        first = self.case.admissibility_date + timedelta(days=1)
        months = list(month_starts(first, self.today))
        mistake_month = min(2, len(months) - 1)
        expense_month = rng.randrange(6, max(7, len(months))) if rng.random() < 0.5 else None
        self.pending = []
        for index, month in enumerate(months):
            label = format_date(month, "month")
            pay_day = self._day(month, rng.randrange(0, 3))
            income = (
                self.income + money(rng.randrange(-30, 31))
                if "Salaire" in self.income_label
                else self.income
            )
            self._post(
                pay_day,
                Direction.IN,
                income,
                Category.INCOME,
                counterparty=self.payer,
                communication=f"{self.income_label} {label}",
            )
            if index == mistake_month:
                self._post(
                    pay_day,
                    Direction.IN,
                    income,
                    "income_twice",
                    counterparty=self.payer,
                    communication=f"{self.income_label} {label}",
                )
            if self.children:
                self._post(
                    self._day(month, 7),
                    Direction.IN,
                    self.children * Decimal("175"),
                    Category.INCOME,
                    counterparty="FAMIWAL",
                    communication=f"Allocations familiales {label}",
                )
            self._post(
                self._day(month, 4),
                Direction.OUT,
                self.allowance,
                Category.LIVING_ALLOWANCE,
                counterparty=self.applicant,
                counterparty_iban=self.applicant_iban,
                communication=f"Pécule de médiation {label}",
                standing_order=True,
            )
            self._post(
                self._day(month, 5),
                Direction.OUT,
                self.rent,
                Category.PAYMENT_ON_BEHALF,
                counterparty=self.landlord,
                communication=f"Loyer {label}",
            )
            self._post(
                self._day(month, 14),
                Direction.OUT,
                self.energy,
                Category.PAYMENT_ON_BEHALF,
                counterparty=self.supplier,
                communication=structured_communication(self.case.pk * 1000 + index),
            )
            if month.month % 3 == 0:
                self._post(
                    self._day(month, 27),
                    Direction.OUT,
                    Decimal("4.50"),
                    Category.BANK_CHARGE,
                    counterparty=self.bank,
                    communication=f"Frais de gestion du compte, trimestre {label}",
                )
                self._post(
                    self._day(month, 27),
                    Direction.IN,
                    self.surplus * Decimal("0.45"),
                    Category.RESERVE_TRANSFER,
                    note="Provision trimestrielle pour honoraires",
                )
            if index == expense_month:
                what, supplier, amount = rng.choice(EXPENSES)
                order = month - timedelta(days=rng.randrange(10, 30))
                self._post(
                    self._day(month, 20),
                    Direction.OUT,
                    amount,
                    Category.EXCEPTIONAL_EXPENSE,
                    counterparty=supplier,
                    communication=what,
                    authorisation=(
                        f"Ordonnance du {format_date(order)}, R.G. {self.case.role_number}"
                    ),
                )
            if self.plan_start and self.creditors and month > self.plan_start:
                budget = self.surplus * Decimal("0.5")
                for creditor_id, name, iban, share, ceiling in self.creditors:
                    # never beyond the creditor's claims (issue 12: nothing contradictory
                    # goes to court)
                    amount = min(
                        money(max(budget * share, Decimal("5"))),
                        ceiling - self.paid.get(creditor_id, Decimal("0.00")),
                    )
                    if amount <= 0:
                        continue
                    self.paid[creditor_id] = self.paid.get(creditor_id, Decimal("0.00")) + amount
                    self._post(
                        self._day(month, 24),
                        Direction.OUT,
                        amount,
                        Category.DIVIDEND,
                        creditor_id=creditor_id,
                        counterparty=name,
                        counterparty_iban=iban,
                        communication=f"Dividende plan {label} — {self.case.reference}",
                    )
            self._flush()
        self.pending = None
        return self.count
