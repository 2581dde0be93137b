"""Issue 17: after the closure or the revocation of the case, the journal accepts only the final
settlement entries, each with its reason (``ledger.services._after_closure_errors``), and the
database refuses the others too (ledger migration 0004), on SQLite and on PostgreSQL."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import Case
from ledger.models import Account, Entry
from ledger.services import EntryData, account_open, entry_post, entry_reverse

TODAY = date(2025, 3, 1)
CLOSED_ON = date(2025, 2, 1)


def post(case, by, *, value_date, amount="100", direction="in", category="income", reason=""):
    return entry_post(
        case=case,
        data=EntryData(
            value_date=value_date,
            direction=direction,
            amount=Decimal(amount),
            category=category,
            settlement_reason=reason,
        ),
        by=by,
        today=TODAY,
    )


def end_case(case, status="closed", on=CLOSED_ON):
    # The status path itself is cases.services' (tested there and in test_case_life.py).
    Case.objects.filter(pk=case.pk).update(status=status, closure_date=on)


@pytest.fixture
def funded(world):
    account_open(case=world.case, iban="BE71096123456769")
    post(world.case, world.mediator, value_date=date(2024, 12, 1), amount="500")
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["closed", "revoked"])
def test_an_entry_after_the_end_needs_its_reason(funded, status):
    world = funded
    end_case(world.case, status)
    with pytest.raises(ValidationError) as exc:
        post(
            world.case,
            world.mediator,
            value_date=date(2025, 2, 10),
            amount="500",
            direction="out",
            category="refund",
        )
    assert "settlement_reason" in exc.value.message_dict
    assert "01/02/2025" in exc.value.message_dict["settlement_reason"][0]
    assert Entry.objects.filter(account__case=world.case).count() == 1  # nothing saved
    entry = post(
        world.case,
        world.mediator,
        value_date=date(2025, 2, 10),
        amount="500",
        direction="out",
        category="refund",
        reason="Solde restitué au requérant",
    )
    assert entry.settlement_reason == "Solde restitué au requérant"
    assert Account.objects.get(case=world.case).balance == Decimal("0.00")


@pytest.mark.django_db
def test_a_blank_reason_is_no_reason_and_a_running_case_needs_none(funded):
    world = funded
    post(world.case, world.mediator, value_date=date(2025, 2, 10))  # still running: accepted
    end_case(world.case)
    with pytest.raises(ValidationError) as exc:
        post(world.case, world.mediator, value_date=date(2025, 2, 11), reason="   ")
    assert list(exc.value.message_dict) == ["settlement_reason"]


@pytest.mark.django_db
def test_an_entry_valued_before_the_decision_is_posted_as_before(funded):
    """A bank statement received after the closure: its movements belong to the procedure."""
    world = funded
    end_case(world.case)
    entry = post(world.case, world.mediator, value_date=CLOSED_ON)
    assert entry.settlement_reason == ""


@pytest.mark.django_db
def test_a_reversal_after_the_end_needs_its_reason_too(funded):
    world = funded
    entry = Entry.objects.get(account__case=world.case)
    end_case(world.case)
    with pytest.raises(ValidationError) as exc:
        entry_reverse(entry=entry, by=world.mediator, today=TODAY)
    assert "settlement_reason" in exc.value.message_dict
    reversal = entry_reverse(
        entry=entry, by=world.mediator, today=TODAY, settlement_reason="Versement erroné restitué"
    )
    assert reversal.reverses_id == entry.pk and reversal.settlement_reason


@pytest.mark.django_db
def test_a_reason_too_long_is_refused_by_field(funded):
    world = funded
    end_case(world.case)
    with pytest.raises(ValidationError) as exc:
        post(world.case, world.mediator, value_date=date(2025, 2, 10), reason="x" * 256)
    assert "settlement_reason" in exc.value.message_dict


# The database has the last word ---------------------------------------------------------------


def insert(account, *, value_date, reason=""):
    return Entry.objects.create(
        account=account,
        sequence=account.entry_count + 1,
        value_date=value_date,
        direction="in",
        amount=Decimal("5"),
        category="other",
        settlement_reason=reason,
        previous_hash="-",
        hash="-",
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", ["closed", "revoked"])
def test_the_database_refuses_an_entry_without_reason_after_the_end(
    world, ledger_emptied_after, status
):
    account = account_open(case=world.case, iban="BE71096123456769")
    end_case(world.case, status)
    with pytest.raises(IntegrityError, match="final settlement"), transaction.atomic():
        insert(account, value_date=date(2025, 2, 2))
    account.refresh_from_db()
    assert account.entry_count == 0
    insert(account, value_date=CLOSED_ON)  # on the day of the decision: part of the procedure
    account.refresh_from_db()
    insert(account, value_date=date(2025, 2, 2), reason="Frais de clôture du compte")
    assert Account.objects.get(pk=account.pk).entry_count == 2
