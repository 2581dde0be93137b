"""Read selectors of the fees app.

Every function takes a case already obtained through the organisation-scoped case selectors
(``cases.selectors.case_get_for_user``): another organisation's case is a 404 before any of these
runs, and a statement, an order or a request is only ever looked up inside its case.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from cases.models import Case
from core.dates import add_years, years_between
from core.money import CENT
from fees.engine.facts import PaymentFacts
from fees.tariffs import TariffRow, TariffTable
from ledger.models import BILLABLE_PAYMENT_CATEGORIES, Account, Category, Direction, Entry

from .models import (
    FeeStatement,
    InterventionStatus,
    LegalAmount,
    LegalAmountKey,
    RemissionType,
    Service,
    ServiceKind,
    StateIntervention,
    StatementState,
    TariffRowRecord,
    TaxationOrder,
)

ZERO = Decimal("0.00")


def _sum(qs: QuerySet, field_name: str) -> Decimal:
    return qs.aggregate(
        total=Coalesce(
            Sum(field_name), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
        )
    )["total"]


# --- taxed and unpaid fees (fees.md §8) ---------------------------------------------------


def taxed_amount(case: Case) -> Decimal:
    """The total the court has allowed for the case (every taxation order)."""
    return _sum(TaxationOrder.objects.filter(statement__case=case), "allowed_amount")


def fees_paid_from_account(case: Case) -> Decimal:
    """Fee payments posted to the mediation account, net of reversals: every ``fee_payment``
    going out minus every one coming back (the reversal of a fee payment is a ``fee_payment``
    coming in, linked to it)."""
    entries = Entry.objects.filter(account__case=case, category=Category.FEE_PAYMENT)
    paid = _sum(entries.filter(direction=Direction.OUT), "amount")
    returned = _sum(entries.filter(direction=Direction.IN), "amount")
    return paid - returned


def fees_paid_by_state(case: Case) -> Decimal:
    """What the SPF Economie paid the mediator directly (requests marked paid, fees.md §9): that
    part of the taxed fees may no longer be taken from the mediation account."""
    return _sum(
        StateIntervention.objects.filter(case=case, status=InterventionStatus.PAID), "amount_paid"
    )


def taxed_unpaid_amount(case: Case) -> Decimal:
    """What the court has taxed for the case and is not paid yet (fees.md §8): the allowed
    amounts of the taxation orders, minus the fee payments posted to the mediation account (net
    of reversals) and what the SPF Economie paid. The ledger allows fee payments up to it
    (``ledger.services.fee_payment_allowance``) and not a cent more; never negative."""
    unpaid = taxed_amount(case) - fees_paid_from_account(case) - fees_paid_by_state(case)
    return max(unpaid, ZERO)


@dataclass
class FeePosition:
    """The fees of a case against its mediation account, for the "Honoraires" tab.

    Fees are a debt of the mass paid by preference, before any creditor (fees.md §4, §8): the
    ledger refuses a dividend that would leave the balance unable to pay the taxed unpaid fees;
    ``dividends_while_unpaid`` lists the dividends value-dated since the oldest taxation order
    still (partly) unpaid, which the tab reports as a warning when the account could pay."""

    taxed: Decimal = ZERO
    paid_from_account: Decimal = ZERO
    paid_by_state: Decimal = ZERO
    unpaid: Decimal = ZERO
    has_account: bool = False
    balance: Decimal = ZERO
    reserve: Decimal = ZERO
    unpaid_since: date | None = None
    dividends_while_unpaid: int = 0
    dividends_while_unpaid_total: Decimal = ZERO
    orders: list[TaxationOrder] = field(default_factory=list)

    @property
    def paid(self) -> Decimal:
        return self.paid_from_account + self.paid_by_state

    @property
    def payable_now(self) -> Decimal:
        """What may be taken from the account now: the taxed unpaid fees, up to the balance
        (a fee payment may use the reserve)."""
        return min(self.unpaid, max(self.balance, ZERO))

    @property
    def account_can_pay(self) -> bool:
        return self.unpaid > 0 and self.balance >= self.unpaid

    @property
    def shortfall(self) -> Decimal:
        """Taxed unpaid fees the account cannot pay now (see the SPF Economie intervention)."""
        return max(self.unpaid - max(self.balance, ZERO), ZERO)

    @property
    def preference_warning(self) -> bool:
        """Dividends paid while taxed fees the account could pay remain unpaid."""
        return self.unpaid > 0 and self.balance > 0 and self.dividends_while_unpaid > 0


def fee_position(case: Case) -> FeePosition:
    orders = list(
        TaxationOrder.objects.filter(statement__case=case)
        .select_related("statement")
        .order_by("order_date", "id")
    )
    position = FeePosition(
        taxed=sum((o.allowed_amount for o in orders), ZERO),
        paid_from_account=fees_paid_from_account(case),
        paid_by_state=fees_paid_by_state(case),
        orders=orders,
    )
    paid = position.paid_from_account + position.paid_by_state
    position.unpaid = max(position.taxed - paid, ZERO)
    account = Account.objects.filter(case=case).first()
    if account is not None:
        position.has_account = True
        position.balance, position.reserve = account.balance, account.reserve
    if position.unpaid > 0:
        # The oldest order not fully covered by what was paid (payments settle the oldest first).
        covered = position.paid_from_account + position.paid_by_state
        running = ZERO
        for order in orders:
            running += order.allowed_amount
            if running > covered:
                position.unpaid_since = order.order_date
                break
        if account is not None and position.unpaid_since is not None:
            dividends = Entry.objects.filter(
                account=account,
                category=Category.DIVIDEND,
                direction=Direction.OUT,
                value_date__gte=position.unpaid_since,
                reversed_by__isnull=True,
            )
            position.dividends_while_unpaid = dividends.count()
            position.dividends_while_unpaid_total = _sum(dividends, "amount")
    return position


# --- statements ---------------------------------------------------------------------------


def statements_of_case(case: Case) -> QuerySet[FeeStatement]:
    return (
        FeeStatement.objects.filter(case=case)
        .select_related("created_by", "filed_by", "document", "taxation_order")
        .order_by("-period_from", "-id")
    )


def statement_get(case: Case, pk: int) -> FeeStatement:
    """A statement of this case; anything else (another case's statement) is a 404."""
    statement = (
        FeeStatement.objects.filter(pk=pk, case=case)
        .select_related("case", "case__organisation", "mediator", "document")
        .first()
    )
    if statement is None:
        raise Http404
    return statement


def filed_overlapping(
    case: Case, period_from: date, period_to: date, *, exclude_pk: int | None = None
) -> FeeStatement | None:
    """A filed statement of the case whose period meets ``[period_from, period_to)``."""
    qs = FeeStatement.objects.filter(
        case=case,
        state=StatementState.FILED,
        period_from__lt=period_to,
        period_to__gt=period_from,
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("period_from").first()


def payees(case: Case, start: date, end: date) -> dict[int, str]:
    """Journal number -> who was paid (the creditor of a dividend, else the counterparty), for
    the outgoing entries of ``[start, end)``: the 2,2° lines name them."""
    rows = (
        Entry.objects.filter(
            account__case=case, direction=Direction.OUT, value_date__gte=start, value_date__lt=end
        )
        .select_related("creditor")
        .only("sequence", "counterparty", "creditor__name")
    )
    return {
        entry.sequence: (entry.creditor.name if entry.creditor else "") or entry.counterparty
        for entry in rows
    }


def untaxed_services_in_filed_periods(case: Case) -> list[Service]:
    """Services recorded after a statement of their period was filed: no later statement will
    bill them (a statement bills the services dated inside its own period)."""
    periods = list(
        FeeStatement.objects.filter(case=case, state=StatementState.FILED).values_list(
            "period_from", "period_to"
        )
    )
    if not periods:
        return []
    condition = Q()
    for start, end in periods:
        condition |= Q(date__gte=start, date__lt=end)
    return list(Service.objects.filter(case=case, taxed=False).filter(condition).order_by("date"))


def suggested_period(case: Case, today: date) -> tuple[date, date]:
    """The form's default period: from the end of the last filed statement (or the
    admissibility date) to the next anniversary after it (the annual report's period)."""
    last = (
        FeeStatement.objects.filter(case=case, state=StatementState.FILED)
        .order_by("-period_to")
        .values_list("period_to", flat=True)
        .first()
    )
    start = last or case.admissibility_date
    k = years_between(case.admissibility_date, start) + 1
    return start, add_years(case.admissibility_date, k)


# --- tariff rows and legal amounts --------------------------------------------------------


def _amount(record: TariffRowRecord) -> Decimal:
    # money rows have two decimals (checked on save); the VAT row is a rate
    return record.amount.normalize() if record.key == "vat" else record.amount.quantize(CENT)


def tariff_table() -> TariffTable:
    """The tariff rows of the database, as the fee engine's pure ``TariffTable``."""
    return TariffTable(
        TariffRow(
            id=record.row_id,
            key=record.key,
            effective_from=record.effective_from,
            amount=_amount(record),
            source=record.source,
        )
        for record in TariffRowRecord.objects.order_by("key", "effective_from")
    )


def legal_amount_in_force(key: str, on: date) -> LegalAmount | None:
    """The row of ``key`` in force on ``on`` (the newest one starting on or before it)."""
    return (
        LegalAmount.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


# --- state intervention (fees.md §9) --------------------------------------------------------


def interventions_of_case(case: Case) -> QuerySet[StateIntervention]:
    return StateIntervention.objects.filter(case=case).order_by("-prepared_on", "-id")


def intervention_get(case: Case, pk: int) -> StateIntervention:
    intervention = StateIntervention.objects.filter(pk=pk, case=case).first()
    if intervention is None:
        raise Http404
    return intervention


def intervention_cap(on: date) -> LegalAmount | None:
    return legal_amount_in_force(LegalAmountKey.STATE_INTERVENTION_CAP, on)


def capped_amount_requested(case: Case, *, exclude_pk: int | None = None) -> Decimal:
    """What the case's other requests without remission ask of the SPF (refused ones aside):
    the 1.200 EUR cap is per case (fees.md §9)."""
    qs = StateIntervention.objects.filter(case=case, remission_type=RemissionType.NONE).exclude(
        status=InterventionStatus.REFUSED
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return _sum(qs, "amount_requested")


def open_intervention_amount(case: Case, *, exclude_pk: int | None = None) -> Decimal:
    """What the case's pending requests (prepared, submitted or granted, not paid yet) ask."""
    qs = StateIntervention.objects.filter(
        case=case,
        status__in=[
            InterventionStatus.DRAFT,
            InterventionStatus.SUBMITTED,
            InterventionStatus.GRANTED,
        ],
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return _sum(qs, "amount_requested")


# --- the services of a case (the "Honoraires" tab) ----------------------------------------

NIL = Decimal("0")  # starting value of the totals below


def services_of_case(case: Case) -> QuerySet[Service]:
    return (
        Service.objects.filter(case=case)
        .select_related("mediator")
        .prefetch_related("letters")
        .order_by("date", "id")
    )


def service_get(case: Case, pk: int) -> Service:
    service = Service.objects.filter(pk=pk, case=case).first()
    if service is None:
        raise Http404
    return service


def case_mediators(case: Case) -> QuerySet[User]:
    """Mediators who worked on the case (current and former designations)."""
    return (
        User.objects.filter(Q(assignments__case=case) | Q(pk=case.mediator_id))
        .distinct()
        .order_by("last_name", "first_name")
    )


@dataclass
class KindTotal:
    """Totals of one kind, in the engine's terms (fees.engine.facts.ServiceFacts): km, cost
    and postage are per occurrence and multiplied by the quantity."""

    kind: str
    label: str
    records: int = 0
    quantity: int = 0
    km: Decimal = NIL
    amount: Decimal = NIL
    postage: Decimal = NIL
    has_km: bool = False
    has_amount: bool = False
    has_postage: bool = False


@dataclass
class Totals:
    rows: list[KindTotal] = field(default_factory=list)
    km: Decimal = NIL
    amount: Decimal = NIL
    postage: Decimal = NIL


def service_totals(items) -> Totals:
    by_kind: dict[str, KindTotal] = {}
    for service in items:
        row = by_kind.setdefault(
            service.kind, KindTotal(kind=service.kind, label=service.get_kind_display())
        )
        row.records += 1
        row.quantity += service.quantity
        if service.km is not None:
            row.km += service.km * service.quantity
            row.has_km = True
        if service.amount is not None:
            row.amount += service.amount * service.quantity
            row.has_amount = True
        if service.registered_postage is not None:
            row.postage += service.registered_postage * service.quantity
            row.has_postage = True
    order = {kind: index for index, kind in enumerate(ServiceKind.values)}
    rows = sorted(by_kind.values(), key=lambda r: order.get(r.kind, len(order)))
    return Totals(
        rows=rows,
        km=sum((r.km for r in rows), NIL),
        amount=sum((r.amount for r in rows), NIL),
        postage=sum((r.postage for r in rows), NIL),
    )


def billable_payments(
    case: Case, start: date | None = None, end: date | None = None
) -> list[PaymentFacts]:
    """The outgoing entries of the billable categories (fees.md §6, 2,2°) value-dated in
    ``[start, end)`` (``None``: unbounded), as the fee engine's ``PaymentFacts``.

    A reversed payment did not happen and a reversal is a correction: neither is a prestation,
    so both are left out. ``id`` is the entry's number in the journal (``n°``, unique in the
    case's account), so a statement line can be found in the journal excerpt.

    The engine finds the first standing-order living allowance of each follow-up year among
    *all* the payments of the case: give it the unbounded list (the default) and let it filter
    by period.
    """
    qs = Entry.objects.filter(
        account__case=case,
        direction=Direction.OUT,
        category__in=[str(c) for c in BILLABLE_PAYMENT_CATEGORIES],
        reverses__isnull=True,
        reversed_by__isnull=True,
    )
    if start:
        qs = qs.filter(value_date__gte=start)
    if end:
        qs = qs.filter(value_date__lt=end)
    return [
        PaymentFacts(
            id=sequence,
            date=value_date,
            category=category,
            amount=amount,
            standing_order=standing_order,
        )
        for sequence, value_date, category, amount, standing_order in qs.order_by(
            "value_date", "sequence"
        ).values_list("sequence", "value_date", "category", "amount", "standing_order")
    ]
