"""State intervention (SPF Economie, art. 1675/19 C.J., fees.md §9): a request for taxed fees the
account cannot pay, the 1.200 EUR cap per case without remission of debts (a dated legal amount
with its source) unless the judge's specially reasoned decision is recorded, and its status."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fees.models import LegalAmount, StateIntervention
from fees.selectors import (
    fee_position,
    intervention_cap,
    interventions_of_case,
    statements_of_case,
    taxed_unpaid_amount,
)
from fees.services import (
    intervention_prepare,
    intervention_set_status,
    statement_create,
    statement_file,
    taxation_order_record,
)
from fees.tests.db import creditors_with_claims, income, open_account, post, service
from fees.tests.db import reverse as undo
from ledger.models import Category

D = Decimal
pytestmark = pytest.mark.django_db
TODAY = date(2030, 1, 15)


@pytest.fixture
def unpaid(world):
    """A case whose filed statement is taxed at 1.500,00 € and whose account holds 40,00 €."""
    case = world.case
    creditors_with_claims(case, 12, declared_on=date(2022, 7, 1))
    open_account(case)
    income(case, date(2022, 7, 1), "40.00")
    service(case, "homologation_request", date(2023, 3, 1))
    for day in (2, 9, 16, 23):
        service(case, "hearing", date(2023, 2, day))
    statement = statement_create(
        case=case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="homologation_request",
        by=world.mediator,
    )
    statement = statement_file(statement=statement, by=world.mediator)
    assert statement.total > D("1500.00")
    taxation_order_record(
        statement=statement,
        order_date=timezone.localdate(),
        allowed_amount=D("1500.00"),
        by=world.mediator,
    )
    return case


def prepare(case, by, amount, remission="none", **kwargs):
    params = {
        "prepared_on": TODAY,
        "reason": "insufficient_balance",
        "explanation": "Revenus limités au revenu d'intégration ; réserve épuisée.",
        "remission_type": remission,
        "amount_requested": D(amount),
        **kwargs,
    }
    return intervention_prepare(case=case, by=by, **params)


def test_the_cap_is_a_dated_row_with_its_source():
    cap = intervention_cap(date(2024, 1, 1))
    assert cap.amount == D("1200.00") and cap.shipped
    assert "1675/19" in cap.source
    assert intervention_cap(date(2009, 12, 31)) is None


def test_without_remission_the_cap_is_1200_per_case(unpaid, world):
    with pytest.raises(ValidationError) as exc:
        prepare(unpaid, world.mediator, "1200.01")
    assert "1.200,00" in exc.value.message_dict["amount_requested"][0]
    first = prepare(unpaid, world.mediator, "1000.00")
    assert first.cap_amount == D("1200.00")
    assert first.taxed_unpaid == D("1500.00") and first.account_balance == D("40.00")
    # the cap is per case: 200.00 more at most
    with pytest.raises(ValidationError) as exc:
        prepare(unpaid, world.mediator, "200.01")
    assert "1.000,00\u00a0€ sont déjà demandés" in exc.value.message_dict["amount_requested"][0]
    prepare(unpaid, world.mediator, "200.00")
    assert StateIntervention.objects.count() == 2


def test_beyond_the_cap_with_a_specially_reasoned_decision(unpaid, world):
    with pytest.raises(ValidationError) as exc:
        prepare(unpaid, world.mediator, "1500.00", special_reasoning="Motifs.")
    assert "decision_date" in exc.value.message_dict
    request = prepare(
        unpaid,
        world.mediator,
        "1500.00",
        decision_date=date(2029, 12, 1),
        decision_reference="Ord. 22/176/B",
        special_reasoning="Dossier d'une complexité exceptionnelle (douze créanciers, vente).",
    )
    assert request.amount_requested == D("1500.00")


def test_with_remission_no_cap_but_never_more_than_the_unpaid_fees(unpaid, world):
    prepare(unpaid, world.mediator, "1460.00", remission="total")
    with pytest.raises(ValidationError, match="demandes en cours"):
        prepare(unpaid, world.mediator, "40.01", remission="partial_capital")
    prepare(unpaid, world.mediator, "40.00", remission="partial_capital")


def test_bad_requests(unpaid, world):
    with pytest.raises(ValidationError) as exc:
        prepare(unpaid, world.mediator, "0", explanation="  ", reason="unknown")
    assert {"amount_requested", "explanation", "reason"} <= set(exc.value.message_dict)
    other = world.other_case
    with pytest.raises(ValidationError, match="Aucun honoraire taxé"):
        prepare(other, world.other_mediator, "10.00")


def test_status_tracking_and_payment(unpaid, world):
    request = prepare(unpaid, world.mediator, "1000.00")
    with pytest.raises(ValidationError):  # a draft is submitted first
        intervention_set_status(
            intervention=request, status="paid", on=TODAY, by=world.mediator, amount=D("1")
        )
    request = intervention_set_status(
        intervention=request,
        status="submitted",
        on=TODAY,
        by=world.mediator,
        platform_reference="DM-2030-000123",
    )
    with pytest.raises(ValidationError) as exc:
        intervention_set_status(
            intervention=request, status="granted", on=date(2029, 1, 1), by=world.mediator
        )
    assert {"on", "amount"} <= set(exc.value.message_dict)
    request = intervention_set_status(
        intervention=request,
        status="granted",
        on=date(2030, 3, 1),
        by=world.mediator,
        amount=D("900.00"),
    )
    with pytest.raises(ValidationError, match="900,00"):  # the amount granted
        intervention_set_status(
            intervention=request,
            status="paid",
            on=date(2030, 4, 1),
            by=world.mediator,
            amount=D("900.01"),
        )
    request = intervention_set_status(
        intervention=request,
        status="paid",
        on=date(2030, 4, 1),
        by=world.mediator,
        amount=D("900.00"),
    )
    assert (request.status, request.paid_on, request.amount_paid) == (
        "paid",
        date(2030, 4, 1),
        D("900.00"),
    )
    # what the SPF paid may no longer be taken from the mediation account
    assert taxed_unpaid_amount(unpaid) == D("600.00")
    income(unpaid, date(2030, 4, 2), "2000.00")
    with pytest.raises(ValidationError) as exc:
        post(unpaid, date(2030, 4, 3), Category.FEE_PAYMENT, "600.01")
    assert "600,00" in exc.value.message_dict["amount"][0]
    post(unpaid, date(2030, 4, 3), Category.FEE_PAYMENT, "600.00")


def test_the_summary_pdf_and_the_screens(unpaid, world, client):
    request = prepare(unpaid, world.mediator, "1000.00")
    client.force_login(world.supervisor)
    detail = client.get(reverse("fees:intervention_detail", args=[unpaid.pk, request.pk]))
    assert detail.status_code == 200 and "Mettre à jour" not in detail.content.decode()
    pdf = client.get(reverse("fees:intervention_pdf", args=[unpaid.pk, request.pk]))
    assert pdf.content.startswith(b"%PDF-")
    client.force_login(world.mediator)
    response = client.post(
        reverse("fees:intervention_status", args=[unpaid.pk, request.pk]),
        {"status": "submitted", "on": "16/01/2030", "platform_reference": "DM-1"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "submitted" and request.platform_reference == "DM-1"


def test_an_administrator_adds_a_new_cap_row():
    LegalAmount.objects.create(
        key="state_intervention_cap",
        effective_from=date(2031, 1, 1),
        amount=D("1500.00"),
        source="Loi fictive du test.",
    )
    assert intervention_cap(date(2030, 12, 31)).amount == D("1200.00")
    assert intervention_cap(date(2031, 1, 1)).amount == D("1500.00")


def test_the_tab_s_fee_position_reads_the_interventions_and_the_account_once(unpaid, world):
    """The tab passes the interventions it lists and reads the account with its fee payments
    (issue 15): the same position as the selector computing everything itself."""
    request = prepare(unpaid, world.mediator, "1000.00")
    for status, on, extra in (
        ("submitted", TODAY, {"platform_reference": "DM-2030-000124"}),
        ("granted", date(2030, 3, 1), {"amount": D("900.00")}),
        ("paid", date(2030, 4, 1), {"amount": D("900.00")}),
    ):
        request = intervention_set_status(
            intervention=request, status=status, on=on, by=world.mediator, **extra
        )
    prepare(unpaid, world.mediator, "100.00")  # a draft: nothing paid by it
    income(unpaid, date(2030, 4, 2), "2000.00")
    undone = post(unpaid, date(2030, 4, 3), Category.FEE_PAYMENT, "250.00")
    undo(undone)  # a fee payment coming back
    post(unpaid, date(2030, 4, 4), Category.FEE_PAYMENT, "200.00")
    statements = list(statements_of_case(unpaid))
    interventions = list(interventions_of_case(unpaid))
    with CaptureQueriesContext(connection) as ctx:
        passed = fee_position(unpaid, statements, interventions)
    alone = fee_position(unpaid)
    assert (passed.paid_by_state, passed.paid_from_account) == (D("900.00"), D("200.00"))
    assert passed.unpaid == alone.unpaid == D("400.00")
    assert (passed.paid_by_state, passed.paid_from_account, passed.balance, passed.reserve) == (
        alone.paid_by_state,
        alone.paid_from_account,
        alone.balance,
        alone.reserve,
    )
    assert (passed.dividends_while_unpaid, passed.dividends_while_unpaid_total) == (
        alone.dividends_while_unpaid,
        alone.dividends_while_unpaid_total,
    )
    # the account with its fees paid; the dividends paid while fees were unpaid, counted and summed
    assert len(ctx.captured_queries) == 2


def test_a_case_without_account_has_paid_no_fee_from_it(world):
    position = fee_position(world.case, [], [])
    assert (position.has_account, position.paid_from_account, position.unpaid) == (
        False,
        D("0.00"),
        D("0.00"),
    )
