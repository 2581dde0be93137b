"""Read selectors of the fees app.

Every function takes a case already obtained through the organisation-scoped case selectors
(``cases.selectors.case_get_for_user``): another organisation's case is a 404 before any of these
runs, and a statement, an order or a request is only ever looked up inside its case.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, MediatorAssignment
from cases.selectors import can_edit_case, case_queryset_for
from core.compiled import filled, models_of, rows_of
from core.dates import add_years, anniversaries_in, anniversary, format_date, years_between
from core.money import CENT, format_eur
from fees.engine.compute import JUSTRESTART_KEY, JUSTRESTART_RULE
from fees.engine.facts import PaymentFacts
from fees.tariffs import TariffRow, TariffTable
from ledger.models import BILLABLE_PAYMENT_CATEGORIES, Account, Category, Direction, Entry

from .models import (
    DraftBatch,
    FeeStatement,
    InterventionStatus,
    JustRestartInvoice,
    LegalAmount,
    LegalAmountKey,
    RemissionType,
    Service,
    ServiceKind,
    StateIntervention,
    StatementLine,
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


MONEY = DecimalField(max_digits=14, decimal_places=2)


def fees_paid_from_account(case: Case) -> Decimal:
    """Fee payments posted to the mediation account, net of reversals: every ``fee_payment``
    going out minus every one coming back (the reversal of a fee payment is a ``fee_payment``
    coming in, linked to it)."""
    money = DecimalField(max_digits=14, decimal_places=2)
    totals = Entry.objects.filter(account__case=case, category=Category.FEE_PAYMENT).aggregate(
        paid=Coalesce(
            Sum("amount", filter=Q(direction=Direction.OUT)), Value(ZERO), output_field=money
        ),
        returned=Coalesce(
            Sum("amount", filter=Q(direction=Direction.IN)), Value(ZERO), output_field=money
        ),
    )  # one query for both (issue 15)
    return totals["paid"] - totals["returned"]


def paid_interventions(case: Case) -> QuerySet[StateIntervention]:
    """The case's requests to the SPF Economie marked paid: their ``amount_paid`` add up to
    :func:`fees_paid_by_state`."""
    return StateIntervention.objects.filter(case=case, status=InterventionStatus.PAID)


def fees_paid_by_state(case: Case) -> Decimal:
    """What the SPF Economie paid the mediator directly (requests marked paid, fees.md §9): that
    part of the taxed fees may no longer be taken from the mediation account."""
    return _sum(paid_interventions(case), "amount_paid")


def taxed_unpaid_amount(case: Case) -> Decimal:
    """What the court has taxed for the case and is not paid yet (fees.md §8): the allowed
    amounts of the taxation orders, minus the fee payments posted to the mediation account (net
    of reversals) and what the SPF Economie paid. The ledger allows fee payments up to it
    (``ledger.services.fee_payment_allowance``) and not a cent more; never negative."""
    return unpaid_of(
        taxed=taxed_amount(case),
        paid_from_account=fees_paid_from_account(case),
        paid_by_state=fees_paid_by_state(case),
    )


def unpaid_of(*, taxed: Decimal, paid_from_account: Decimal, paid_by_state: Decimal) -> Decimal:
    """:func:`taxed_unpaid_amount` from its three terms, read by the caller (the closure's
    checklist reads them with the rest, issue 15); never negative."""
    return max(taxed - paid_from_account - paid_by_state, ZERO)


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


def _order_of(statement: FeeStatement) -> TaxationOrder | None:
    try:
        return statement.taxation_order
    except TaxationOrder.DoesNotExist:
        return None


def fees_paid_of_account() -> Coalesce:
    """What :func:`fees_paid_from_account` returns, as an expression over ``Account`` rows (read
    with the account: one query for both, issue 15)."""
    net = (
        Entry.objects.filter(account=OuterRef("pk"), category=Category.FEE_PAYMENT)
        .order_by()
        .values("account")
        .annotate(
            net=Sum(CaseWhen(When(direction=Direction.OUT, then=F("amount")), default=-F("amount")))
        )
        .values("net")
    )
    return Coalesce(Subquery(net), Value(ZERO), output_field=MONEY)


class AccountFigures(NamedTuple):
    """What the fee position reads of the case's account."""

    pk: int
    balance: Decimal
    reserve: Decimal
    fees_paid: Decimal  # what :func:`fees_paid_from_account` returns


def _account_figures(case_id: int) -> QuerySet:
    """The account of the case ``case_id`` with ``fees_paid``, read with it (one query for
    both, issue 15), as an :class:`AccountFigures` tuple."""
    return (
        Account.objects.filter(case_id=case_id)
        .annotate(fees_paid=fees_paid_of_account())
        .order_by("pk")
        .values_list("pk", "balance", "reserve", "fees_paid")[:1]
    )


def _account_with_fees_paid(case: Case) -> AccountFigures | None:
    """``_account_figures``'s row, its SQL compiled once per database (``core.compiled``): the
    same for every case but its id (issue 15: compiling the subquery took 1.2 ms a request,
    running it 0.1 ms)."""
    rows = rows_of("fees.account_figures", Account, _account_figures, case_id=case.pk)
    return AccountFigures(*rows[0]) if rows else None


def fee_position(
    case: Case,
    statements: list[FeeStatement] | None = None,
    interventions: list[StateIntervention] | None = None,
) -> FeePosition:
    """``statements``: the case's statements read with their taxation orders
    (``statements_of_case``), ``interventions`` its state interventions
    (``interventions_of_case``), when the caller has them already (issue 15: a query less
    each)."""
    if statements is None:
        orders = list(
            TaxationOrder.objects.filter(statement__case=case)
            .select_related("statement")
            .order_by("order_date", "id")
        )
    else:
        orders = sorted(
            (o for o in map(_order_of, statements) if o is not None),
            key=lambda o: (o.order_date, o.id),
        )
    if interventions is None:
        paid_by_state = fees_paid_by_state(case)
    else:
        paid_by_state = sum(
            (
                i.amount_paid or ZERO
                for i in interventions
                if i.status == InterventionStatus.PAID and i.case_id == case.pk
            ),
            ZERO,
        )
    account = _account_with_fees_paid(case)  # none: no fee paid from it either
    position = FeePosition(
        taxed=sum((o.allowed_amount for o in orders), ZERO),
        paid_from_account=account.fees_paid if account is not None else ZERO,
        paid_by_state=paid_by_state,
        orders=orders,
    )
    paid = position.paid_from_account + position.paid_by_state
    position.unpaid = max(position.taxed - paid, ZERO)
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
                account_id=account.pk,
                category=Category.DIVIDEND,
                direction=Direction.OUT,
                value_date__gte=position.unpaid_since,
                reversed_by__isnull=True,
            )
            figures = dividends.aggregate(
                n=Count("pk"), total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY)
            )  # one query for both
            position.dividends_while_unpaid = figures["n"]
            position.dividends_while_unpaid_total = figures["total"]
    return position


# --- statements ---------------------------------------------------------------------------


# What the fee tab reads of a statement (its table, ``fee_position``,
# ``untaxed_services_in_filed_periods``), with its taxation order: issue 15, the statements were
# read with every column of their creator, filer and document, some 100 columns a row, for
# nothing the tab shows (1.4 ms to compile the query even for a case without any statement).
TAB_STATEMENT_FIELDS = (
    "id",
    "case_id",
    "period_from",
    "period_to",
    "occasion",
    "state",
    "total",
    "filed_at",
    "taxation_order",
)


def statements_of_case(case: Case) -> QuerySet[FeeStatement]:
    """The case's statements as the fee tab lists them, the latest period first, each with its
    taxation order (``TAB_STATEMENT_FIELDS`` only)."""
    rows = models_of("fees.statements_of_case", FeeStatement, _statements_of, case=case.pk)
    return filled(_statements_of(case.pk), rows)


def _statements_of(case: int) -> QuerySet[FeeStatement]:
    return (
        FeeStatement.objects.filter(case_id=case)
        .select_related("taxation_order")
        .only(*TAB_STATEMENT_FIELDS)
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


def untaxed_services_in_filed_periods(
    case: Case, statements: list[FeeStatement] | None = None
) -> list[Service]:
    """Services recorded after a statement of their period was filed: no later statement will
    bill them (a statement bills the services dated inside its own period). ``statements``, the
    case's statements when the caller has read them already (issue 15: one query less)."""
    if statements is None:
        periods = list(
            FeeStatement.objects.filter(case=case, state=StatementState.FILED).values_list(
                "period_from", "period_to"
            )
        )
    else:
        periods = [
            (s.period_from, s.period_to) for s in statements if s.state == StatementState.FILED
        ]
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


def _amount(key: str, amount: Decimal) -> Decimal:
    # money rows have two decimals (checked on save); the VAT row is a rate
    return amount.normalize() if key == "vat" else amount.quantize(CENT)


def tariff_table() -> TariffTable:
    """The tariff rows of the database, as the fee engine's pure ``TariffTable`` (read as plain
    rows: the agenda's forecast reads them on every request, issue 15)."""
    return TariffTable(
        TariffRow(
            id=row_id,
            key=key,
            effective_from=effective_from,
            amount=_amount(key, amount),
            source=source,
        )
        for row_id, key, effective_from, amount, source in TariffRowRecord.objects.order_by(
            "key", "effective_from"
        ).values_list("row_id", "key", "effective_from", "amount", "source")
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
    """The case's requests to the SPF as the fee tab lists them and ``fee_position`` sums them
    (issue 15: the columns read, not the request's whole text and figures)."""
    rows = models_of(
        "fees.interventions_of_case", StateIntervention, _interventions_of, case=case.pk
    )
    return filled(_interventions_of(case.pk), rows)


def _interventions_of(case: int) -> QuerySet[StateIntervention]:
    return (
        StateIntervention.objects.filter(case_id=case)
        .only(
            "id",
            "case_id",
            "prepared_on",
            "remission_type",
            "amount_requested",
            "status",
            "amount_paid",
        )
        .order_by("-prepared_on", "-id")
    )


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
    """The case's services with their mediator, in date order (the fee tab reads them as
    :class:`ServiceRow`, ``services_page``)."""
    return Service.objects.filter(case=case).select_related("mediator").order_by("date", "id")


def service_get(case: Case, pk: int) -> Service:
    service = Service.objects.filter(pk=pk, case=case).first()
    if service is None:
        raise Http404
    return service


def case_mediators(case: Case) -> QuerySet[User]:
    """Mediators who worked on the case (current and former designations), by name (then id):
    what the service form lists and checks of them. Issue 15: the case's designations in a
    subquery on their case's index; joined to every user, the ``OR`` read every designation of
    the database (5,000 on the benchmark), then made the users' rows distinct."""
    designated = MediatorAssignment.objects.filter(case=case).values("mediator_id")
    return (
        User.objects.filter(Q(pk__in=designated) | Q(pk=case.mediator_id))
        .only("id", "username", "first_name", "last_name", "organisation")
        .order_by("last_name", "first_name", "pk")
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


SERVICES_PAGE_SIZE = 50


class ServiceFigures(NamedTuple):
    """What the totals read of a service (one tuple a row, no model instance)."""

    kind: str
    quantity: int
    km: Decimal | None
    amount: Decimal | None
    registered_postage: Decimal | None


@dataclass(slots=True)
class ServiceRow:
    """A row of the fee tab's services, with what ``{% service_rows %}`` reads of a
    ``Service`` (issue 15: a page of 50 services was 100 model instances, with their users)."""

    pk: int
    date: date
    kind: str
    quantity: int
    km: Decimal | None
    amount: Decimal | None
    registered_postage: Decimal | None
    note: str
    origin: str
    taxed: bool
    mediator_id: int
    mediator: str  # as ``str(user)``: the full name, else the username

    def get_kind_display(self) -> str:
        return str(_SERVICE_KINDS.get(self.kind, self.kind))

    def get_origin_display(self) -> str:
        return str(_SERVICE_ORIGINS.get(self.origin, self.origin))


_SERVICE_KINDS = dict(ServiceKind.choices)
_SERVICE_ORIGINS = dict(Service._meta.get_field("origin").flatchoices)
SERVICE_ROW_COLUMNS = (
    "pk",
    "date",
    "kind",
    "quantity",
    "km",
    "amount",
    "registered_postage",
    "note",
    "origin",
    "taxed",
    "mediator_id",
    "mediator__first_name",
    "mediator__last_name",
    "mediator__username",
)


def _service_row(values: tuple) -> ServiceRow:
    *service, first_name, last_name, username = values
    return ServiceRow(*service, f"{first_name} {last_name}".strip() or username)  # User.__str__


def services_page(case: Case, page: int | str | None, *, count: int | None = None) -> Page:
    """One page of the case's services, the most recent first, read from the database page by
    page (issue 15: a 7-year case has some 500), as :class:`ServiceRow`. ``count``, their
    number when the caller knows it (the totals count every service): no ``COUNT`` query
    then."""
    services = services_of_case(case).order_by("-date", "-id")
    paginator = Paginator(services.values_list(*SERVICE_ROW_COLUMNS), SERVICES_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # the cached property, set
    shown = paginator.get_page(page)
    shown.object_list = [_service_row(values) for values in shown.object_list]
    return shown


def service_totals_of_case(case: Case) -> Totals:
    """The totals per kind of every service of the case, from their figures only."""
    return service_totals(
        ServiceFigures(*row)
        # no ordering: the model's would join the case to sort what is only summed
        for row in Service.objects.filter(case=case)
        .order_by()
        .values_list("kind", "quantity", "km", "amount", "registered_postage")
    )


def service_totals(items) -> Totals:
    labels = dict(ServiceKind.choices)
    by_kind: dict[str, KindTotal] = {}
    for service in items:
        row = by_kind.get(service.kind)
        if row is None:  # a label translated once a kind, not once a service (issue 15)
            label = str(labels.get(service.kind, ""))
            row = by_kind[service.kind] = KindTotal(kind=service.kind, label=label)
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
    case: Case,
    start: date | None = None,
    end: date | None = None,
    *,
    standing_order_allowances: bool = False,
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
    if standing_order_allowances:  # only the living allowances paid by standing order
        qs = qs.filter(category=Category.LIVING_ALLOWANCE, standing_order=True)
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


# --- the JustRestart fee invoices (fees.md §2, §4) -------------------------------------------

PAYMENT_TERM_DAYS = 30  # the JustRestart invoice is payable within 30 days of the anniversary


@dataclass(frozen=True)
class JustRestartDue:
    """One anniversary at which the JustRestart fee falls due, with the row that prices it."""

    k: int
    anniversary: date
    row: TariffRow

    @property
    def payable_by(self) -> date:
        return self.anniversary + timedelta(days=PAYMENT_TERM_DAYS)


def justrestart_due(
    case: Case, after: date, up_to: date, tariffs: TariffTable | None = None
) -> list[JustRestartDue]:
    """The anniversaries ``after < anniversary <= up_to`` (k >= 1; 29 February -> 28 February)
    at which the fee falls due: on or after its first row (2 November 2023), not after the
    closure date; each priced at the row in force on that anniversary (the engine's line 6
    does the same, ``fees.engine.compute``). A pure read."""
    tariffs = tariffs or tariff_table()
    first = tariffs.first_known_start(JUSTRESTART_KEY)
    # Without any JustRestart row, ``in_force`` raises (NoTariffInForce) like the engine's line
    # 6 does, rather than silently invoicing nothing: the daily run reports the case.
    if case.closure_date is not None:
        up_to = min(up_to, case.closure_date)
    return [
        JustRestartDue(k, day, tariffs.in_force(JUSTRESTART_KEY, day))
        for k, day in anniversaries_in(case.admissibility_date, after, up_to)
        if first is None or day >= first
    ]


def justrestart_invoices_of_case(case: Case) -> QuerySet[JustRestartInvoice]:
    return JustRestartInvoice.objects.filter(case=case).select_related("paid_entry", "duty")


def justrestart_invoices_listed(case: Case) -> QuerySet[JustRestartInvoice]:
    """The case's JustRestart invoices as the fee tab lists them, by anniversary: what the
    table shows, the paying entry's number (issue 15: not every column of the invoice, its duty
    and its entry, nor the model's ordering, which joined the case to sort by it)."""
    rows = models_of(
        "fees.justrestart_invoices_listed", JustRestartInvoice, _invoices_listed, case=case.pk
    )
    return filled(_invoices_listed(case.pk), rows)


def _invoices_listed(case: int) -> QuerySet[JustRestartInvoice]:
    return (
        JustRestartInvoice.objects.filter(case_id=case)
        .select_related("paid_entry")
        .only(
            "id",
            "case_id",
            "year_index",
            "anniversary",
            "amount",
            "tariff_source",
            "payable_by",
            "paid_on",
            "paid_entry__id",
            "paid_entry__sequence",
        )
        .order_by("anniversary")
    )


def justrestart_invoice_get(case: Case, pk: int) -> JustRestartInvoice:
    invoice = justrestart_invoices_of_case(case).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def justrestart_payment_entries(case: Case) -> QuerySet[Entry]:
    """The outgoing entries of the case's journal a JustRestart invoice may be linked to."""
    return Entry.objects.filter(account__case=case, direction=Direction.OUT).order_by(
        "-value_date", "-sequence"
    )


def entry_for_user(user: User, pk: int | None) -> Entry | None:
    """A journal entry of any case of the user's organisation (None otherwise): the payment
    service then says plainly when it belongs to another case than the invoice's."""
    if pk is None:
        return None
    return (
        Entry.objects.filter(pk=pk, account__case__in=case_queryset_for(user))
        .select_related("account__case")
        .first()
    )


@dataclass(frozen=True)
class JustRestartMismatch:
    anniversary: date
    message: str


def justrestart_mismatches(
    statement: FeeStatement, lines: list[StatementLine] | None = None
) -> list[JustRestartMismatch]:
    """Where the statement's line 6 (JustRestart fee, one line per anniversary in the period)
    and the case's JustRestart invoices disagree: an anniversary billed without an invoice, an
    invoice not billed, or amounts that differ. The bound is the engine's: period_from <
    anniversary <= period_to (not after the closure date). ``lines``: those of a preview not
    saved yet (default: the statement's)."""
    case = statement.case
    if lines is None:
        lines = list(statement.lines.all())
    billed = {
        line.date: line.amount
        for line in lines
        if line.rule == JUSTRESTART_RULE and line.date is not None
    }
    up_to = statement.period_to
    if case.closure_date is not None:
        up_to = min(up_to, case.closure_date)
    invoices = {
        invoice.anniversary: invoice.amount
        for invoice in JustRestartInvoice.objects.filter(
            case=case, anniversary__gt=statement.period_from, anniversary__lte=up_to
        )
    }
    found: list[JustRestartMismatch] = []
    for day in sorted(set(billed) | set(invoices)):
        when = format_date(day)
        if day not in invoices:
            message = _(
                "La ligne 6 compte la redevance JustRestart de l'anniversaire du %(date)s "
                "(%(amount)s), mais aucune facture JustRestart n'est enregistrée pour cet "
                "anniversaire."
            ) % {"date": when, "amount": format_eur(billed[day])}
        elif day not in billed:
            message = _(
                "La facture JustRestart de l'anniversaire du %(date)s (%(amount)s) n'est pas "
                "reprise à la ligne 6 de l'état : recalculez-le ou vérifiez la facture."
            ) % {"date": when, "amount": format_eur(invoices[day])}
        elif billed[day] != invoices[day]:
            message = _(
                "La facture JustRestart de l'anniversaire du %(date)s s'élève à %(invoice)s, "
                "la ligne 6 de l'état à %(line)s."
            ) % {
                "date": when,
                "invoice": format_eur(invoices[day]),
                "line": format_eur(billed[day]),
            }
        else:
            continue
        found.append(JustRestartMismatch(day, message))
    return found


# --- draft fee statements of the year ended ---------------------------------------------------


def last_anniversary(case: Case, on: date) -> tuple[int, date] | None:
    """The latest anniversary (k >= 1) on or before ``on`` and not after the closure date:
    the end of the year whose fee statement is prepared; None before the first one."""
    up_to = on if case.closure_date is None else min(on, case.closure_date)
    k = years_between(case.admissibility_date, up_to)
    if k < 1:
        return None
    return k, anniversary(case.admissibility_date, k)


def statement_of_year(case: Case, year_end: date) -> FeeStatement | None:
    """The statement (draft or filed) of the year that ends at the anniversary ``year_end``."""
    return (
        FeeStatement.objects.filter(case=case, period_to=year_end)
        .order_by("-state", "-id")  # a filed one first
        .first()
    )


def last_filed_end_within(case: Case, start: date, end: date) -> date | None:
    """The end of the latest filed statement that ends inside ``(start, end)``: a draft of the
    year starts there, so that nothing already filed is billed twice."""
    return (
        FeeStatement.objects.filter(
            case=case, state=StatementState.FILED, period_to__gt=start, period_to__lt=end
        )
        .order_by("-period_to")
        .values_list("period_to", flat=True)
        .first()
    )


def cases_for_draft_batch(user: User, on: date) -> list[tuple[Case, date]]:
    """The cases whose year-ended fee statement a batch of ``user`` prepares, with that year's
    end: the cases of their organisation they may change (the designated mediator's, every one
    for the administrator), past their first anniversary on ``on``."""
    found = []
    cases = case_queryset_for(user).select_related("organisation", "mediator").order_by("pk")
    for case in cases.iterator(chunk_size=200):
        if not can_edit_case(user, case):
            continue
        last = last_anniversary(case, on)
        if last is not None:
            found.append((case, last[1]))
    return found


def draft_batches_of(user: User) -> QuerySet[DraftBatch]:
    return DraftBatch.objects.filter(requested_by=user)
