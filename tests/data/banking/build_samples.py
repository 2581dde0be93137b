"""Rebuild the CODA sample files of this folder (run from the repository root):

    .venv/bin/python tests/data/banking/build_samples.py

The files are committed; this script documents how they were made. The accounts: the mediation
account of case NAM-2022-0042 (BE71 0961 2345 6769) and the general account of the CPAS
mediation service (BE45 0000 1711 0089), which is no case's account.
"""

import sys
from datetime import date
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from banking.coda_writer import CodaMovement, CodaStatement, write_coda  # noqa: E402

HERE = Path(__file__).parent
CASE_ACCOUNT = "BE71096123456769"
OFFICE_ACCOUNT = "BE45000017110089"
HOLDER = "LAMBERT S QQ MED DUBOIS M"

statement_12 = CodaStatement(
    iban=CASE_ACCOUNT,
    number=12,
    old_balance=D("1250.00"),
    statement_date=date(2026, 3, 5),
    holder_name=HOLDER,
    movements=[
        CodaMovement(
            D("1845.32"),
            date(2026, 3, 5),
            counterparty_name="BOULANGERIE HENRARD SRL",
            counterparty_iban="BE48001123456727",
            counterparty_bic="GEBABEBB",
            communication="SALAIRE FEVRIER 2026 DUBOIS MARIE",
            bank_reference="0503260001KB",
            transaction_code="00105000",
        ),
        CodaMovement(
            D("412.50"),
            date(2026, 3, 4),
            counterparty_name="CPAS DE NAMUR",
            counterparty_iban="BE75068234567851",
            counterparty_bic="GKCCBEBB",
            structured="101202400314",
            bank_reference="0503260002KB",
            transaction_code="00150000",
        ),
        CodaMovement(
            D("-650.00"),
            date(2026, 3, 5),
            counterparty_name="DUBOIS MARIE",
            counterparty_iban="BE02363345678940",
            counterparty_bic="BBRUBEBB",
            communication="PECULE DE MEDIATION MARS 2026",
            bank_reference="0503260003KB",
            transaction_code="00101000",
        ),
        CodaMovement(
            D("-3.50"),
            date(2026, 3, 5),
            communication="FRAIS DE GESTION DU COMPTE FEVRIER 2026",
            bank_reference="0503260004KB",
            transaction_code="08037000",
        ),
    ],
)

statement_31 = CodaStatement(
    iban=OFFICE_ACCOUNT,
    number=31,
    old_balance=D("5000.00"),
    statement_date=date(2026, 3, 5),
    holder_name="CPAS NAMUR SERV MEDIATION",
    description="Compte général",
    movements=[
        CodaMovement(
            D("120.00"),
            date(2026, 3, 5),
            counterparty_name="MUTUALITE CHRETIENNE",
            counterparty_iban="BE64310456789052",
            counterparty_bic="BBRUBEBB",
            structured="090933755493",
            bank_reference="0503260011BP",
        ),
        CodaMovement(
            D("75.00"),
            date(2026, 3, 5),
            counterparty_name="ENGIE ELECTRABEL",
            counterparty_iban="BE84679200000559",
            counterparty_bic="PCHQBEBB",
            communication="REMBOURSEMENT FACTURE DE REGULARISATION 2025",
            bank_reference="0503260012BP",
        ),
        CodaMovement(
            D("-25.00"),
            date(2026, 3, 5),
            communication="FRAIS DE TENUE DE COMPTE",
            bank_reference="0503260013BP",
            transaction_code="08037000",
        ),
    ],
)

statement_13 = CodaStatement(
    iban=CASE_ACCOUNT,
    number=13,
    old_balance=statement_12.new_balance,
    statement_date=date(2026, 3, 6),
    holder_name=HOLDER,
    movements=[
        CodaMovement(
            D("250.00"),
            date(2026, 3, 6),
            counterparty_name="FAMIWAL",
            counterparty_iban="BE80091123456777",
            communication="ALLOCATIONS FAMILIALES MARS 2026",
            bank_reference="0603260001KB",
        ),
        CodaMovement(
            D("-120.00"),
            date(2026, 3, 6),
            counterparty_name="PROXIMUS SA",
            counterparty_iban="BE15068987654330",
            structured="320004711846",
            bank_reference="0603260002KB",
            transaction_code="00101000",
        ),
    ],
)


def main() -> None:
    first = write_coda([statement_12, statement_31], created=date(2026, 3, 5), bic="GKCCBEBB")
    (HERE / "coda_20260305.cod").write_bytes(first)
    # The next day's file repeats statement 12 (overlap) and brings statement 13.
    second = write_coda([statement_12, statement_13], created=date(2026, 3, 6), bic="GKCCBEBB")
    (HERE / "coda_20260306_overlap.cod").write_bytes(second)
    # Malformed: the amount of the third movement of statement 12 is not numeric.
    lines = first.decode("windows-1252").split("\r\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("2100030000"))
    lines[index] = lines[index][:32] + "00000000065O000" + lines[index][47:]
    (HERE / "coda_malformed.cod").write_bytes("\r\n".join(lines).encode("windows-1252"))


if __name__ == "__main__":
    main()
