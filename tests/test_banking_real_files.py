"""Public sample statement files (``tests/data/banking/real/``, origins and licences in its
README): each is parsed with exact amounts and re-imported as a no-op, or refused whole for a
stated reason — never a traceback, never a movement posted from a refused file."""

from decimal import Decimal
from pathlib import Path

import pytest

from banking.models import Movement, StatementImport
from banking.parsers import StatementFileError, parse_statement_file
from banking.services import statement_import

REAL = Path(__file__).parent / "data" / "banking" / "real"

SEK = "montant en SEK : seuls les relevés en euros (EUR) sont importés"
REFUSED = {
    "coda_standard-coda.cod": "Ligne 2, enregistrement 1 (ancien solde) : numéro de compte "
    "invalide « 539007547034 ».",
    "coda_standard-invalid.cod": "numéro de compte invalide « 539007547034 »",
    "genkgo-camt053.v2.all-balance-types.xml": "le solde de clôture 4.04 ne correspond pas au "
    "solde d'ouverture 1.01",
    "genkgo-camt053.v2.five.decimals.xml": "le solde de clôture 27.05 ne correspond pas au "
    "solde d'ouverture 18.15 augmenté des écritures (27.00)",
    "genkgo-camt053.v2.minimal.xml": SEK,
    "genkgo-camt053.v2.minimal.ultimate.xml": SEK,
    "genkgo-camt053.v2.with-party-ids.xml": SEK,
    "genkgo-camt053.v3.xml": SEK,
    "genkgo-camt053.v4.xml": SEK,
    "genkgo-camt053.v8.xml": SEK,
    "genkgo-camt053.v2.with-account-name.xml": "Élément <Amt> (ligne 23) : montant en JPY",
    "genkgo-camt053.v2.wrong.xml": "aucun relevé <Stmt> dans <BkToCstmrStmt>",
    "subite-LT625883379695428516_2024-03-07.xml": "Élément <Bal> (ligne 2) : l'indicateur "
    "crédit/débit <CdtDbtInd> manque.",
}
PARSED = {
    "genkgo-camt053.v2.multi.statement.xml": [Decimal("8.85"), Decimal("-7.00")],
}


def test_every_shipped_file_is_covered():
    shipped = {p.name for p in REAL.iterdir() if p.name != "README.md"}
    assert shipped == set(REFUSED) | set(PARSED)
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    for name in shipped:
        assert name.split(".")[0].split("-")[0] in readme


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_for_a_stated_reason(name):
    with pytest.raises(StatementFileError) as exc:
        parse_statement_file((REAL / name).read_bytes())
    assert REFUSED[name] in exc.value.messages[0]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_file_saves_nothing(world, name):
    with pytest.raises(StatementFileError):
        statement_import(
            organisation=world.org,
            content=(REAL / name).read_bytes(),
            file_name=name,
            by=world.mediator,
        )
    assert not StatementImport.objects.exists() and not Movement.objects.exists()


@pytest.mark.parametrize("name", sorted(PARSED))
def test_parsed_with_exact_amounts_and_reimported_as_a_no_op(world, name):
    content = (REAL / name).read_bytes()
    assert [m.amount for m in parse_statement_file(content).movements] == PARSED[name]
    first = statement_import(
        organisation=world.org, content=content, file_name=name, by=world.mediator
    )
    assert first.summary["movements"] == len(PARSED[name])
    assert first.summary["duplicates"] == 0
    stored = sorted(Movement.objects.values_list("amount", flat=True))
    assert stored == sorted(PARSED[name])
    again = statement_import(
        organisation=world.org, content=content, file_name=name, by=world.mediator
    )
    assert again.summary == {
        "movements": len(PARSED[name]),
        "posted": 0,
        "duplicates": len(PARSED[name]),
        "unmatched": 0,
    }
    assert Movement.objects.count() == len(PARSED[name])
