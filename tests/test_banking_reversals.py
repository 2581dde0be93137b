"""What statements used to ignore (issue 14): a bank's reversal (CAMT ``RvslInd``) reverses
the entry it cancels; a CODA globalised movement keeps its detail records — each posted with
its own communication — and a bank's single debit for a whole SEPA batch posts the batch's
payments, each once."""

from datetime import date
from decimal import Decimal

import pytest

from banking.coda_writer import CodaMovement
from banking.models import BatchStatus, MatchMethod, Movement, MovementStatus
from banking.parsers import parse_statement_file
from banking.services import batch_execute, case_communication_set, statement_import
from ledger.models import Entry

from .test_banking_support import (
    CASE_COMMUNICATION,
    CASE_IBAN,
    PaymentData,
    approve,
    living_allowance,
    make_creditor,
    open_account,
    prepare,
    statement_bytes,
)

TODAY = date(2026, 3, 10)
GENERAL_ACCOUNT = "BE45000017110089"  # the CPAS service's own account: no case's
SALARY_IBAN = "BE48001123456727"


def camt(entries: str, *, opening: str, closing: str, message="MSG-1") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{message}</MsgId><CreDtTm>2026-03-10T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{message}-1</Id>
      <CreDtTm>2026-03-10T06:00:00</CreDtTm>
      <Acct><Id><IBAN>{CASE_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-09</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-10</Dt></Dt></Bal>
{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def entry(amount: str, indicator: str, day: str, *, reversal=False, ref="", e2e="") -> str:
    party = "Dbtr" if indicator == "CRDT" or reversal else "Cdtr"
    return f"""      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>
        {"<RvslInd>true</RvslInd>" if reversal else ""}
        <Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
        {f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""}
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>{e2e or "NOTPROVIDED"}</EndToEndId></Refs>
          <RltdPties><{party}><Nm>BOULANGERIE HENRARD SRL</Nm></{party}>
            <{party}Acct><Id><IBAN>{SALARY_IBAN}</IBAN></Id></{party}Acct></RltdPties>
          <RmtInf><Ustrd>SALAIRE MARS</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def run(world, content: bytes):
    return statement_import(
        organisation=world.org, content=content, file_name="f", by=world.mediator, today=TODAY
    ).summary


# Reversals ---------------------------------------------------------------------------------------


def test_the_reversal_indicator_is_read():
    content = camt(
        entry("100.00", "DBIT", "2026-03-10", reversal=True), opening="100.00", closing="0.00"
    )
    (movement,) = parse_statement_file(content).movements
    assert movement.reversal and movement.amount == Decimal("-100.00")


def test_a_bank_reversal_reverses_the_entry_it_cancels(world):
    account = open_account(world.case)
    credit = camt(
        entry("1902.10", "CRDT", "2026-03-09", ref="A1"), opening="0.00", closing="1902.10"
    )
    assert run(world, credit)["posted"] == 1
    original = Movement.objects.get()
    returned = camt(
        entry("1902.10", "DBIT", "2026-03-10", reversal=True, ref="A2"),
        opening="1902.10",
        closing="0.00",
        message="MSG-2",
    )
    assert run(world, returned) == {"movements": 1, "posted": 1, "duplicates": 0, "unmatched": 0}
    reversal = Movement.objects.get(reversal=True)
    assert reversal.status == MovementStatus.POSTED
    assert reversal.match_method == MatchMethod.REVERSAL
    assert reversal.entry.reverses == original.entry  # linked, not new money out
    assert reversal.entry.value_date == date(2026, 3, 10)
    account.refresh_from_db()
    assert account.balance == Decimal("0.00")
    assert run(world, returned)["duplicates"] == 1  # once
    assert Entry.objects.filter(account=account).count() == 2


def test_a_reversal_without_its_original_waits_with_a_note(world):
    open_account(world.case, balance="500.00")
    returned = camt(
        entry("100.00", "DBIT", "2026-03-10", reversal=True), opening="500.00", closing="400.00"
    )
    assert run(world, returned)["unmatched"] == 1
    movement = Movement.objects.get(reversal=True)
    assert movement.status == MovementStatus.UNMATCHED
    assert "mouvement d'origine est introuvable" in movement.note


# CODA globalisation --------------------------------------------------------------------------


def globalised(structured=CASE_COMMUNICATION) -> bytes:
    details = [
        CodaMovement(
            amount=Decimal("100.00"),
            value_date=date(2026, 3, 5),
            counterparty_name="CPAS DE NAMUR",
            counterparty_iban="BE75068234567851",
            structured=structured,
        ),
        CodaMovement(
            amount=Decimal("250.00"),
            value_date=date(2026, 3, 5),
            counterparty_name="ONEM",
            counterparty_iban="BE64310456789052",
            communication="ALLOCATIONS MARS",
        ),
    ]
    total = CodaMovement(
        amount=Decimal("350.00"),
        value_date=date(2026, 3, 5),
        communication="COLLECTIEVE OVERSCHRIJVING",
        details=details,
    )
    return statement_bytes([total], iban=GENERAL_ACCOUNT)


def test_a_globalised_movement_is_read_as_its_details():
    parsed = parse_statement_file(globalised())
    assert [(m.amount, m.structured_communication) for m in parsed.movements] == [
        (Decimal("100.00"), CASE_COMMUNICATION),
        (Decimal("250.00"), ""),
    ]
    assert [m.identity.split("|")[3] for m in parsed.movements] == ["0001.0001", "0001.0002"]
    assert all(m.total_identity.split("|")[3] == "0001.0000" for m in parsed.movements)


def test_each_detail_goes_to_its_case_by_its_structured_communication(world):
    open_account(world.case)
    case_communication_set(case=world.case, communication=CASE_COMMUNICATION)
    assert run(world, globalised()) == {
        "movements": 2,
        "posted": 1,
        "duplicates": 0,
        "unmatched": 1,
    }
    posted = Movement.objects.get(status=MovementStatus.POSTED)
    assert posted.case == world.case and posted.amount == Decimal("100.00")
    assert posted.match_method == MatchMethod.COMMUNICATION
    assert run(world, globalised())["duplicates"] == 2


def test_a_total_imported_before_keeps_its_details_from_posting_again(world):
    # the previous version stored the total under its own identity
    open_account(world.case)
    total = parse_statement_file(globalised()).movements[0].total_identity
    run(world, statement_bytes([CodaMovement(amount=Decimal("1.00"), value_date=date(2026, 3, 5))]))
    Movement.objects.update(identity=total, account_iban=GENERAL_ACCOUNT)
    assert run(world, globalised()) == {
        "movements": 2,
        "posted": 0,
        "duplicates": 2,
        "unmatched": 0,
    }


def test_details_that_do_not_add_up_leave_the_total():
    content = globalised().decode("windows-1252").replace("0000000000250000", "0000000000240000", 1)
    parsed = parse_statement_file(content.encode("windows-1252"))
    assert [m.amount for m in parsed.movements] == [Decimal("350.00")]


# A whole SEPA batch debited as one amount -----------------------------------------------------


@pytest.fixture
def batch(world):
    open_account(world.case, balance="2000.00", by=world.mediator)
    creditor = make_creditor(world)
    prepare(world, living_allowance())
    prepare(
        world,
        PaymentData(
            category="dividend",
            authorisation="Ordonnance 2023/123",
            amount=Decimal("85.40"),
            creditor=creditor,
            structured_communication="320004711846",
        ),
    )
    return approve(world)


def single_debit(amount="-735.40") -> bytes:
    return statement_bytes(
        [
            CodaMovement(
                amount=Decimal(amount),
                value_date=date(2026, 3, 5),
                communication="SEPA BATCH 2 TRANSFERS",
            )
        ],
        old="2000.00",
    )


def test_a_single_debit_for_the_batch_posts_each_payment(world, batch):
    assert run(world, single_debit()) == {
        "movements": 1,
        "posted": 1,
        "duplicates": 0,
        "unmatched": 0,
    }
    movement = Movement.objects.get()
    assert movement.match_method == MatchMethod.BATCH and movement.batch == batch
    entries = Entry.objects.filter(account__case=world.case, bank_reference__contains="#")
    assert sorted((e.category, e.amount) for e in entries) == [
        ("dividend", Decimal("85.40")),
        ("living_allowance", Decimal("650.00")),
    ]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXECUTED
    assert run(world, single_debit())["duplicates"] == 1


def test_a_batch_marked_executed_first_is_only_linked(world, batch):
    batch_execute(batch=batch, by=world.mediator, today=TODAY)
    count = Entry.objects.count()
    assert run(world, single_debit())["duplicates"] == 1
    assert Entry.objects.count() == count
    assert Movement.objects.get().status == MovementStatus.POSTED


def test_a_debit_of_another_amount_is_not_the_batch(world, batch):
    assert run(world, single_debit("-735.41"))["unmatched"] == 1
