"""The database itself guards the mediation account, the same way on SQLite and on PostgreSQL
(ledger migrations 0002 and 0003): each forbidden write goes straight to the database, past the
services (raw SQL, ``QuerySet.update()``, ``.delete()``, ``objects.create()``), and is refused.

The tests commit (``transaction=True``): a refusal must come from the statement itself, not from
a deferred check at COMMIT nor from the test's rollback. The suite runs once on SQLite and once on
PostgreSQL (``DATABASE_URL``); every test here runs on both.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.models import Account, Entry
from ledger.services import EntryData, account_open, entry_post

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2023, 3, 1)
BALANCE_GUARD = "the balance changes only by posting entries"
APPEND_ONLY = "append-only"
NO_DELETE = "an account with entries cannot be deleted"
NEGATIVE = "account_balance_not_negative"  # the CHECK constraints of the account
RESERVE = "account_reserve_within_balance"


@pytest.fixture
def account(world, ledger_emptied_after):
    """An account with 1000.00 of which 300.00 is reserved for fees, and 2 entries."""
    account = account_open(case=world.case, iban="BE71096123456769")
    postings = [("in", "1000", "income"), ("in", "300", "reserve_transfer")]
    for direction, amount, category in postings:
        entry_post(
            case=world.case,
            data=EntryData(
                value_date=date(2022, 7, 1),
                direction=direction,
                amount=Decimal(amount),
                category=category,
            ),
            by=world.mediator,
            today=TODAY,
        )
    account.refresh_from_db()
    assert (account.balance, account.reserve, account.entry_count) == (
        Decimal("1000.00"),
        Decimal("300.00"),
        2,
    )
    return account


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def unchanged(account):
    fresh = Account.objects.get(pk=account.pk)
    return (fresh.balance, fresh.reserve, fresh.entry_count) == (
        account.balance,
        account.reserve,
        account.entry_count,
    )


def insert_entry(account, *, sequence, direction, amount, category="other"):
    """An entry inserted past the services (no checks of theirs, no hash chain)."""
    return Entry.objects.create(
        account=account,
        sequence=sequence,
        value_date=date(2022, 8, 1),
        direction=direction,
        amount=Decimal(amount),
        category=category,
        previous_hash="-",
        hash="-",
    )


# Entries are append-only ---------------------------------------------------------------------


def test_an_entry_cannot_be_updated(account):
    entry = account.entries.get(sequence=1)
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(note="corrigé")  # any column
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic():
        raw("UPDATE ledger_entry SET direction = 'out' WHERE id = %s", entry.pk)
    entry.refresh_from_db()
    assert (entry.amount, entry.direction, entry.note) == (Decimal("1000.00"), "in", "")


def test_an_entry_cannot_be_deleted(account):
    entry = account.entries.get(sequence=2)
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic():
        raw("DELETE FROM ledger_entry WHERE account_id = %s", account.pk)
    assert account.entries.count() == 2 and unchanged(account)


# Postings: numbered without gaps, never overdraw, keep the reserve within the balance ---------


@pytest.mark.parametrize("sequence", [1, 2, 4, 100])
def test_an_entry_out_of_sequence_is_refused(account, sequence):
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_entry(account, sequence=sequence, direction="in", amount="5")
    assert account.entries.count() == 2 and unchanged(account)


def test_the_next_number_is_accepted_and_posted_by_the_database(account):
    insert_entry(account, sequence=3, direction="out", amount="699.99")
    fresh = Account.objects.get(pk=account.pk)
    assert (fresh.balance, fresh.reserve, fresh.entry_count) == (
        Decimal("300.01"),
        Decimal("300.00"),
        3,
    )


def test_an_overdraft_is_refused(account):
    with pytest.raises(IntegrityError, match=NEGATIVE), transaction.atomic():
        insert_entry(account, sequence=3, direction="out", amount="1000.01")
    assert account.entries.count() == 2 and unchanged(account)


@pytest.mark.parametrize(
    "direction,amount",
    [
        ("in", "700.01"),  # more reserved than the balance
        ("out", "300.01"),  # more released than reserved
    ],
)
def test_the_reserve_stays_within_the_balance(account, direction, amount):
    with pytest.raises(IntegrityError, match=RESERVE), transaction.atomic():
        insert_entry(
            account, sequence=3, direction=direction, amount=amount, category="reserve_transfer"
        )
    assert account.entries.count() == 2 and unchanged(account)


def test_a_fee_payment_beyond_the_balance_is_refused(account):
    with pytest.raises(IntegrityError, match=NEGATIVE), transaction.atomic():
        insert_entry(account, sequence=3, direction="out", amount="1000.01", category="fee_payment")
    assert account.entries.count() == 2 and unchanged(account)


# The account's balance, reserve and entry count are written only by postings ----------------


@pytest.mark.parametrize(
    "changes",
    [
        {"balance": Decimal("1000000.00")},
        {"balance": Decimal("900.00")},  # still above the reserve, so no CHECK would catch it
        {"reserve": Decimal("0.00")},
        {"reserve": Decimal("1000.00")},
        {"entry_count": 0},
        {"entry_count": 3},
        # What a posting does, but without the entry:
        {"entry_count": 3, "balance": Decimal("1100.00")},
    ],
    ids=lambda changes: "-".join(changes),
)
def test_the_balance_cannot_be_written_directly(account, changes):
    with pytest.raises(IntegrityError, match=BALANCE_GUARD), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(**changes)
    assert unchanged(account)


def test_the_balance_cannot_be_written_by_raw_sql(account):
    with pytest.raises(IntegrityError, match=BALANCE_GUARD), transaction.atomic():
        raw("UPDATE ledger_account SET balance = balance + 1 WHERE id = %s", account.pk)
    with pytest.raises(IntegrityError, match=BALANCE_GUARD), transaction.atomic():
        raw(
            "UPDATE ledger_account SET entry_count = entry_count + 1, balance = balance + 1000 "
            "WHERE id = %s",
            account.pk,
        )
    assert unchanged(account)


def test_the_balance_cannot_be_saved_from_the_model(account):
    account.balance = Decimal("5000.00")
    with pytest.raises(IntegrityError, match=BALANCE_GUARD), transaction.atomic():
        account.save()
    account.refresh_from_db()
    assert account.balance == Decimal("1000.00")


def test_the_other_columns_of_the_account_can_change(account):
    """The guard refuses only the three posted columns: the IBAN may be corrected, and saving an
    up-to-date account (the admin saves every column) writes the same balance again."""
    Account.objects.filter(pk=account.pk).update(iban="BE68539007547034")
    account.refresh_from_db()
    account.opened_on = date(2022, 6, 16)
    account.save()
    raw("UPDATE ledger_account SET balance = balance, reserve = reserve WHERE id = %s", account.pk)
    fresh = Account.objects.get(pk=account.pk)
    assert (fresh.iban, fresh.opened_on) == ("BE68539007547034", date(2022, 6, 16))
    assert unchanged(account)


# An account with entries is never deleted --------------------------------------------------


def test_an_account_with_entries_cannot_be_deleted(account):
    # ``Account.objects...delete()`` stops in Django (PROTECT from the entries) before reaching
    # the database; raw SQL reaches it, and is refused by the DELETE itself, not only later by
    # the deferred foreign key at COMMIT.
    with pytest.raises(IntegrityError, match=NO_DELETE), transaction.atomic():
        raw("DELETE FROM ledger_account WHERE id = %s", account.pk)
    assert Account.objects.filter(pk=account.pk).exists()


def test_an_account_without_entries_can_be_deleted(world, ledger_emptied_after):
    account = account_open(case=world.case)
    Account.objects.filter(pk=account.pk).delete()
    assert not Account.objects.filter(pk=account.pk).exists()
