"""The legal data of the fees app, as :mod:`core.legal_data` datasets: the tariff rows
(``fees/data/tariffs.json``) and the legal amounts (``fees/data/legal_amounts.json``).

Those files are what the application ships today: the cumulative result of the releases in
``fees/data/releases/``, which migrations apply (``core.legal_data``; a test proves they agree).
To ship new or corrected rows: edit the file, then ``manage.py legal_release fees NAME``.
"""

import json
from datetime import date
from decimal import Decimal
from typing import Any

from core.legal_data import LegalData, LegalDataset
from fees.tariffs import DATA_FILE, rows_from_json

LEGAL_AMOUNTS_FILE = DATA_FILE.parent / "legal_amounts.json"
LEGAL_AMOUNTS_FORMAT = "rcd-legal-amounts/1"


def shipped_tariff_rows() -> list[dict[str, Any]]:
    """The rows of ``tariffs.json`` as ``TariffRowRecord`` field values."""
    rows = rows_from_json(json.loads(DATA_FILE.read_text(encoding="utf-8")))
    return [
        {
            "row_id": row.id,
            "key": row.key,
            "effective_from": row.effective_from,
            "amount": row.amount,
            "source": row.source,
        }
        for row in rows
    ]


def shipped_legal_amount_rows() -> list[dict[str, Any]]:
    """The rows of ``legal_amounts.json`` as ``LegalAmount`` field values."""
    document = json.loads(LEGAL_AMOUNTS_FILE.read_text(encoding="utf-8"))
    if document.get("format") != LEGAL_AMOUNTS_FORMAT:
        raise ValueError(f"{LEGAL_AMOUNTS_FILE.name}: format attendu {LEGAL_AMOUNTS_FORMAT!r}")
    rows = []
    for raw in document["rows"]:
        if not raw.get("source"):
            raise ValueError(f"{LEGAL_AMOUNTS_FILE.name}: {raw.get('key')} sans source")
        rows.append(
            {
                "key": raw["key"],
                "effective_from": date.fromisoformat(raw["effective_from"]),
                "amount": Decimal(raw["amount"]),
                "source": raw["source"],
            }
        )
    return rows


LEGAL_DATA = LegalData(
    app_label="fees",
    load_command="load_tariffs",
    datasets=(
        LegalDataset(
            model="TariffRowRecord",
            identity=("row_id",),
            label="tariff rows",
            shipped_file=DATA_FILE,
            shipped_rows=shipped_tariff_rows,
            check_id="fees.W001",
        ),
        LegalDataset(
            model="LegalAmount",
            identity=("key", "effective_from"),
            label="legal amounts",
            shipped_file=LEGAL_AMOUNTS_FILE,
            shipped_rows=shipped_legal_amount_rows,
            check_id="fees.W002",
        ),
    ),
)
