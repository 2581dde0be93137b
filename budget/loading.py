"""Load the shipped legal rows (``budget/data/living_allowance.json``) into the database."""

from budget.allowance import DATA_FILE, rows_from_json


def load_shipped_rows(scale_model, ris_model) -> tuple[int, int]:
    """Insert the shipped rows whose id is not in the database yet; never overwrite a row an
    administrator may have corrected. Returns (added, already present). The models are
    parameters so that a data migration can pass its historical models."""
    import json

    scales, ris = rows_from_json(json.loads(DATA_FILE.read_text(encoding="utf-8")))
    existing = set(scale_model.objects.values_list("row_id", flat=True)) | set(
        ris_model.objects.values_list("row_id", flat=True)
    )
    added = 0
    for row in scales:
        if row.id in existing:
            continue
        e2, e3, e4 = row.earned_rates
        r2, r3, r4 = row.replacement_rates
        l1, l2, l3, l4 = row.limits
        scale_model.objects.create(
            row_id=row.id,
            effective_from=row.effective_from,
            limit_1=l1,
            limit_2=l2,
            limit_3=l3,
            limit_4=l4,
            earned_rate_2=e2,
            earned_rate_3=e3,
            earned_rate_4=e4,
            replacement_rate_2=r2,
            replacement_rate_3=r3,
            replacement_rate_4=r4,
            child_reduction=row.child_reduction,
            note=row.note,
            source=row.source,
            shipped=True,
        )
        added += 1
    for row in ris:
        if row.id in existing:
            continue
        ris_model.objects.create(
            row_id=row.id,
            category=row.category.value,
            effective_from=row.effective_from,
            amount=row.amount,
            source=row.source,
            shipped=True,
        )
        added += 1
    return added, len(scales) + len(ris) - added
