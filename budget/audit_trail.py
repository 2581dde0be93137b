"""The budget app's records whose creations, changes and deletions go to the audit trail
(issue 13; ``audit.tracking``), with the user who made them and the values before and after."""

from audit.tracking import track

from .models import (
    AllowanceDecision,
    BudgetVersion,
    ChargeLine,
    IncomeLine,
    IntegrationIncomeRecord,
    SeizureScaleRecord,
)


def register() -> None:
    track(BudgetVersion)
    track(IncomeLine, case="version.case")
    track(ChargeLine, case="version.case")
    track(AllowanceDecision, case="version.case")
    # Legal rows an administrator may add or correct (no case, no organisation).
    track(IntegrationIncomeRecord, case=None)
    track(SeizureScaleRecord, case=None)
