"""Shared helpers of the banking tests (no tests here): sample files, the case's account,
creditors, payments and statements built with the CODA writer."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from banking.coda_writer import CodaMovement, CodaStatement, write_coda
from banking.services import PaymentData, batch_approve, payment_prepare, statement_import
from claims.models import ClaimStatus
from claims.services import ClaimData, ContactData, claim_create, creditor_create
from ledger.services import EntryData, account_open, entry_post

DATA = Path(__file__).parent / "data" / "banking"
CODA_FIRST = DATA / "coda_20260305.cod"
CODA_OVERLAP = DATA / "coda_20260306_overlap.cod"
CODA_MALFORMED = DATA / "coda_malformed.cod"
CAMT = DATA / "camt053_20260309.xml"

CASE_IBAN = "BE71096123456769"  # the mediation account of world.case in the sample files
OTHER_CASE_IBAN = "BE15001765432130"
APPLICANT_IBAN = "BE02363345678940"  # Marie Dubois's own account (living allowance)
ENGIE_IBAN = "BE84679200000559"
CASE_COMMUNICATION = "090933755493"  # +++090/9337/55493+++
TODAY = date(2026, 3, 2)


def open_account(case, iban=CASE_IBAN, balance: str | None = None, by=None):
    account = account_open(case=case, iban=iban)
    if balance:
        entry_post(
            case=case,
            data=EntryData(
                value_date=date(2026, 2, 27),
                direction="in",
                amount=Decimal(balance),
                category="income",
                counterparty="BOULANGERIE HENRARD SRL",
            ),
            by=by,
            today=TODAY,
        )
    account.refresh_from_db()
    return account


def import_file(organisation, path: Path, by=None):
    return statement_import(
        organisation=organisation, content=path.read_bytes(), file_name=path.name, by=by
    )


def make_creditor(world, name="Proximus SA", iban="BE15068987654330", time_barred=False, **kw):
    creditor = creditor_create(
        organisation=world.org, data=ContactData(name=name, iban=iban, bic=kw.pop("bic", ""))
    )
    claim_create(
        case=world.case,
        data=ClaimData(
            creditor=creditor,
            principal=Decimal("1200.00"),
            declared_on=date(2022, 7, 1),
            time_barred=time_barred,
            # admitted: a creditor is paid only up to its admitted claim (docs/plan-rules.md)
            status=kw.pop("status", ClaimStatus.ACCEPTED),
            **kw,
        ),
    )
    return creditor


def living_allowance(amount="650.00", **overrides) -> PaymentData:
    fields = {
        "category": "living_allowance",
        "amount": Decimal(amount),
        "beneficiary_name": "DUBOIS Marie",
        "beneficiary_iban": APPLICANT_IBAN,
        "communication": "Pécule de médiation mars 2026",
    }
    fields.update(overrides)
    return PaymentData(**fields)


def prepare(world, data: PaymentData):
    return payment_prepare(case=world.case, data=data, by=world.mediator)


def approve(world, payments=None, execution_date=date(2026, 3, 4)):
    return batch_approve(
        case=world.case,
        payments=payments,
        execution_date=execution_date,
        by=world.mediator,
        today=TODAY,
    )


def statement_bytes(movements: list[CodaMovement], *, number=20, iban=CASE_IBAN, old="0.00"):
    statement = CodaStatement(
        iban=iban,
        number=number,
        old_balance=Decimal(old),
        statement_date=date(2026, 3, 5),
        holder_name="LAMBERT S QQ MED DUBOIS M",
        movements=movements,
    )
    return write_coda([statement], created=date(2026, 3, 5))


def payment_movement(payment, *, with_e2e=True, value_date=date(2026, 3, 5)) -> CodaMovement:
    return CodaMovement(
        amount=-payment.amount,
        value_date=value_date,
        counterparty_name=payment.beneficiary_name.upper(),
        counterparty_iban=payment.beneficiary_iban,
        end_to_end_id=payment.end_to_end_id if with_e2e else "",
        structured=payment.structured_communication,
        communication="" if payment.structured_communication else payment.communication,
    )
