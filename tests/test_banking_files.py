"""Bank files a Belgian bank could send (issue 14): no crash on a missing element, no statement
in another currency posted as euros, files the banks really produce read (a wrong trailer count
when the amounts agree, CODA saved as UTF-8, a CAMT account under ``Othr/Id``)."""

from decimal import Decimal

import pytest

from banking.models import Movement, StatementImport
from banking.parsers import StatementFileError, parse_statement_file
from banking.services import statement_import

from .test_banking_support import CAMT, CASE_IBAN, CODA_FIRST, open_account


def coda_lines() -> list[str]:
    return CODA_FIRST.read_bytes().decode("windows-1252").split("\r\n")


def coda_with(index: int, start: int, text: str, encoding="windows-1252") -> bytes:
    lines = coda_lines()
    line = lines[index]
    lines[index] = line[:start] + text + line[start + len(text) :]
    return "\r\n".join(lines).encode(encoding)


def camt_with(old: str, new: str) -> bytes:
    content = CAMT.read_text(encoding="utf-8")
    assert old in content
    return content.replace(old, new, 1).encode("utf-8")


def refusal(content: bytes) -> str:
    with pytest.raises(StatementFileError) as exc:
        parse_statement_file(content)
    return exc.value.messages[0]


# Crashes turned into clear errors ---------------------------------------------------------------


def test_a_camt_entry_without_amount_names_the_element():
    content = camt_with('<Amt Ccy="EUR">1902.10</Amt>\n        <CdtDbtInd>', "<CdtDbtInd>")
    assert refusal(content) == "Élément <Ntry> (ligne 40) : le montant <Amt> manque."


def test_a_camt_balance_without_amount_names_the_element():
    content = camt_with('<Amt Ccy="EUR">2984.32</Amt>', "")
    assert refusal(content) == "Élément <Bal> (ligne 23) : le montant <Amt> manque."


# Currency ----------------------------------------------------------------------------------------


def test_a_camt_account_in_chf_is_refused():
    message = refusal(camt_with("<Ccy>EUR</Ccy>", "<Ccy>CHF</Ccy>"))
    assert message.startswith("Élément <Acct> (ligne 17) : compte en CHF")


def test_a_camt_entry_in_chf_is_refused():
    message = refusal(
        camt_with(
            '<Amt Ccy="EUR">1902.10</Amt>\n        <CdtDbtInd>',
            '<Amt Ccy="CHF">1902.10</Amt>\n        <CdtDbtInd>',
        )
    )
    assert message.startswith("Élément <Amt> (ligne 42) : montant en CHF")


def test_a_coda_statement_in_usd_is_refused():
    message = refusal(coda_with(1, 39, "USD"))
    assert message.startswith("Ligne 2, enregistrement 1 (ancien solde) : compte en « USD »")


@pytest.mark.django_db
def test_a_refused_currency_saves_nothing(world):
    open_account(world.case)
    with pytest.raises(StatementFileError):
        statement_import(
            organisation=world.org,
            content=coda_with(1, 39, "CHF"),
            file_name="chf.cod",
            by=world.mediator,
        )
    assert not StatementImport.objects.exists() and not Movement.objects.exists()


# Refusals a bank could send ---------------------------------------------------------------------


def test_a_wrong_trailer_count_with_agreeing_totals_imports_with_a_warning():
    parsed = parse_statement_file(coda_with(15, 16, "000099"))
    assert len(parsed.movements) == 7
    assert parsed.warnings == [
        "Ligne 16, enregistrement 9 (fin) : annonce 99 enregistrements, l'extrait en compte 14 ; "
        "les soldes et les totaux concordent, l'extrait est importé."
    ]


def test_a_wrong_trailer_total_is_still_refused():
    assert "les totaux annoncés" in refusal(coda_with(15, 22, "000000000653510"))


@pytest.mark.django_db
def test_the_trailer_warning_is_kept_with_the_import(world):
    open_account(world.case)
    result = statement_import(
        organisation=world.org,
        content=coda_with(15, 16, "000099"),
        file_name="count.cod",
        by=world.mediator,
    )
    assert any("annonce 99 enregistrements" in w for w in result.warnings)
    assert "annonce 99" in result.statement_import.warnings


def test_coda_saved_as_utf8_is_read_like_the_original():
    original = parse_statement_file(coda_with(2, 62, "SALAIRE FÉVRIER ÉCHU"))
    text = coda_with(2, 62, "SALAIRE FÉVRIER ÉCHU").decode("windows-1252")
    assert original.movements[0].communication.startswith("SALAIRE FÉVRIER ÉCHU")
    for content in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        parsed = parse_statement_file(content)
        assert [
            (m.identity, m.amount, m.counterparty_name, m.communication) for m in parsed.movements
        ] == [
            (m.identity, m.amount, m.counterparty_name, m.communication) for m in original.movements
        ]


def test_a_camt_account_under_othr_id_holding_an_iban_is_accepted():
    content = camt_with(f"<IBAN>{CASE_IBAN}</IBAN>", f"<Othr><Id>{CASE_IBAN}</Id></Othr>")
    parsed = parse_statement_file(content)
    assert parsed.statements[0].account_iban == CASE_IBAN
    assert [m.amount for m in parsed.movements] == [
        Decimal("1902.10"),
        Decimal("-650.00"),
        Decimal("120.00"),
    ]


def test_a_camt_account_under_othr_id_that_is_not_an_iban_is_refused():
    content = camt_with(f"<IBAN>{CASE_IBAN}</IBAN>", "<Othr><Id>123456789</Id></Othr>")
    assert "IBAN du compte invalide ou absent « 123456789 »" in refusal(content)
