"""Write CODA 2 statements (Febelfin "Coded statement of account", 128-character records).

Used to build the sample files of the tests (``tests/data/banking/``) and statements whose
references depend on the data of a test (end-to-end ids of a payment batch). The layout follows
the Febelfin standard, version 2: 0 header, 1 old balance, 2.1/2.2/2.3 movement, communication
and counterparty, 8 new balance, 9 trailer.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from stdnum.be import ogm_vcs


@dataclass
class CodaMovement:
    amount: Decimal  # signed: credit > 0, debit < 0
    value_date: date
    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    communication: str = ""  # free text
    structured: str = ""  # 12 digits of a Belgian structured communication
    end_to_end_id: str = ""
    bank_reference: str = ""
    booking_date: date | None = None
    transaction_code: str = "00150000"  # type, family, transaction, category
    # Record 2.2's R-transaction: "1" reject, "2" return, "3" refund, "4" reversal,
    # "5" cancellation (blank: none), and its ISO reason code (AC04…).
    r_transaction: str = " "
    return_reason: str = ""
    # A globalised movement (type 1, "totalised by the customer", e.g. a SEPA batch booked as
    # one debit): its detail records (type 5), same sequence number, detail numbers 1, 2…
    details: list["CodaMovement"] = field(default_factory=list)


@dataclass
class CodaStatement:
    iban: str
    number: int
    old_balance: Decimal
    statement_date: date
    holder_name: str
    movements: list[CodaMovement] = field(default_factory=list)
    description: str = "Compte de médiation"
    old_balance_date: date | None = None  # the previous statement's date (default: day before)

    @property
    def new_balance(self) -> Decimal:
        return self.old_balance + sum((m.amount for m in self.movements), Decimal("0"))


def _field(value: str, width: int) -> str:
    value = (value or "")[:width]
    return value.ljust(width)


def _amount(value: Decimal) -> tuple[str, str]:
    thousandths = int((abs(value) * 1000).to_integral_value())
    return ("1" if value < 0 else "0"), f"{thousandths:015d}"


def _record(*parts: str) -> str:
    line = "".join(parts)
    if len(line) != 128:
        raise ValueError(f"CODA record of {len(line)} characters: {line!r}")
    return line


def _statement_lines(
    statement: CodaStatement, *, created: date, addressee: str, bic: str, coda_seq: int
) -> list[str]:
    number = f"{statement.number:03d}"
    account = _field(statement.iban, 16) + " " * 18 + "EUR"
    lines = [
        _record(
            "0",
            "0000",
            f"{created:%d%m%y}",
            "000",
            "05",
            " ",
            " " * 7,
            _field("", 10),
            _field(addressee, 26),
            _field(bic, 11),
            _field("", 11),
            " ",
            "00000",
            _field("", 16),
            _field("", 16),
            " " * 7,
            "2",
        )
    ]
    sign, digits = _amount(statement.old_balance)
    previous_day = statement.old_balance_date or statement.statement_date - timedelta(days=1)
    lines.append(
        _record(
            "1",
            "2",
            number,
            account,
            sign,
            digits,
            f"{previous_day:%d%m%y}",
            _field(statement.holder_name, 26),
            _field(statement.description, 35),
            f"{coda_seq:03d}",
        )
    )
    debit = credit = Decimal("0")
    for index, movement in enumerate(statement.movements, start=1):
        seq = f"{index:04d}"
        if movement.amount < 0:
            debit += -movement.amount
        else:
            credit += movement.amount
        kind = "1" if movement.details else movement.transaction_code[0]
        lines.extend(_movement_lines(statement, movement, seq, "0000", kind, number))
        for detail_no, detail in enumerate(movement.details, start=1):
            lines.extend(_movement_lines(statement, detail, seq, f"{detail_no:04d}", "5", number))
    sign, digits = _amount(statement.new_balance)
    lines.append(
        _record(
            "8", number, account, sign, digits, f"{statement.statement_date:%d%m%y}", " " * 64, "0"
        )
    )
    records = len(lines) - 1  # records 1, 2.x and 8
    _s, debit_digits = _amount(debit)
    _s, credit_digits = _amount(credit)
    lines.append(
        _record("9", " " * 15, f"{records:06d}", debit_digits, credit_digits, " " * 75, "2")
    )
    return lines


def _movement_lines(
    statement: CodaStatement, movement: CodaMovement, seq: str, detail: str, kind: str, number: str
) -> list[str]:
    sign, digits = _amount(movement.amount)
    if movement.structured:
        if not ogm_vcs.is_valid(movement.structured):
            raise ValueError(f"invalid structured communication {movement.structured}")
        communication = "1" + _field("101" + movement.structured, 53)
    else:
        communication = "0" + _field(movement.communication, 53)
    booking = movement.booking_date or statement.statement_date
    return [
        _record(
            "21",
            seq,
            detail,
            _field(movement.bank_reference, 21),
            sign,
            digits,
            f"{movement.value_date:%d%m%y}",
            kind + _field(movement.transaction_code, 8)[1:],
            communication,
            f"{booking:%d%m%y}",
            number,
            "0",
            "1",
            " ",
            "0",
        ),
        _record(
            "22",
            seq,
            detail,
            _field("", 53),
            _field(movement.end_to_end_id, 35),
            _field(movement.counterparty_bic, 11),
            " " * 3,
            _field(movement.r_transaction, 1),
            _field(movement.return_reason, 4),
            " " * 4,
            " " * 4,
            "1",
            " ",
            "0",
        ),
        _record(
            "23",
            seq,
            detail,
            _field(movement.counterparty_iban, 34),
            "EUR" if movement.counterparty_iban else "   ",
            _field(movement.counterparty_name, 35),
            _field("", 43),
            "0",
            " ",
            "0",
        ),
    ]


def write_coda(
    statements: list[CodaStatement],
    *,
    created: date,
    addressee: str = "",
    bic: str = "",
) -> bytes:
    """One file holding the statements (each with its own header and trailer), CRLF lines,
    encoded in windows-1252 as the banks deliver them."""
    lines: list[str] = []
    for seq, statement in enumerate(statements, start=1):
        lines.extend(
            _statement_lines(statement, created=created, addressee=addressee, bic=bic, coda_seq=seq)
        )
    return ("\r\n".join(lines) + "\r\n").encode("windows-1252")
