"""The CODA reader's shortcuts for large files (issue 15: 10,000 movements in under 30 s): its
dates read without ``strptime`` give what ``strptime("%d%m%y")`` gives, and the names of the
fields it checks on every movement are translated only in the message that names them."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from banking import parsers
from banking.coda_writer import CodaMovement, CodaStatement, write_coda


def strptime(text: str):
    try:
        return datetime.strptime(text, "%d%m%y").date()
    except ValueError:
        return "refused"


def coda_date(text: str):
    try:
        return parsers._coda_date(7, "21", text, parsers._VALUE_DATE)
    except parsers.StatementFileError:
        return "refused"


def test_coda_dates_read_as_strptime_reads_them():
    texts = [
        f"{d:02d}{m:02d}{y:02d}" for d in range(100) for m in range(14) for y in (0, 24, 68, 69, 99)
    ]
    texts += [f"{d:02d}{m:02d}24" for d in range(28, 33) for m in range(100)]
    texts += [
        " 10126",
        "1 0126",
        "01 126",
        "0101 6",
        "",
        "01012",
        "0101266",
        "０１０１２６",
        "+10126",
    ]
    assert [coda_date(t) for t in texts] == [strptime(t) for t in texts]
    assert coda_date("290224") == date(2024, 2, 29)
    assert coda_date("290223") == "refused"
    assert coda_date("311299") == date(1999, 12, 31)


def coda_file(value_date: str) -> bytes:
    statement = CodaStatement(
        iban="BE45000017110089",
        number=1,
        old_balance=Decimal("0.00"),
        statement_date=date(2026, 1, 31),
        holder_name="CPAS TEST",
        movements=[CodaMovement(amount=Decimal("12.50"), value_date=date(2026, 1, 5))],
    )
    lines = write_coda([statement], created=date(2026, 1, 31)).decode("cp1252").split("\r\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("21"))
    line = lines[index]
    lines[index] = line[:47] + value_date + line[53:]
    return "\r\n".join(lines).encode("cp1252")


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", "enregistrement 2.1 (mouvement) : date valeur invalide « 320126 » (JJMMAA)."),
        ("nl", "ongeldige valutadatum “320126” (DDMMJJ)."),
    ],
)
def test_a_bad_date_is_named_in_the_reader_s_language(language, expected):
    parsers.parse_coda(coda_file("050126"))  # the file as written is read
    with translation.override(language), pytest.raises(parsers.StatementFileError) as exc:
        parsers.parse_coda(coda_file("320126"))
    assert expected in exc.value.messages[0]
