"""Write services of the fees app (keyword-only, typed, atomic; French ``ValidationError``s keyed
by field), one module per job:

- ``billable``: billable acts (prestations), fees.md §6;
- ``statements``: fee statements, computed, saved, filed (fees.md §8);
- ``taxation``: taxation orders, the amount the judge allowed (fees.md §8);
- ``state``: state intervention (SPF Economie) requests and their status (fees.md §9);
- ``justrestart``: the JustRestart fee invoices and their payment (fees.md §2, §4);
- ``drafts``, ``batches``: the draft statement of the year ended, one case or all in bulk.

The legal computation stays in the pure engine (``fees.engine``); ``fees.facts`` reads its facts.
"""

from .batches import draft_batch_request
from .billable import (
    POSTAGE_KINDS,
    SINGLE_OCCURRENCE_KINDS,
    RecordedServices,
    money_error,
    service_delete,
    service_record,
    service_validate,
)
from .drafts import draft_batch_build, fee_statement_draft_for_year, year_ended_at
from .justrestart import justrestart_invoice_for_duty, justrestart_invoice_mark_paid
from .state import (
    INTERVENTION_TRANSITIONS,
    intervention_prepare,
    intervention_set_status,
)
from .statements import (
    build_statement,
    engine_error,
    statement_create,
    statement_delete,
    statement_file,
    statement_file_check,
    statement_recompute,
)
from .taxation import (
    implied_total,
    taxation_order_record,
)

__all__ = [
    "INTERVENTION_TRANSITIONS",
    "POSTAGE_KINDS",
    "RecordedServices",
    "SINGLE_OCCURRENCE_KINDS",
    "build_statement",
    "draft_batch_build",
    "draft_batch_request",
    "fee_statement_draft_for_year",
    "justrestart_invoice_for_duty",
    "justrestart_invoice_mark_paid",
    "year_ended_at",
    "engine_error",
    "implied_total",
    "intervention_prepare",
    "intervention_set_status",
    "money_error",
    "statement_file_check",
    "service_delete",
    "service_record",
    "service_validate",
    "statement_create",
    "statement_delete",
    "statement_file",
    "statement_recompute",
    "taxation_order_record",
]
