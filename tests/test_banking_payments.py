"""Payments out: preparation (refused as the journal would refuse), approval in a batch, the
SEPA pain.001 file (XSD-valid, debtor = the case's mediation account, Belgian structured
communications), and journal entries posted ONCE whether the batch is marked executed first
or the statement brings the movements back first."""

import os
from datetime import date, timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from banking.models import (
    BatchStatus,
    MatchMethod,
    Movement,
    MovementStatus,
    Payment,
    PaymentStatus,
)
from banking.services import (
    PaymentData,
    batch_cancel,
    batch_execute,
    payment_cancel,
    statement_import,
)
from ledger.models import Entry

from .test_banking_support import (
    APPLICANT_IBAN,
    CAMT,
    CASE_IBAN,
    TODAY,
    approve,
    import_file,
    living_allowance,
    make_creditor,
    open_account,
    payment_movement,
    prepare,
    statement_bytes,
)

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def account(world):
    return open_account(world.case, balance="2000.00", by=world.mediator)


def journal(account):
    return list(Entry.objects.filter(account=account).order_by("sequence"))


# Preparation --------------------------------------------------------------------------------


def test_each_kind_of_payment_is_prepared(world, account):
    creditor = make_creditor(world, bic="")
    allowance = prepare(world, living_allowance(standing_order=True))
    dividend = prepare(
        world,
        PaymentData(
            category="dividend",
            authorisation="Ordonnance 2023/123",
            amount=Decimal("85.40"),
            creditor=creditor,
            structured_communication="+++320/0047/11846+++",
        ),
    )
    landlord = prepare(
        world,
        PaymentData(
            category="payment_on_behalf",
            amount=Decimal("540.00"),
            beneficiary_name="Logis Namurois SCRL",
            beneficiary_iban="BE48 0011 2345 6727",
            communication="Loyer mars 2026 app. 12",
        ),
    )
    expense = prepare(
        world,
        PaymentData(
            category="exceptional_expense",
            amount=Decimal("210.00"),
            beneficiary_name="Garage Delvaux",
            beneficiary_iban="BE80091123456777",
            authorisation="Ordonnance du 12/02/2026, R.G. 22/123/B",
        ),
    )
    assert allowance.standing_order and allowance.status == PaymentStatus.PENDING
    assert (dividend.beneficiary_name, dividend.beneficiary_iban) == (
        "Proximus SA",
        "BE15068987654330",
    )
    assert dividend.beneficiary_bic == "GKCCBEBB"  # from the Belgian IBAN
    assert dividend.structured_communication == "320004711846"
    assert dividend.communication_display == "+++320/0047/11846+++"
    assert landlord.beneficiary_iban == "BE48001123456727"
    assert expense.authorisation.startswith("Ordonnance")
    assert Entry.objects.filter(account=account).count() == 1  # nothing posted yet


@pytest.mark.parametrize(
    "data,field,message",
    [
        (living_allowance("1200.00"), "amount", "mettrait le compte en négatif"),
        (living_allowance("10.005"), "amount", "au plus deux décimales"),
        (living_allowance("0"), "amount", "strictement positif"),
        (living_allowance("-5"), "amount", "strictement positif"),
        (
            PaymentData(
                category="exceptional_expense",
                amount=Decimal("50"),
                beneficiary_name="Garage",
                beneficiary_iban="BE80091123456777",
            ),
            "authorisation",
            "autorisation du tribunal",
        ),
        (
            living_allowance(structured_communication="+++320/0047/11847+++", communication=""),
            "structured_communication",
            "modulo 97",
        ),
        (
            living_allowance(structured_communication="+++320/0047/11846+++"),
            "communication",
            "pas les deux",
        ),
        (living_allowance(beneficiary_iban="BE00 1234"), "beneficiary_iban", "IBAN"),
        (
            living_allowance(standing_order=True, category="payment_on_behalf"),
            "standing_order",
            "pécule de médiation",
        ),
    ],
    ids=[
        "overdraft-with-pending",
        "three-decimals",
        "zero",
        "negative",
        "expense-without-authorisation",
        "bad-mod97",
        "two-communications",
        "bad-iban",
        "standing-order-not-allowance",
    ],
)
def test_preparation_refuses_what_the_journal_would_refuse(world, account, data, field, message):
    prepare(world, living_allowance("900.00"))  # pending: 2000 − 900 leaves 1100 available
    with pytest.raises(ValidationError) as exc:
        prepare(world, data)
    assert field in exc.value.message_dict
    assert message in " ".join(exc.value.message_dict[field])
    assert Payment.objects.count() == 1


def test_overdraft_counts_the_fee_reserve_and_every_waiting_payment(world, account):
    first = prepare(world, living_allowance("1500.00"))
    approve(world, [first])
    with pytest.raises(ValidationError) as exc:
        prepare(world, living_allowance("600.00"))
    text = exc.value.message_dict["amount"][0]
    assert "disponible 500,00" in text and "paiements en attente 1.500,00" in text
    prepare(world, living_allowance("500.00"))


@pytest.mark.parametrize(
    "who", ["stranger", "time_barred", "rejected", "contested", "pending", "none", "no_iban"]
)
def test_dividend_only_to_a_participating_creditor_with_an_iban(world, account, who):
    from claims.models import ClaimStatus
    from claims.services import ContactData, creditor_create

    if who == "stranger":
        creditor = creditor_create(
            organisation=world.org, data=ContactData(name="Autre SA", iban="BE80091123456777")
        )
    elif who == "time_barred":
        creditor = make_creditor(world, name="Forclos SA", time_barred=True)
    elif who == "rejected":
        creditor = make_creditor(world, name="Rejeté SA", status=ClaimStatus.REJECTED)
    elif who in ("contested", "pending"):  # nothing until accepted (docs/plan-rules.md)
        creditor = make_creditor(world, name="Litige SA", status=who)
    elif who == "no_iban":
        creditor = make_creditor(world, name="Sans IBAN SA", iban="")
    else:
        creditor = None
    with pytest.raises(ValidationError) as exc:
        prepare(
            world,
            PaymentData(
                category="dividend", amount=Decimal("10"), creditor=creditor, authorisation="O"
            ),
        )
    assert "creditor" in exc.value.message_dict
    if who in ("contested", "pending"):
        assert "Litige SA n'a aucune créance admise" in exc.value.message_dict["creditor"][0]
    assert Payment.objects.count() == 0


def test_a_pending_payment_can_be_withdrawn(world, account):
    payment = prepare(world, living_allowance())
    payment_cancel(payment=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    prepare(world, living_allowance("2000.00"))  # no longer counted as waiting


# Batch and pain.001 ---------------------------------------------------------------------------


def _xsd():
    import sepaxml

    path = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd")
    return xmlschema.XMLSchema(path)


def test_approved_batch_writes_a_valid_pain001(world, account):
    creditor = make_creditor(world)
    allowance = prepare(world, living_allowance())
    dividend = prepare(
        world,
        PaymentData(
            category="dividend",
            authorisation="Ordonnance 2023/123",
            amount=Decimal("85.40"),
            creditor=creditor,
            structured_communication="320/0047/11846",
        ),
    )
    standing = prepare(world, living_allowance("100.00", standing_order=True))
    batch = approve(world)
    assert batch.status == BatchStatus.APPROVED and batch.total == Decimal("835.40")
    assert batch.debtor_iban == CASE_IBAN
    xml = batch.pain_xml.encode("utf-8")
    _xsd().validate(xml)
    root = ET.fromstring(xml)
    assert root.find(".//p:PmtInf/p:DbtrAcct/p:Id/p:IBAN", NS).text == CASE_IBAN
    assert root.find(".//p:PmtInf/p:DbtrAgt/p:FinInstnId/p:BIC", NS).text == "GKCCBEBB"
    assert root.find(".//p:ReqdExctnDt", NS).text == "2026-03-04"
    assert root.find(".//p:GrpHdr/p:NbOfTxs", NS).text == "2"  # the standing order is not in it
    assert root.find(".//p:GrpHdr/p:CtrlSum", NS).text == "735.40"
    transactions = {
        tx.find("p:PmtId/p:EndToEndId", NS).text: tx
        for tx in root.iter(f"{{{NS['p']}}}CdtTrfTxInf")
    }
    allowance.refresh_from_db()
    dividend.refresh_from_db()
    standing.refresh_from_db()
    assert set(transactions) == {allowance.end_to_end_id, dividend.end_to_end_id}
    assert standing.end_to_end_id and standing.status == PaymentStatus.APPROVED
    tx = transactions[dividend.end_to_end_id]
    assert tx.find("p:Amt/p:InstdAmt", NS).text == "85.40"
    assert tx.find("p:CdtrAcct/p:Id/p:IBAN", NS).text == "BE15068987654330"
    reference = tx.find("p:RmtInf/p:Strd/p:CdtrRefInf", NS)
    assert reference.find("p:Ref", NS).text == "320004711846"
    assert reference.find("p:Tp/p:Issr", NS).text == "BBA"
    assert reference.find("p:Tp/p:CdOrPrtry/p:Cd", NS).text == "SCOR"
    free = transactions[allowance.end_to_end_id]
    assert free.find("p:RmtInf/p:Ustrd", NS).text == "Pecule de mediation mars 2026"
    assert free.find("p:Cdtr/p:Nm", NS).text == "DUBOIS Marie"


@pytest.mark.parametrize(
    "execution_date,field",
    [(date(2026, 3, 1), "execution_date"), (date(2026, 4, 30), "execution_date")],
)
def test_batch_dates_are_checked(world, account, execution_date, field):
    prepare(world, living_allowance())
    with pytest.raises(ValidationError) as exc:
        approve(world, execution_date=execution_date)
    assert field in exc.value.message_dict


def test_batch_needs_the_case_account_iban_and_payments(world):
    open_account(world.case, iban="", balance="100.00")
    prepare(world, living_allowance("10.00"))
    with pytest.raises(ValidationError) as exc:
        approve(world)
    assert "IBAN" in exc.value.messages[0]
    Payment.objects.update(status=PaymentStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        approve(world)
    assert "payments" in exc.value.message_dict


# Posted once, both orders ---------------------------------------------------------------------


def _two_payment_batch(world):
    creditor = make_creditor(world)
    allowance = prepare(world, living_allowance())
    dividend = prepare(
        world,
        PaymentData(
            category="dividend",
            authorisation="Ordonnance 2023/123",
            amount=Decimal("85.40"),
            creditor=creditor,
            structured_communication="320004711846",
        ),
    )
    batch = approve(world)
    allowance.refresh_from_db()
    dividend.refresh_from_db()
    return batch, allowance, dividend


def test_marked_executed_then_the_statement_comes_back(world, account):
    batch, allowance, dividend = _two_payment_batch(world)
    entries = batch_execute(batch=batch, by=world.mediator, today=TODAY)
    assert [(e.category, e.amount) for e in entries] == [
        ("living_allowance", Decimal("650.00")),
        ("dividend", Decimal("85.40")),
    ]
    assert entries[1].creditor_id == dividend.creditor_id
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXECUTED
    before = len(journal(account))
    content = statement_bytes(
        [payment_movement(allowance), payment_movement(dividend)], old="2000.00"
    )
    result = statement_import(organisation=world.org, content=content, file_name="x", by=None)
    assert result.summary == {"movements": 2, "posted": 0, "duplicates": 2, "unmatched": 0}
    assert len(journal(account)) == before  # never twice
    allowance.refresh_from_db()
    assert allowance.movement.entry == allowance.entry
    assert allowance.movement.match_method == MatchMethod.PAYMENT
    with pytest.raises(ValidationError):
        batch_execute(batch=batch, by=world.mediator, today=TODAY)
    assert len(journal(account)) == before
    account.refresh_from_db()
    assert account.balance == Decimal("1264.60")


def test_the_statement_comes_back_then_marked_executed(world, account):
    batch, allowance, dividend = _two_payment_batch(world)
    content = statement_bytes([payment_movement(allowance)], old="2000.00")
    result = statement_import(organisation=world.org, content=content, file_name="x", by=None)
    assert result.summary == {"movements": 1, "posted": 1, "duplicates": 0, "unmatched": 0}
    allowance.refresh_from_db()
    movement = allowance.movement
    assert allowance.status == PaymentStatus.POSTED
    assert allowance.entry.bank_reference == movement.identity
    assert allowance.entry.category == "living_allowance"
    assert allowance.entry.value_date == date(2026, 3, 5)  # the bank's value date
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED  # the dividend has not come back yet
    entries = batch_execute(batch=batch, by=world.mediator, today=TODAY)
    assert [e.category for e in entries] == ["dividend"]  # only what was not posted
    # the dividend's movement arrives later: linked, not posted again
    later = statement_bytes([payment_movement(dividend)], number=21, old="1350.00")
    result = statement_import(organisation=world.org, content=later, file_name="y", by=None)
    assert result.summary["duplicates"] == 1 and result.summary["posted"] == 0
    assert [e.category for e in journal(account)] == ["income", "living_allowance", "dividend"]


def test_the_whole_batch_back_by_statement_closes_it(world, account):
    batch, allowance, dividend = _two_payment_batch(world)
    content = statement_bytes(
        [payment_movement(allowance), payment_movement(dividend)], old="2000.00"
    )
    statement_import(organisation=world.org, content=content, file_name="x", by=None)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXECUTED
    with pytest.raises(ValidationError):
        batch_execute(batch=batch, by=world.mediator, today=TODAY)
    assert len(journal(account)) == 3


def test_matching_by_amount_and_iban_without_end_to_end_id(world, account):
    standing = prepare(world, living_allowance(standing_order=True))
    approve(world)
    result = import_file(world.org, CAMT)
    assert result.summary == {"movements": 3, "posted": 3, "duplicates": 0, "unmatched": 0}
    standing.refresh_from_db()
    assert standing.status == PaymentStatus.POSTED
    assert standing.entry.standing_order is True
    assert standing.entry.counterparty_iban == APPLICANT_IBAN
    assert standing.movement.end_to_end_id == ""


def test_a_movement_of_another_amount_does_not_match(world, account):
    allowance = prepare(world, living_allowance())
    approve(world)
    allowance.refresh_from_db()
    moved = payment_movement(allowance)
    moved.amount = Decimal("-651.00")
    statement_import(
        organisation=world.org,
        content=statement_bytes([moved], old="2000.00"),
        file_name="x",
        by=None,
    )
    waiting = Movement.objects.get()
    assert waiting.status == MovementStatus.UNMATCHED
    allowance.refresh_from_db()
    assert allowance.entry is None


def test_cancelled_batch_posts_nothing(world, account):
    batch, allowance, _dividend = _two_payment_batch(world)
    batch_cancel(batch=batch, by=world.mediator)
    allowance.refresh_from_db()
    assert allowance.status == PaymentStatus.CANCELLED
    with pytest.raises(ValidationError):
        batch_execute(batch=batch, by=world.mediator, today=TODAY)
    assert len(journal(account)) == 1


# Screens ----------------------------------------------------------------------------------------


def test_payments_page_prepare_approve_download_execute(client, world, account):
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.force_login(world.mediator)
    url = reverse("banking:case_payments", args=[world.case.pk])
    response = client.post(
        url,
        {
            "category": "living_allowance",
            "amount": "650,00",
            "beneficiary_name": "DUBOIS Marie",
            "beneficiary_iban": APPLICANT_IBAN,
            "communication": "Pécule mars",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payment = Payment.objects.get()
    response = client.post(
        reverse("banking:batch_approve", args=[world.case.pk]),
        {"payments": [payment.pk], "execution_date": tomorrow.isoformat()},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    batch = payment.batch
    page = client.get(url)
    assert "Télécharger le pain.001" in page.content.decode()
    download = client.get(reverse("banking:batch_download", args=[world.case.pk, batch.pk]))
    assert download["Content-Type"] == "application/xml"
    assert "attachment" in download["Content-Disposition"]
    _xsd().validate(download.content)
    response = client.post(reverse("banking:batch_execute", args=[world.case.pk, batch.pk]))
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.entry is not None and payment.entry.category == "living_allowance"


def test_payments_page_shows_the_refusal(client, world, account):
    client.force_login(world.mediator)
    url = reverse("banking:case_payments", args=[world.case.pk])
    response = client.post(
        url,
        {
            "category": "living_allowance",
            "amount": "5000",
            "beneficiary_name": "DUBOIS Marie",
            "beneficiary_iban": APPLICANT_IBAN,
        },
    )
    assert response.status_code == 200
    assert "mettrait le compte en négatif" in response.content.decode()
    assert Payment.objects.count() == 0


def test_supervisor_reads_the_payments_page_but_cannot_prepare(client, world, account):
    client.force_login(world.supervisor)
    url = reverse("banking:case_payments", args=[world.case.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["payment_form"] is None
    assert client.post(url, {"category": "living_allowance"}).status_code == 403


def test_a_file_that_fails_the_xsd_is_refused():
    from banking.sepa import Transfer, write_pain001

    with pytest.raises(ValidationError) as exc:
        write_pain001(
            debtor_name="Médiateur",
            debtor_iban="BE71096123456769",
            debtor_bic="",
            execution_date=date(2026, 3, 4),
            transfers=[
                Transfer(name="X", iban="not an iban", amount=Decimal("1.00"), end_to_end_id="E1")
            ],
        )
    assert "XSD" in exc.value.messages[0]


def test_a_refused_payment_movement_assigned_from_the_queue_posts_once(world, account):
    from banking.services import AssignData, movement_assign
    from ledger.services import EntryData, entry_post

    allowance = prepare(world, living_allowance("650.00"))
    batch = approve(world)
    allowance.refresh_from_db()
    # the mediator paid a large bill by hand meanwhile: the account cannot bear the allowance
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2026, 3, 3),
            direction="out",
            amount=Decimal("1800.00"),
            category="payment_on_behalf",
        ),
        by=world.mediator,
        today=TODAY,
    )
    content = statement_bytes([payment_movement(allowance)], old="200.00")
    result = statement_import(organisation=world.org, content=content, file_name="x", by=None)
    assert result.summary["unmatched"] == 1
    waiting = Movement.objects.get()
    assert "négatif" in waiting.note and waiting.suggested_case == world.case
    # income arrives; the mediator assigns the movement from the queue (any category)
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2026, 3, 5),
            direction="in",
            amount=Decimal("1000.00"),
            category="income",
        ),
        by=world.mediator,
        today=TODAY,
    )
    moved, _applied = movement_assign(
        movement=waiting,
        data=AssignData(case=world.case, category="other"),
        by=world.mediator,
        today=TODAY,
    )
    assert moved.match_method == MatchMethod.PAYMENT
    assert moved.entry.category == "living_allowance"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXECUTED
    with pytest.raises(ValidationError):
        batch_execute(batch=batch, by=world.mediator, today=TODAY)
    assert [e.category for e in journal(account)].count("living_allowance") == 1
