"""Bank statements in and SEPA payments out (issue 4). Keyword-only, typed, atomic services;
business refusals are ``ValidationError``s with French messages. One module per job:

- ``statements``: a CODA or CAMT file is read and its movements stored once per organisation;
- ``matching``: each movement is matched to a case and posted, or left for the mediator to
  assign, ignore or turn into a rule; the case's structured communication;
- ``payments``: payments prepared, approved in a SEPA batch, executed or cancelled;
- ``allowance``: the living allowance's planned payments, from the budget's schedule.

Posting to a case's journal goes through ``ledger.services.entry_post`` only, and once:

- an imported movement carries its identity as the entry's ``bank_reference`` (unique per
  account in the database) and is stored once per organisation, so re-importing the same or an
  overlapping file posts nothing twice;
- a prepared payment holds the entry it posted: marking its batch executed posts the payments
  that have no entry yet, and a statement movement matched to a payment posts only when the
  payment has none — whichever comes first posts, the other only links.
"""

from .allowance import (
    NOTHING_TO_PREPARE,
    AllowanceRun,
    allowance_payments_prepare,
    allowance_payments_prepare_all,
    run_month,
)
from .matching import (
    AssignData,
    case_communication,
    case_communication_set,
    movement_assign,
    movement_ignore,
    rule_deactivate,
)
from .payments import (
    PaymentData,
    batch_approve,
    batch_cancel,
    batch_execute,
    payment_cancel,
    payment_prepare,
)
from .statements import (
    BACKGROUND_FROM_MOVEMENTS,
    MAX_UPLOAD_BYTES,
    ImportResult,
    movement_estimate,
    statement_import,
    statement_upload_request,
    statement_upload_run,
)

__all__ = [
    "BACKGROUND_FROM_MOVEMENTS",
    "MAX_UPLOAD_BYTES",
    "NOTHING_TO_PREPARE",
    "AllowanceRun",
    "AssignData",
    "ImportResult",
    "PaymentData",
    "allowance_payments_prepare",
    "allowance_payments_prepare_all",
    "batch_approve",
    "batch_cancel",
    "batch_execute",
    "case_communication",
    "case_communication_set",
    "movement_assign",
    "movement_ignore",
    "payment_cancel",
    "payment_prepare",
    "rule_deactivate",
    "run_month",
    "movement_estimate",
    "statement_import",
    "statement_upload_request",
    "statement_upload_run",
]
