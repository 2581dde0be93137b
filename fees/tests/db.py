"""Helpers to record the facts of a case in the database for the fee tests: creditors and
their claims, the mediation account and its journal, billable services. Everything goes through
the models or the services the application itself uses."""

from datetime import date
from decimal import Decimal

from claims.models import Claim, ClaimStatus, Creditor
from fees.models import Service
from fees.services import service_record
from ledger.models import Category, Direction, Entry
from ledger.services import EntryData, account_open, entry_post, entry_reverse

D = Decimal
# Far enough after every value date of the tests for the ledger's "not in the future" horizon;
# the fee engine never reads it (it works on the legal dates of the acts).
POSTING_DAY = date(2035, 1, 1)


def creditors_with_claims(
    case,
    count: int,
    *,
    declared_on: date,
    time_barred: int = 0,
    paid_off: dict[int, date] | None = None,
    prefix: str = "Créancier",
) -> list[Creditor]:
    """``count`` creditors of the case's organisation, each with one claim in the case; the first
    ``time_barred`` are time-barred; ``paid_off`` maps a creditor's index to its pay-off date.
    The last creditor has a second claim, so that creditors (not claims) are counted."""
    paid_off = paid_off or {}
    found = []
    for index in range(count):
        creditor = Creditor.objects.create(
            organisation=case.organisation, name=f"{prefix} {index + 1:02d}"
        )
        Claim.objects.create(
            case=case,
            creditor=creditor,
            principal=D("1000.00"),
            declared_on=declared_on,
            status=ClaimStatus.ACCEPTED,
            time_barred=index < time_barred,
            paid_off_on=paid_off.get(index),
        )
        found.append(creditor)
    Claim.objects.create(
        case=case,
        creditor=found[-1],
        principal=D("250.00"),
        declared_on=declared_on,
        status=ClaimStatus.ACCEPTED,
        paid_off_on=paid_off.get(count - 1),
    )
    return found


def open_account(case, opened_on: date | None = None):
    return account_open(case=case, opened_on=opened_on)


def post(
    case,
    on: date,
    category: str,
    amount: str | Decimal,
    *,
    direction: str = Direction.OUT,
    standing_order: bool = False,
    creditor: Creditor | None = None,
    by=None,
    today: date = POSTING_DAY,
) -> Entry:
    return entry_post(
        case=case,
        data=EntryData(
            value_date=on,
            direction=direction,
            amount=D(amount),
            category=category,
            counterparty="Contrepartie",
            standing_order=standing_order,
            creditor_id=creditor.pk if creditor else None,
            authorisation="Ord. 2022/123" if category == Category.EXCEPTIONAL_EXPENSE else "",
        ),
        by=by,
        today=today,
    )


def income(case, on: date, amount: str | Decimal) -> Entry:
    return post(case, on, Category.INCOME, amount, direction=Direction.IN)


def reverse(entry: Entry, on: date = POSTING_DAY) -> Entry:
    return entry_reverse(entry=entry, by=None, today=on)


def service(case, kind: str, on: date, *, mediator=None, **fields) -> Service:
    return service_record(
        case=case, kind=kind, service_date=on, mediator=mediator or case.mediator, **fields
    )
