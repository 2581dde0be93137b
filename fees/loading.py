"""Load the shipped tariff rows (``fees/data/tariffs.json``) into the database."""

from fees.tariffs import DATA_FILE, rows_from_json


def load_shipped_tariffs(record_model) -> tuple[int, int]:
    """Insert the shipped rows whose id is not in the database yet; never overwrite a row an
    administrator may have completed (e.g. the start date of the pre-2018 rows).
    Returns (added, already present). ``record_model`` lets a data migration pass its
    historical model."""
    import json

    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    rows = rows_from_json(document)
    existing = set(record_model.objects.values_list("row_id", flat=True))
    added = 0
    for row in rows:
        if row.id in existing:
            continue
        record_model.objects.create(
            row_id=row.id,
            key=row.key,
            effective_from=row.effective_from,
            amount=row.amount,
            source=row.source,
            shipped=True,
        )
        added += 1
    return added, len(rows) - added


LEGAL_AMOUNTS_FILE = DATA_FILE.parent / "legal_amounts.json"
LEGAL_AMOUNTS_FORMAT = "rcd-legal-amounts/1"


def load_shipped_legal_amounts(record_model) -> tuple[int, int]:
    """Insert the rows of ``fees/data/legal_amounts.json`` missing from the database (by key and
    start date); never overwrite a row. Returns (added, already present)."""
    import json
    from datetime import date
    from decimal import Decimal

    document = json.loads(LEGAL_AMOUNTS_FILE.read_text(encoding="utf-8"))
    if document.get("format") != LEGAL_AMOUNTS_FORMAT:
        raise ValueError(f"{LEGAL_AMOUNTS_FILE.name}: format attendu {LEGAL_AMOUNTS_FORMAT!r}")
    added = present = 0
    for raw in document["rows"]:
        _row, created = record_model.objects.get_or_create(
            key=raw["key"],
            effective_from=date.fromisoformat(raw["effective_from"]),
            defaults={"amount": Decimal(raw["amount"]), "source": raw["source"], "shipped": True},
        )
        added += created
        present += not created
    return added, present
