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
