"""The codes and terms of the fees app's duties in the case's legal calendar (their kinds are
in ``fees.duties``); the services that start or settle a clock import them from here."""

from datetime import timedelta

from django.utils import timezone

from agenda.registry import DutySpec

from .models import FeeStatement

JUSTRESTART_FEE = "justrestart_fee"
TAXATION_ORDER_AWAITED = "taxation_order_awaited"
FEE_STATEMENT_DRAFT = "fee_statement_draft"

# No statute gives the judge a time limit to tax a statement. Thirty days after filing is the
# reminder we chose: the taxation is usually made on the documents within a few weeks, and past
# a month the mediator should ask the clerk (an unpaid fee blocks nothing else, so a longer term
# would only hide a lost file). The same term as the JustRestart invoice keeps one rhythm.
TAXATION_AWAITED_DAYS = 30
# The draft of the year ended is to be checked with the annual report, within a month.
DRAFT_CHECK_DAYS = 30


def statement_subject(statement: FeeStatement) -> str:
    return f"statement:{statement.pk}"


def taxation_awaited_spec(statement: FeeStatement) -> DutySpec:
    filed_on = timezone.localdate(statement.filed_at)
    return DutySpec(
        kind=TAXATION_ORDER_AWAITED,
        due_date=filed_on,
        subject=statement_subject(statement),
        deadline=filed_on + timedelta(days=TAXATION_AWAITED_DAYS),
        data={"statement": statement.pk, "period": statement.period_label},
    )
