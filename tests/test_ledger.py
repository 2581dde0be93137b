"""The mediation account: append-only journal enforced by the database, no overdraft (also
under concurrent postings), reversals, fee reserve, hash chain."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from claims.models import Claim
from claims.services import ClaimData, ContactData, claim_create, creditor_create
from ledger.chain import GENESIS_HASH
from ledger.models import Account, Entry
from ledger.selectors import journal_with_running_balance, verify_chain
from ledger.services import EntryData, account_open, entry_post, entry_reverse

TODAY = date(2023, 3, 1)


def income(amount, day=date(2022, 7, 1), **kw):
    return EntryData(
        value_date=day, direction="in", amount=Decimal(amount), category="income", **kw
    )


def payment(amount, category="payment_on_behalf", day=date(2022, 7, 5), **kw):
    return EntryData(
        value_date=day, direction="out", amount=Decimal(amount), category=category, **kw
    )


@pytest.fixture
def account(world):
    return account_open(case=world.case, iban="BE71096123456769")


def post(world, data):
    return entry_post(case=world.case, data=data, by=world.mediator, today=TODAY)


def balance(account):
    account.refresh_from_db()
    return account.balance


def test_postings_update_the_balance_in_the_database(world, account):
    post(world, income("1500.00"))
    post(world, payment("450.25", category="living_allowance"))
    assert balance(account) == Decimal("1049.75")
    lines = journal_with_running_balance(account)
    assert [line.balance for line in lines] == [Decimal("1500.00"), Decimal("1049.75")]
    assert [e.sequence for e in account.entries.all()] == [1, 2]


@pytest.mark.parametrize(
    "data,field",
    [
        (income("0"), "amount"),
        (income("-5"), "amount"),
        (income("10.005"), "amount"),
        (income("10", day=date(2023, 6, 1)), "value_date"),  # beyond the 31-day horizon
        (income("10", day=date(2022, 1, 1)), "value_date"),  # before the account opened
        (payment("10", category="exceptional_expense"), "authorisation"),
        (payment("10", category="fee_payment"), "amount"),  # nothing taxed yet
        (payment("5000"), "amount"),  # overdraft
    ],
)
def test_bad_postings_are_refused_and_nothing_is_saved(world, account, data, field):
    post(world, income("100"))
    with pytest.raises(ValidationError) as exc:
        post(world, data)
    assert field in exc.value.message_dict
    assert Entry.objects.count() == 1
    assert balance(account) == Decimal("100.00")


def test_dividends_only_to_a_participating_creditor_of_the_case(world, account):
    post(world, income("1000"))
    proximus = creditor_create(organisation=world.org, data=ContactData(name="Proximus"))
    late = creditor_create(organisation=world.org, data=ContactData(name="Forclos SA"))
    stranger = creditor_create(organisation=world.org, data=ContactData(name="Autre SA"))
    claim_create(
        case=world.case,
        data=ClaimData(creditor=proximus, principal=Decimal("500"), declared_on=date(2022, 7, 1)),
    )
    claim_create(
        case=world.case,
        data=ClaimData(
            creditor=late, principal=Decimal("500"), declared_on=date(2022, 9, 1), time_barred=True
        ),
    )
    for creditor in (late, stranger, None):
        with pytest.raises(ValidationError):
            post(
                world,
                payment("10", category="dividend", creditor_id=creditor.pk if creditor else None),
            )
    entry = post(world, payment("10", category="dividend", creditor_id=proximus.pk))
    assert entry.creditor == proximus
    assert Claim.objects.count() == 2


def test_the_database_refuses_updates_and_deletes(world, account):
    entry = post(world, income("100"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal("1000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.amount == Decimal("100.00")


def test_the_database_refuses_an_overdraft_even_without_the_service(world, account):
    post(world, income("100"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            account=account,
            sequence=2,
            value_date=date(2022, 8, 1),
            direction="out",
            amount=Decimal("100.01"),
            category="payment_on_behalf",
            previous_hash="x",
            hash="y",
        )
    assert balance(account) == Decimal("100.00")


def test_the_database_refuses_a_gap_in_the_numbering(world, account):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            account=account,
            sequence=5,
            value_date=date(2022, 8, 1),
            direction="in",
            amount=Decimal("1"),
            category="income",
            previous_hash="x",
            hash="y",
        )


def test_the_balance_cannot_be_written_directly(world, account):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=Decimal("1000000"))


def test_reversal_corrects_a_mistake(world, account):
    wrong = post(world, income("1000"))
    post(world, income("100"))
    reversal = entry_reverse(entry=wrong, by=world.mediator, today=TODAY)
    assert reversal.reverses == wrong and reversal.direction == "out"
    assert balance(account) == Decimal("100.00")
    with pytest.raises(ValidationError):
        entry_reverse(entry=wrong, by=world.mediator, today=TODAY)
    with pytest.raises(ValidationError):
        entry_reverse(entry=reversal, by=world.mediator, today=TODAY)
    assert Entry.objects.count() == 3


def test_fee_reserve_is_part_of_the_balance_and_protected(world, account):
    post(world, income("1000"))
    post(
        world,
        EntryData(
            value_date=date(2022, 7, 2),
            direction="in",
            amount=Decimal("300"),
            category="reserve_transfer",
        ),
    )
    account.refresh_from_db()
    assert (account.balance, account.reserve, account.available) == (
        Decimal("1000.00"),
        Decimal("300.00"),
        Decimal("700.00"),
    )
    with pytest.raises(ValidationError):  # the reserve is not spendable on other payments
        post(world, payment("700.01"))
    post(world, payment("700.00"))
    with pytest.raises(ValidationError):  # more than is reserved
        post(
            world,
            EntryData(
                value_date=date(2022, 7, 9),
                direction="out",
                amount=Decimal("300.01"),
                category="reserve_transfer",
            ),
        )


def test_hash_chain_detects_tampering(world, account):
    post(world, income("100"))
    post(world, payment("40"))
    post(world, income("5"))
    assert verify_chain(account) == []
    first = account.entries.get(sequence=1)
    assert first.previous_hash == GENESIS_HASH
    with connection.cursor() as cursor:  # a superuser bypassing the triggers
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off
            cursor.execute("UPDATE ledger_entry SET amount = 50 WHERE sequence = 2")
            cursor.execute("SET session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER ledger_entry_no_update")
            cursor.execute("UPDATE ledger_entry SET amount = 50 WHERE sequence = 2")
    assert verify_chain(account) == [2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_never_overdraw(world):
    account = account_open(case=world.case)
    post(world, income("100.00"))
    outcomes = []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            entry_post(case=world.case, data=payment("15.00"), by=None, today=TODAY)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 6 and outcomes.count("refused") == 2
    account.refresh_from_db()
    assert account.balance == Decimal("10.00")
    assert list(account.entries.values_list("sequence", flat=True)) == list(range(1, 8))
    assert verify_chain(account) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_database_alone_refuses_concurrent_overdrafts(world):
    """Raw inserts from several connections, bypassing the service's checks: the trigger and
    the account's CHECK constraint still keep the balance >= 0."""
    account = account_open(case=world.case)
    post(world, income("50.00"))
    results = []
    barrier = threading.Barrier(6)

    def worker(n):
        try:
            barrier.wait()
            with transaction.atomic():
                current = Account.objects.select_for_update().get(pk=account.pk)
                Entry.objects.create(
                    account=current,
                    sequence=current.entry_count + 1,
                    value_date=date(2022, 8, 1),
                    direction="out",
                    amount=Decimal("20.00"),
                    category="payment_on_behalf",
                    previous_hash="-",
                    hash=f"raw{n}",
                )
            results.append("ok")
        except IntegrityError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    account.refresh_from_db()
    assert results.count("ok") == 2
    assert account.balance == Decimal("10.00")
