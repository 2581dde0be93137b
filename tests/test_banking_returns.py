"""What statements used to ignore, continued (issue 14): a CODA reversal (transactions 49/99,
record 2.2's R-transaction) reverses the entry it cancels, as CAMT ``RvslInd`` does; a SEPA
transfer the bank returns (CAMT ``RtrInf``, CODA R-transaction "return" or transaction 54) is
matched to the payment we sent, whose entry is reversed — never posted as income — and the
payment is marked returned so that it can be prepared again; a single debit for a whole batch
is told apart by the batch's ``PmtInfId`` and number of transfers (CAMT ``Btch``).

Spec: Febelfin "Coded statement of account (CODA)" v2.3+, record 2.1 positions 55-58 (family,
transaction), record 2.2 positions 113-117 (type of R-transaction, ISO reason); ISO 20022
camt.053 ``TxDtls/RtrInf/Rsn/Cd``, ``BkTxCd/Domn/Fmly/SubFmlyCd`` RRTN, ``NtryDtls/Btch``."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from banking import selectors
from banking.coda_writer import CodaMovement
from banking.models import MatchMethod, Movement, MovementStatus, Payment, PaymentStatus
from banking.parsers import parse_statement_file
from banking.sepa import batch_references
from banking.services import (
    AssignData,
    PaymentData,
    allowance_payments_prepare,
    batch_execute,
    movement_assign,
    statement_import,
)
from ledger.models import Entry
from ledger.selectors import paid_vs_admitted

from .test_allowance_payments import budget, decide, paid_allowance_in_journal
from .test_banking_support import (
    CASE_IBAN,
    approve,
    living_allowance,
    make_creditor,
    open_account,
    payment_movement,
    prepare,
    statement_bytes,
)

TODAY = date(2026, 3, 10)
SALARY_IBAN = "BE48001123456727"
D = Decimal


def run(world, content: bytes):
    return statement_import(
        organisation=world.org, content=content, file_name="f", by=world.mediator, today=TODAY
    ).summary


# CODA reversals ----------------------------------------------------------------------------------


def salary(amount="1902.10", **fields) -> CodaMovement:
    return CodaMovement(
        amount=D(amount),
        value_date=fields.pop("value_date", date(2026, 3, 5)),
        counterparty_name="BOULANGERIE HENRARD SRL",
        counterparty_iban=SALARY_IBAN,
        communication="SALAIRE MARS",
        **fields,
    )


@pytest.mark.parametrize(
    ("code", "r_transaction", "reversal"),
    [
        ("00150000", " ", False),  # 01-50 transfer in your favour
        ("00149000", " ", True),  # 01-49 cancellation or correction
        ("00199000", " ", True),  # 01-99 cancellation or correction
        ("00550000", " ", False),  # 05-50 direct debit collected
        ("00549000", " ", True),
        ("00150000", "4", True),  # record 2.2: R-transaction "reversal"
        ("00150000", "5", True),  # "cancellation"
    ],
)
def test_a_coda_reversal_is_read_from_its_transaction_code(code, r_transaction, reversal):
    content = statement_bytes(
        [salary("-100.00", transaction_code=code, r_transaction=r_transaction)], old="100.00"
    )
    (movement,) = parse_statement_file(content).movements
    assert movement.reversal is reversal
    assert not movement.returned


def test_a_coda_cancellation_reverses_the_credit_it_cancels(world):
    account = open_account(world.case)
    assert run(world, statement_bytes([salary()]))["posted"] == 1
    original = Movement.objects.get()
    cancelled = statement_bytes(
        [salary("-1902.10", transaction_code="00149000", value_date=date(2026, 3, 6))],
        number=21,
        old="1902.10",
    )
    assert run(world, cancelled) == {"movements": 1, "posted": 1, "duplicates": 0, "unmatched": 0}
    reversal = Movement.objects.get(reversal=True)
    assert reversal.match_method == MatchMethod.REVERSAL
    assert reversal.entry.reverses == original.entry  # a correction, not money paid out
    assert reversal.entry.category == original.entry.category == "income"
    account.refresh_from_db()
    assert account.balance == D("0.00")
    assert run(world, cancelled)["duplicates"] == 1
    assert Entry.objects.filter(account=account).count() == 2


def test_a_coda_reversal_without_its_original_waits(world):
    open_account(world.case, balance="500.00")
    content = statement_bytes(
        [salary("-100.00", transaction_code="00199000")], old="500.00", number=21
    )
    assert run(world, content)["unmatched"] == 1
    assert "mouvement d'origine est introuvable" in Movement.objects.get().note


# Returned transfers: read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "r_transaction", "reason", "returned"),
    [
        ("00150000", "2", "AC04", True),  # R-transaction "return", closed account
        ("00150000", "1", "AC01", True),  # "reject"
        ("00154000", " ", "", True),  # 01-54 unexecutable transfer order
        ("00254000", " ", "", True),  # 02-54, instant SEPA
        ("00150000", "4", "MS03", False),  # a reversal, not a return
        ("00150000", " ", "", False),
    ],
)
def test_a_returned_transfer_is_read_from_coda(code, r_transaction, reason, returned):
    content = statement_bytes(
        [salary("650.00", transaction_code=code, r_transaction=r_transaction, return_reason=reason)]
    )
    (movement,) = parse_statement_file(content).movements
    assert movement.returned is returned
    assert movement.reversal is (returned or r_transaction != " ")
    assert movement.return_reason == (reason if movement.reversal else "")


def camt(entries: str, *, opening: str, closing: str, message="MSG-R") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{message}</MsgId><CreDtTm>2026-03-10T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{message}-1</Id><CreDtTm>2026-03-10T06:00:00</CreDtTm>
      <Acct><Id><IBAN>{CASE_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-09</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-10</Dt></Dt></Bal>
{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def returned_entry(amount: str, e2e: str, iban: str, *, reason="AC04", ref="R1", family=False):
    code = (
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly>"
        "</Domn></BkTxCd>"
        if family
        else ""
    )
    info = f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else ""
    return f"""      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts><BookgDt><Dt>2026-03-10</Dt></BookgDt><ValDt><Dt>2026-03-10</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>{code}
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>{e2e}</EndToEndId></Refs>
          <RltdPties><Dbtr><Nm>DUBOIS MARIE</Nm></Dbtr>
            <DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>
          {info}
        </TxDtls></NtryDtls>
      </Ntry>"""


def test_a_camt_return_is_read_with_its_reason():
    content = camt(returned_entry("650.00", "E2E-1", SALARY_IBAN), opening="0.00", closing="650.00")
    (movement,) = parse_statement_file(content).movements
    assert (movement.returned, movement.reversal, movement.return_reason) == (True, True, "AC04")
    assert movement.end_to_end_id == "E2E-1"


def test_a_camt_return_is_read_from_its_bank_transaction_code():
    content = camt(
        returned_entry("650.00", "E2E-1", SALARY_IBAN, reason="", family=True),
        opening="0.00",
        closing="650.00",
    )
    (movement,) = parse_statement_file(content).movements
    assert movement.returned and movement.return_reason == ""


# Returned transfers: matched to the payment we sent ------------------------------------------


@pytest.fixture
def sent(world):
    """A living allowance of 650,00 approved, executed and brought back by the statement."""
    account = open_account(world.case, balance="2000.00", by=world.mediator)
    payment = prepare(world, living_allowance())
    approve(world)
    payment.refresh_from_db()
    assert run(world, statement_bytes([payment_movement(payment)], old="2000.00"))["posted"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.POSTED
    account.refresh_from_db()
    assert account.balance == D("1350.00")
    return payment, account


def coda_return(payment, *, e2e=True, reason="AC04", number=21, old="1350.00") -> bytes:
    return statement_bytes(
        [
            CodaMovement(
                amount=payment.amount,
                value_date=date(2026, 3, 9),
                counterparty_name="DUBOIS MARIE",
                counterparty_iban=payment.beneficiary_iban,
                end_to_end_id=payment.end_to_end_id if e2e else "",
                communication="RETOUR VIREMENT",
                r_transaction="2",
                return_reason=reason,
            )
        ],
        number=number,
        old=old,
    )


def assert_returned(world, payment, account):
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RETURNED
    movement = Movement.objects.get(returned=True)
    assert movement.status == MovementStatus.POSTED
    assert movement.match_method == MatchMethod.RETURN
    assert movement.returned_payment == payment and movement.case == world.case
    assert movement.entry.reverses == payment.entry  # the payment undone, not income
    assert movement.entry.category == "living_allowance"
    assert not Entry.objects.filter(account=account, category="income", amount=payment.amount)
    account.refresh_from_db()
    assert account.balance == D("2000.00")
    return movement


def test_a_returned_transfer_reverses_the_payment_it_brings_back(world, sent):
    payment, account = sent
    assert run(world, coda_return(payment)) == {
        "movements": 1,
        "posted": 1,
        "duplicates": 0,
        "unmatched": 0,
    }
    movement = assert_returned(world, payment, account)
    assert movement.return_reason == "AC04"
    assert "AC04 (compte clôturé)" in movement.entry.note and payment.end_to_end_id in (
        movement.entry.note
    )
    # imported again: nothing moves
    assert run(world, coda_return(payment))["duplicates"] == 1
    assert Entry.objects.filter(account=account).count() == 3


def test_without_end_to_end_id_the_beneficiary_account_tells(world, sent):
    payment, account = sent
    assert run(world, coda_return(payment, e2e=False))["posted"] == 1
    assert_returned(world, payment, account)


def test_a_payment_marked_executed_without_its_debit_is_returned_too(world):
    account = open_account(world.case, balance="2000.00", by=world.mediator)
    payment = prepare(world, living_allowance())
    batch = approve(world)
    batch_execute(batch=batch, by=world.mediator, today=date(2026, 3, 4))
    payment.refresh_from_db()
    content = camt(
        returned_entry("650.00", payment.end_to_end_id, payment.beneficiary_iban, reason="MD07"),
        opening="1350.00",
        closing="2000.00",
    )
    assert run(world, content)["posted"] == 1
    movement = assert_returned(world, payment, account)
    assert "MD07 (bénéficiaire décédé)" in movement.note


def test_a_payment_of_a_batch_debited_as_one_is_returned_alone(world):
    account = open_account(world.case, balance="2000.00", by=world.mediator)
    creditor = make_creditor(world)
    allowance = prepare(world, living_allowance())
    dividend = prepare(
        world,
        PaymentData(
            category="dividend",
            authorisation="Ordonnance 2023/123",
            amount=D("85.40"),
            creditor=creditor,
            structured_communication="320004711846",
        ),
    )
    approve(world)
    debit = statement_bytes(
        [CodaMovement(amount=D("-735.40"), value_date=date(2026, 3, 5))], old="2000.00"
    )
    assert run(world, debit)["posted"] == 1
    dividend.refresh_from_db()
    assert run(world, coda_return(dividend, old="1264.60"))["posted"] == 1
    dividend.refresh_from_db()
    allowance.refresh_from_db()
    assert dividend.status == PaymentStatus.RETURNED
    assert allowance.status == PaymentStatus.POSTED
    account.refresh_from_db()
    assert account.balance == D("1350.00")
    # the creditor counts as unpaid again (the dividend's entry and its reversal)
    assert paid_vs_admitted(world.case)[creditor.pk].paid == D("0.00")


def test_a_return_of_an_amount_never_sent_waits(world, sent):
    payment, _account = sent
    stray = statement_bytes(
        [
            CodaMovement(
                amount=D("12.34"),
                value_date=date(2026, 3, 9),
                counterparty_iban=payment.beneficiary_iban,
                r_transaction="2",
                return_reason="AC04",
            )
        ],
        number=21,
        old="1350.00",
    )
    assert run(world, stray)["unmatched"] == 1
    movement = Movement.objects.get(returned=True)
    assert movement.status == MovementStatus.UNMATCHED
    assert "introuvable" in movement.note
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.POSTED


def test_a_return_is_not_matched_to_another_account_s_payment(world, sent):
    payment, _account = sent
    content = statement_bytes(
        [
            CodaMovement(
                amount=payment.amount,
                value_date=date(2026, 3, 9),
                counterparty_iban=payment.beneficiary_iban,
                end_to_end_id=payment.end_to_end_id,
                r_transaction="2",
            )
        ],
        iban="BE15001765432130",  # another account of the organisation
    )
    assert run(world, content)["unmatched"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.POSTED


def test_a_returned_installment_is_prepared_again(world):
    account = open_account(world.case, balance="3000.00", by=world.mediator)
    paid_allowance_in_journal(world)
    decide(budget(world.case, world.mediator), world.mediator, day_of_month=5)
    [payment] = allowance_payments_prepare(case=world.case, year=2026, month=4, by=world.mediator)
    batch = approve(world)
    batch_execute(batch=batch, by=world.mediator, today=date(2026, 3, 4))
    payment.refresh_from_db()
    account.refresh_from_db()
    before = account.balance
    content = camt(
        returned_entry(f"{payment.amount}", payment.end_to_end_id, payment.beneficiary_iban),
        opening=f"{before}",
        closing=f"{before + payment.amount}",
    )
    assert run(world, content)["posted"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RETURNED
    [row] = selectors.planned_allowance_payments(world.case, 2026, 4)
    assert row.to_prepare and row.status == "returned"
    assert row.status_label == "Retourné par la banque"
    [again] = allowance_payments_prepare(case=world.case, year=2026, month=4, by=world.mediator)
    assert again.pk != payment.pk and again.due_on == payment.due_on
    assert again.status == PaymentStatus.PENDING
    assert Payment.objects.filter(case=world.case, due_on=payment.due_on).count() == 2


def test_the_payments_page_shows_the_return(client, world, sent):
    payment, _account = sent
    run(world, coda_return(payment))
    client.force_login(world.mediator)
    page = client.get(reverse("banking:case_payments", args=[world.case.pk]))
    assert page.status_code == 200
    assert "Retourné par la banque" in page.content.decode()
    movement = Movement.objects.get(returned=True)
    detail = client.get(reverse("banking:movement_detail", args=[movement.pk])).content.decode()
    assert "AC04 (compte clôturé)" in detail and "Virement SEPA retourné par la banque" in detail


# A whole batch debited as one: named by the bank ---------------------------------------------


def batch_entry(amount: str, *, pmt_inf_id="", count=None, ref="B1") -> str:
    count_xml = f"<NbOfTxs>{count}</NbOfTxs>" if count is not None else ""
    return f"""      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts><BookgDt><Dt>2026-03-05</Dt></BookgDt><ValDt><Dt>2026-03-05</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <NtryDtls><Btch><PmtInfId>{pmt_inf_id}</PmtInfId>{count_xml}</Btch></NtryDtls>
      </Ntry>"""


def test_the_batch_of_a_camt_entry_is_read():
    content = camt(
        batch_entry("735.40", pmt_inf_id="PMT-1", count=2), opening="2000.00", closing="1264.60"
    )
    (movement,) = parse_statement_file(content).movements
    assert (movement.batch_reference, movement.batch_count) == ("PMT-1", 2)


@pytest.fixture
def two_batches(world):
    """Two approved batches of the same two amounts (735,40): the amount alone cannot tell."""
    open_account(world.case, balance="3000.00", by=world.mediator)
    batches = []
    for day in (3, 4):
        prepare(world, living_allowance())
        prepare(world, living_allowance("85.40", beneficiary_name="DUBOIS Marie (2)"))
        batches.append(approve(world, execution_date=date(2026, 3, day)))
    return batches


def pmt_inf_id(batch) -> str:
    (found,) = batch_references(batch.pain_xml) - {batch.message_id}
    return found


def test_the_batch_named_by_the_bank_is_the_one_posted(world, two_batches):
    first, second = two_batches
    content = camt(
        batch_entry("735.40", pmt_inf_id=pmt_inf_id(first), count=2),
        opening="3000.00",
        closing="2264.60",
    )
    assert run(world, content)["posted"] == 1
    movement = Movement.objects.get()
    assert movement.match_method == MatchMethod.BATCH and movement.batch == first
    assert first.payments.filter(status=PaymentStatus.POSTED).count() == 2
    assert not second.payments.filter(status=PaymentStatus.POSTED).exists()


def test_two_fitting_batches_and_no_name_wait(world, two_batches):
    content = camt(batch_entry("735.40"), opening="3000.00", closing="2264.60")
    assert run(world, content)["unmatched"] == 1


def test_a_batch_of_another_number_of_transfers_is_not_it(world, two_batches):
    first, _second = two_batches
    content = camt(
        batch_entry("735.40", pmt_inf_id=pmt_inf_id(first), count=3),
        opening="3000.00",
        closing="2264.60",
    )
    assert run(world, content)["unmatched"] == 1
    assert Movement.objects.get().batch is None


def test_a_batch_entry_detailed_per_transfer_posts_each_payment(world):
    """The bank books the batch as one entry and lists its transfers (``TxDtls``, each with
    its end-to-end id): each detail brings back its own payment."""
    open_account(world.case, balance="2000.00", by=world.mediator)
    allowance = prepare(world, living_allowance())
    other = prepare(world, living_allowance("85.40", beneficiary_name="DUBOIS Marie (2)"))
    batch = approve(world)
    allowance.refresh_from_db()
    other.refresh_from_db()
    details = "".join(
        f"""<TxDtls><Refs><EndToEndId>{p.end_to_end_id}</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="EUR">{p.amount}</Amt></TxAmt></AmtDtls>
          <RltdPties><Cdtr><Nm>{p.beneficiary_name}</Nm></Cdtr>
            <CdtrAcct><Id><IBAN>{p.beneficiary_iban}</IBAN></Id></CdtrAcct></RltdPties>
        </TxDtls>"""
        for p in (allowance, other)
    )
    content = camt(
        f"""      <Ntry>
        <Amt Ccy="EUR">735.40</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts><BookgDt><Dt>2026-03-05</Dt></BookgDt><ValDt><Dt>2026-03-05</Dt></ValDt>
        <AcctSvcrRef>B2</AcctSvcrRef>
        <NtryDtls><Btch><PmtInfId>{pmt_inf_id(batch)}</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>
        {details}</NtryDtls>
      </Ntry>""",
        opening="2000.00",
        closing="1264.60",
    )
    assert run(world, content) == {"movements": 2, "posted": 2, "duplicates": 0, "unmatched": 0}
    assert {m.match_method for m in Movement.objects.all()} == {MatchMethod.PAYMENT}
    batch.refresh_from_db()
    assert batch.status == "executed"
    assert run(world, content)["duplicates"] == 2


def test_a_returned_payment_is_offered_to_prepare_again(client, world, sent):
    payment, _account = sent
    run(world, coda_return(payment))
    client.force_login(world.mediator)
    url = reverse("banking:case_payments", args=[world.case.pk])
    page = client.get(url).content.decode()
    assert f"?a-nouveau={payment.pk}" in page
    form = client.get(url, {"a-nouveau": payment.pk}).context["payment_form"]
    assert form.initial["amount"] == payment.amount
    assert form.initial["beneficiary_iban"] == payment.beneficiary_iban
    # a payment that was not returned, or another case's, fills nothing
    assert not client.get(url, {"a-nouveau": "x"}).context["payment_form"].initial


def test_a_coda_globalised_debit_posts_each_payment_of_the_batch(world):
    """CODA: the batch booked as one debit (type 1) with its detail records (type 5), each
    carrying its transfer's end-to-end id: each detail brings back its own payment."""
    open_account(world.case, balance="2000.00", by=world.mediator)
    allowance = prepare(world, living_allowance())
    other = prepare(world, living_allowance("85.40", beneficiary_name="DUBOIS Marie (2)"))
    batch = approve(world)
    allowance.refresh_from_db()
    other.refresh_from_db()
    total = CodaMovement(
        amount=D("-735.40"),
        value_date=date(2026, 3, 5),
        communication="COLLECTIEVE OVERSCHRIJVING",
        transaction_code="10107000",  # 01-07 collective transfer
        details=[payment_movement(allowance), payment_movement(other)],
    )
    content = statement_bytes([total], old="2000.00")
    assert run(world, content) == {"movements": 2, "posted": 2, "duplicates": 0, "unmatched": 0}
    assert {m.match_method for m in Movement.objects.all()} == {MatchMethod.PAYMENT}
    batch.refresh_from_db()
    assert batch.status == "executed"
    assert run(world, content)["duplicates"] == 2


def test_a_waiting_return_assigned_to_the_case_reverses_its_payment(world):
    """A return the bank gives without the counterparty's account nor the end-to-end id, of a
    payment marked executed by hand (no debit movement to reverse), waits; assigned by the
    mediator to the case, it is the return of the case's only payment of that amount — not
    income."""
    account = open_account(world.case, balance="2000.00", by=world.mediator)
    payment = prepare(world, living_allowance())
    batch_execute(batch=approve(world), by=world.mediator, today=date(2026, 3, 4))
    payment.refresh_from_db()
    bare = statement_bytes(
        [
            CodaMovement(
                amount=payment.amount,
                value_date=date(2026, 3, 9),
                r_transaction="2",
                return_reason="AC04",
            )
        ],
        number=21,
        old="1350.00",
    )
    assert run(world, bare)["unmatched"] == 1
    waiting = Movement.objects.get(returned=True)
    movement, applied = movement_assign(
        movement=waiting,
        data=AssignData(case=world.case, category="income"),
        by=world.mediator,
        today=TODAY,
    )
    assert applied == 0 and movement.assigned_by == world.mediator
    assert_returned(world, payment, account)


def test_a_return_without_references_reverses_the_payment_s_own_debit(world, sent):
    """Without the counterparty's account nor the end-to-end id, the return still finds the
    payment's own debit on an earlier statement (same account, opposite amount)."""
    payment, account = sent
    bare = statement_bytes(
        [CodaMovement(amount=payment.amount, value_date=date(2026, 3, 9), r_transaction="2")],
        number=21,
        old="1350.00",
    )
    assert run(world, bare)["posted"] == 1
    movement = Movement.objects.get(returned=True)
    assert movement.match_method == MatchMethod.REVERSAL
    assert movement.returned_payment == payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RETURNED
    assert movement.entry.reverses == payment.entry
    account.refresh_from_db()
    assert account.balance == D("2000.00")
