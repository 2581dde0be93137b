"""Taxation orders and payment: the ledger allows fee payments up to the taxed and unpaid amount,
not a cent more (through ``ledger.services.entry_post``); fees are paid by preference, before
creditors: a dividend that would leave the account unable to pay the taxed fees is refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fees.models import TaxationOrder
from fees.selectors import fee_position, taxed_unpaid_amount
from fees.services import statement_create, statement_file, taxation_order_record
from fees.tests.db import creditors_with_claims, income, open_account, post, service
from fees.tests.db import reverse as undo
from ledger.models import Category, Direction, Entry

D = Decimal
pytestmark = pytest.mark.django_db
FROM, TO = date(2022, 6, 15), date(2023, 6, 15)


@pytest.fixture
def filed(world):
    case = world.case
    world.creditors = creditors_with_claims(case, 5, declared_on=date(2022, 7, 1))
    open_account(case)
    income(case, date(2022, 7, 1), "2000.00")
    service(case, "hearing", date(2022, 12, 20))  # 98.30
    service(case, "letter", date(2023, 2, 1))  # 15.19
    statement = statement_create(
        case=case, period_from=FROM, period_to=TO, occasion="annual_report", by=world.mediator
    )
    return statement_file(statement=statement, by=world.mediator)


def order(statement, by, amount, **kwargs):
    return taxation_order_record(
        statement=statement,
        order_date=kwargs.pop("order_date", timezone.localdate()),
        allowed_amount=D(amount),
        by=by,
        **kwargs,
    )


def fee_payment(case, amount, on=date(2023, 7, 1)):
    return post(case, on, Category.FEE_PAYMENT, amount)


def test_the_total_of_the_example(filed):
    # 2,3° year 1, 5 creditors: (235.96 x 200 + 260.39 x 165) / 365 = (47192.00 + 42964.35) / 365
    # = 247.0037 -> 247.00; + 98.30 + 15.19 = 360.49
    assert filed.total == D("360.49")


def test_no_fee_payment_before_taxation(filed, world):
    assert taxed_unpaid_amount(world.case) == D("0.00")
    with pytest.raises(ValidationError, match="taxé et non encore payé est de 0,00"):
        fee_payment(world.case, "0.01")


def test_the_ledger_allows_exactly_the_taxed_unpaid_amount(filed, world):
    case = world.case
    order(filed, world.mediator, "350.00", judge_note="Réduction de 10,49 € sur le suivi.")
    assert taxed_unpaid_amount(case) == D("350.00")
    with pytest.raises(ValidationError) as exc:
        fee_payment(case, "350.01")
    assert "350,00" in exc.value.message_dict["amount"][0]
    first = fee_payment(case, "200.00")
    assert taxed_unpaid_amount(case) == D("150.00")
    with pytest.raises(ValidationError):
        fee_payment(case, "150.01")
    fee_payment(case, "150.00")
    assert taxed_unpaid_amount(case) == D("0.00")
    with pytest.raises(ValidationError):
        fee_payment(case, "0.01")
    # a reversed fee payment is unpaid again, and may be paid again
    undo(first)
    assert taxed_unpaid_amount(case) == D("200.00")
    fee_payment(case, "200.00")
    assert taxed_unpaid_amount(case) == D("0.00")
    assert Entry.objects.filter(category=Category.FEE_PAYMENT).count() == 4


def test_fee_payment_may_use_the_fee_reserve(filed, world):
    case = world.case
    post(case, date(2022, 8, 1), Category.RESERVE_TRANSFER, "1800.00", direction=Direction.IN)
    order(filed, world.mediator, "360.49")
    fee_payment(case, "360.49")
    assert taxed_unpaid_amount(case) == D("0.00")


def test_an_order_is_recorded_once_on_a_filed_statement_only(filed, world):
    draft = statement_create(
        case=world.case,
        period_from=TO,
        period_to=date(2024, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )
    with pytest.raises(ValidationError, match="déposé"):
        order(draft, world.mediator, "10.00")
    with pytest.raises(ValidationError) as exc:
        order(filed, world.mediator, "360.50")
    assert "360,49" in exc.value.message_dict["allowed_amount"][0]
    with pytest.raises(ValidationError) as exc:
        order(filed, world.mediator, "100.00", order_date=date(2020, 1, 1))
    assert "order_date" in exc.value.message_dict
    order(filed, world.mediator, "360.49")
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        order(filed, world.mediator, "360.49")


def test_reductions_by_line_and_overall(filed, world):
    hearing = filed.lines.get(article="3")
    letter = filed.lines.get(article="4.1")
    with pytest.raises(ValidationError) as exc:
        order(filed, world.mediator, "300.00", line_amounts={hearing.pk: D("98.31")})
    assert f"line_{hearing.pk}" in exc.value.message_dict
    # The judge allows the hearing at 50.00 instead of 98.30: the statement then comes to
    # 360.49 - 48.30 = 312.19; the overall amount cannot exceed it.
    with pytest.raises(ValidationError) as exc:
        order(filed, world.mediator, "312.20", line_amounts={hearing.pk: D("50.00")})
    assert "312,19" in exc.value.message_dict["allowed_amount"][0]
    recorded = order(
        filed,
        world.mediator,
        "300.00",
        line_amounts={hearing.pk: D("50.00"), letter.pk: letter.amount},
        judge_note="Vacation réduite ; arrondi.",
    )
    assert [(r.line, r.allowed_amount) for r in recorded.lines.all()] == [(hearing, D("50.00"))]
    assert recorded.reduction == D("60.49")
    assert taxed_unpaid_amount(world.case) == D("300.00")


def test_vat_is_recomputed_on_reduced_fees(world):
    from fees.services import implied_total

    world.mediator.vat_registered = True
    world.mediator.save(update_fields=["vat_registered"])
    case = world.case
    creditors_with_claims(case, 5, declared_on=date(2022, 7, 1))
    service(case, "hearing", date(2022, 12, 20))
    statement = statement_create(
        case=case, period_from=FROM, period_to=TO, occasion="annual_report", by=world.mediator
    )
    hearing = statement.lines.get(article="3")
    # fees 247.00 + 98.30 = 345.30, VAT 72.513 -> 72.51, total 417.81; with the hearing at 0:
    # fees 247.00, VAT 51.87, total 298.87
    assert statement.total == D("417.81")
    assert implied_total(statement, {hearing.pk: D("0.00")}) == D("298.87")


def test_fees_are_paid_before_creditors(filed, world):
    """Balance 2000.00, taxed unpaid 360.49: a dividend may take at most 1639.51."""
    case = world.case
    creditor = world.creditors[0]
    order(filed, world.mediator, "360.49")
    with pytest.raises(ValidationError) as exc:
        post(case, date(2023, 7, 2), Category.DIVIDEND, "1639.52", creditor=creditor)
    message = exc.value.message_dict["amount"][0]
    assert "par préférence" in message and "1.639,51" in message
    post(case, date(2023, 7, 2), Category.DIVIDEND, "1639.51", creditor=creditor)
    with pytest.raises(ValidationError, match="par préférence"):
        post(case, date(2023, 7, 3), Category.DIVIDEND, "0.01", creditor=creditor)
    # the living allowance is the applicant's, not a creditor's: not held back
    post(case, date(2023, 7, 3), Category.LIVING_ALLOWANCE, "100.00")
    # the balance (260.49) no longer covers the fees: every dividend is refused...
    with pytest.raises(ValidationError, match="par préférence"):
        post(case, date(2023, 7, 4), Category.DIVIDEND, "0.01", creditor=creditor)
    # ...until the fees are paid
    fee_payment(case, "260.49", on=date(2023, 7, 4))
    income(case, date(2023, 8, 1), "500.00")
    assert taxed_unpaid_amount(case) == D("100.00")
    with pytest.raises(ValidationError, match="par préférence"):
        post(case, date(2023, 8, 2), Category.DIVIDEND, "400.01", creditor=creditor)
    post(case, date(2023, 8, 2), Category.DIVIDEND, "400.00", creditor=creditor)


def test_the_tab_warns_when_dividends_are_paid_while_fees_could_be(filed, world, client):
    case = world.case
    order_date = timezone.localdate()
    order(filed, world.mediator, "360.49", order_date=order_date)
    post(case, order_date, Category.DIVIDEND, "100.00", creditor=world.creditors[1])
    position = fee_position(case)
    assert position.unpaid == D("360.49") and position.account_can_pay
    assert position.dividends_while_unpaid == 1 and position.preference_warning
    client.force_login(world.supervisor)
    html = client.get(reverse("fees:case_services", args=[case.pk])).content.decode()
    assert 'id="preference-warning"' in html
    assert "payée par préférence avant les créanciers" in html
    fee_payment(case, "360.49", on=order_date)
    assert not fee_position(case).preference_warning
    assert TaxationOrder.objects.count() == 1
