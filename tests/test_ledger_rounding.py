"""The account is exact to the cent on both databases: on SQLite (the fresh clone's default),
amounts are floating-point numbers inside the posting trigger, which once refused paying out
exactly the balance built from 1.000,10 € + 221,58 € (1221.6799999999998 - 1221.68 < 0).
Migration ledger 0006 rounds each posting to the cent."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledger.models import Account
from ledger.services import EntryData, account_open, entry_post

from .factories import make_case

pytestmark = pytest.mark.django_db


def test_paying_out_exactly_the_balance_leaves_zero(world):
    case = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2024-0901")
    start = date(2024, 1, 2)
    account_open(case=case, opened_on=start)
    today = start + timedelta(days=30)

    def post(direction: str, amount: str, category: str, day: int):
        return entry_post(
            case=case,
            data=EntryData(
                value_date=start + timedelta(days=day),
                direction=direction,
                amount=Decimal(amount),
                category=category,
                counterparty="Employeur",
            ),
            by=world.mediator,
            today=today,
        )

    post("in", "1000.10", "income", 1)
    post("in", "221.58", "income", 2)
    account = Account.objects.get(case=case)
    assert account.balance == Decimal("1221.68")
    post("out", "1221.68", "living_allowance", 3)
    account.refresh_from_db()
    assert account.balance == Decimal("0.00")
    # Many small amounts do not drift either.
    for _n in range(30):
        post("in", "0.10", "income", 4)
    post("in", "0.20", "income", 5)
    account.refresh_from_db()
    assert account.balance == Decimal("3.20")
    post("out", "3.20", "living_allowance", 6)
    account.refresh_from_db()
    assert account.balance == Decimal("0.00")
