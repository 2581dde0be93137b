"""Posting rules added with the account screens: opening the account (IBAN, date), amounts the
database could not hold, several errors reported at once, clear messages for reversals of the
fee reserve; and the demo journal command."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cases.services import case_change_status
from claims.models import Claim, ClaimStatus, Creditor
from ledger.models import Account, Entry
from ledger.selectors import paid_vs_admitted, verify_chain
from ledger.services import EntryData, account_open, entry_post, entry_reverse
from reports import court_checks

from .factories import make_case

TODAY = date(2023, 3, 1)
IBAN = "BE71096123456769"


def data(amount, category="income", direction="in", day=date(2022, 7, 1), **kw):
    return EntryData(value_date=day, direction=direction, amount=amount, category=category, **kw)


def post(world, entry_data):
    return entry_post(case=world.case, data=entry_data, by=world.mediator, today=TODAY)


# Opening the account -------------------------------------------------------------------------


def test_account_open_takes_the_case_iban_by_default(world):
    world.case.account_iban = IBAN
    world.case.save()
    account = account_open(case=world.case)
    assert (account.iban, account.opened_on) == (IBAN, world.case.admissibility_date)


def test_account_open_compacts_and_validates_the_iban(world):
    assert account_open(case=world.case, iban="be71 0961 2345 6769").iban == IBAN
    with pytest.raises(ValidationError) as exc:
        account_open(case=world.other_case, iban="BE71096123456760")
    assert "n'est pas un IBAN valide" in exc.value.message_dict["iban"][0]


def test_account_open_refuses_an_iban_already_used_and_an_early_date(world):
    account_open(case=world.case, iban=IBAN)
    same_org = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2")
    with pytest.raises(ValidationError) as exc:
        account_open(case=same_org, iban=IBAN, opened_on=date(2021, 1, 1))
    assert set(exc.value.message_dict) == {"iban", "opened_on"}
    assert Account.objects.count() == 1


def test_account_open_is_idempotent(world):
    first = account_open(case=world.case, iban=IBAN)
    again = account_open(case=world.case, iban="not an iban", opened_on=date(2030, 1, 1))
    assert again == first and again.iban == IBAN


# Posting -------------------------------------------------------------------------------------


@pytest.fixture
def account(world):
    return account_open(case=world.case, iban=IBAN)


@pytest.mark.parametrize(
    "amount,message",
    [
        (None, "obligatoire"),
        (Decimal("NaN"), "obligatoire"),
        (Decimal("Infinity"), "obligatoire"),
        (Decimal("10000000000.00"), "maximum admis"),
    ],
)
def test_amounts_the_database_cannot_hold_are_refused(world, account, amount, message):
    with pytest.raises(ValidationError) as exc:
        post(world, data(amount))
    assert message in exc.value.message_dict["amount"][0]
    assert not Entry.objects.exists()


def test_a_missing_value_date_is_refused(world, account):
    with pytest.raises(ValidationError) as exc:
        post(world, data(Decimal("10"), day=None))
    assert "obligatoire" in exc.value.message_dict["value_date"][0]


def test_several_errors_are_reported_together(world, account):
    with pytest.raises(ValidationError) as exc:
        post(world, data(Decimal("0"), category="exceptional_expense", direction="out"))
    assert set(exc.value.message_dict) == {"amount", "authorisation"}
    stranger = Creditor.objects.create(organisation=world.org, name="Inconnu SA")
    with pytest.raises(ValidationError) as exc:
        post(
            world,
            data(
                Decimal("1.001"),
                category="dividend",
                direction="out",
                day=date(2030, 1, 1),
                creditor_id=stranger.pk,
            ),
        )
    assert set(exc.value.message_dict) == {"amount", "value_date", "creditor_id"}


def test_reversing_a_release_that_no_longer_fits_in_the_balance(world, account):
    post(world, data(Decimal("1000")))
    post(world, data(Decimal("400"), category="reserve_transfer"))
    release = post(world, data(Decimal("400"), category="reserve_transfer", direction="out"))
    post(world, data(Decimal("700"), category="payment_on_behalf", direction="out"))
    with pytest.raises(ValidationError) as exc:
        entry_reverse(entry=release, by=world.mediator, today=TODAY)
    assert "ne peut dépasser le solde (300,00" in exc.value.message_dict["amount"][0]


def test_reversing_a_set_aside_amount_still_in_the_reserve(world, account):
    post(world, data(Decimal("1000")))
    set_aside = post(world, data(Decimal("400"), category="reserve_transfer"))
    entry_reverse(entry=set_aside, by=world.mediator, today=TODAY)
    account.refresh_from_db()
    assert (account.balance, account.reserve) == (Decimal("1000.00"), Decimal("0.00"))


# Demo journals -------------------------------------------------------------------------------


def test_seed_demo_ledger_posts_a_plausible_history_once(world):
    creditor = Creditor.objects.create(
        organisation=world.org, name="Proximus SA", iban="BE62510007547061"
    )
    Claim.objects.create(
        case=world.case,
        creditor=creditor,
        principal=Decimal("2500"),
        declared_on=date(2022, 7, 1),
        status=ClaimStatus.ACCEPTED,
    )
    # contested: paid nothing until accepted (claims.selectors.claim_counts_toward_ceiling)
    disputed = Creditor.objects.create(organisation=world.org, name="Cofidis SA")
    Claim.objects.create(
        case=world.case,
        creditor=disputed,
        principal=Decimal("4000"),
        declared_on=date(2022, 7, 1),
        status=ClaimStatus.CONTESTED,
    )
    case_change_status(
        case=world.case,
        to_status="amicable_plan",
        decision_date=date(2023, 1, 10),
        by=world.mediator,
        history_replay=True,  # a recorded decision: the case has no plan here
    )
    call_command("seed_demo_ledger", stdout=io.StringIO())
    account = Account.objects.get(case=world.case)
    entries = account.entries.all()
    categories = set(entries.values_list("category", flat=True))
    assert {
        "income",
        "living_allowance",
        "payment_on_behalf",
        "reserve_transfer",
        "bank_charge",
        "dividend",
    } <= categories
    assert entries.filter(category="living_allowance", standing_order=True).exists()
    assert entries.filter(reverses__isnull=False).count() == 1
    assert not entries.filter(category="dividend", value_date__lt=date(2023, 1, 10)).exists()
    # only the admitted creditor is paid, never beyond its admitted claim: the filing checks
    # find nothing to refuse
    assert set(entries.filter(category="dividend").values_list("creditor_id", flat=True)) == {
        creditor.pk
    }
    standing = paid_vs_admitted(world.case)
    assert standing[disputed.pk].paid == Decimal("0.00")
    assert Decimal("0") < standing[creditor.pk].paid <= Decimal("2500.00")
    assert not court_checks.overpayments(court_checks.paid_against_ceilings(world.case))
    assert verify_chain(account) == []
    assert Account.objects.filter(case=world.other_case).exists()
    count = Entry.objects.count()
    call_command("seed_demo_ledger", stdout=io.StringIO())
    assert Entry.objects.count() == count
