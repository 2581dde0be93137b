"""Read selectors of the mediation account."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from cases.models import Case

from .models import Account, Entry


def account_of(case: Case) -> Account | None:
    return Account.objects.filter(case=case).first()


def journal(
    account: Account, *, start: date | None = None, end: date | None = None, category: str = ""
) -> QuerySet[Entry]:
    qs = account.entries.select_related("creditor", "reverses", "posted_by").order_by("sequence")
    if start:
        qs = qs.filter(value_date__gte=start)
    if end:
        qs = qs.filter(value_date__lt=end)
    if category:
        qs = qs.filter(category=category)
    return qs


@dataclass
class JournalLine:
    entry: Entry
    balance: Decimal  # running balance after the entry (in posting order)


def journal_with_running_balance(account: Account) -> list[JournalLine]:
    """Every entry in posting order with the balance after it. The reserve transfers do not
    change the balance (they earmark part of it)."""
    running = Decimal("0.00")
    lines = []
    for entry in journal(account):
        if entry.category != "reserve_transfer":
            running += entry.signed_amount
        lines.append(JournalLine(entry=entry, balance=running))
    return lines
