"""The legal data of the budget app, as :mod:`core.legal_data` datasets: the art. 1409 C.J.
brackets and the integration income (``budget/data/living_allowance.json``).

That file is what the application ships today: the cumulative result of the releases in
``budget/data/releases/``, which migrations apply (``core.legal_data``; a test proves they
agree). To ship new or corrected rows: edit the file, then ``manage.py legal_release budget
NAME``.
"""

import json
from typing import Any

from budget.allowance import DATA_FILE, rows_from_json
from core.legal_data import LegalData, LegalDataset


def _shipped() -> tuple[list, list]:
    return rows_from_json(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def shipped_scale_rows() -> list[dict[str, Any]]:
    """The art. 1409 brackets of the file as ``SeizureScaleRecord`` field values."""
    rows = []
    for row in _shipped()[0]:
        e2, e3, e4 = row.earned_rates
        r2, r3, r4 = row.replacement_rates
        l1, l2, l3, l4 = row.limits
        rows.append(
            {
                "row_id": row.id,
                "effective_from": row.effective_from,
                "limit_1": l1,
                "limit_2": l2,
                "limit_3": l3,
                "limit_4": l4,
                "earned_rate_2": e2,
                "earned_rate_3": e3,
                "earned_rate_4": e4,
                "replacement_rate_2": r2,
                "replacement_rate_3": r3,
                "replacement_rate_4": r4,
                "child_reduction": row.child_reduction,
                "note": row.note,
                "source": row.source,
            }
        )
    return rows


def shipped_integration_income_rows() -> list[dict[str, Any]]:
    """The integration income of the file as ``IntegrationIncomeRecord`` field values."""
    return [
        {
            "row_id": row.id,
            "category": row.category.value,
            "effective_from": row.effective_from,
            "amount": row.amount,
            # only when set: the rows released before the field existed stay as they were
            **({"valid_until": row.valid_until} if row.valid_until else {}),
            "source": row.source,
        }
        for row in _shipped()[1]
    ]


LEGAL_DATA = LegalData(
    app_label="budget",
    load_command="load_allowance_rows",
    datasets=(
        LegalDataset(
            model="SeizureScaleRecord",
            identity=("row_id",),
            label="art. 1409 brackets",
            shipped_file=DATA_FILE,
            shipped_rows=shipped_scale_rows,
            check_id="budget.W001",
        ),
        LegalDataset(
            model="IntegrationIncomeRecord",
            identity=("row_id",),
            label="integration income rows",
            shipped_file=DATA_FILE,
            shipped_rows=shipped_integration_income_rows,
            check_id="budget.W002",
        ),
    ),
)
