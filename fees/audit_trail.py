"""The fees app's records whose creations, changes and deletions go to the audit trail
(issue 13; ``audit.tracking``), with the user who made them and the values before and after."""

from audit.tracking import track

from .models import (
    FeeStatement,
    JustRestartInvoice,
    LegalAmount,
    Service,
    StateIntervention,
    TariffRowRecord,
    TaxationOrder,
)


def register() -> None:
    track(Service)
    track(FeeStatement)
    track(TaxationOrder, case="statement.case")
    track(StateIntervention)
    track(JustRestartInvoice)
    # Legal rows an administrator may add or correct (no case, no organisation).
    track(TariffRowRecord, case=None)
    track(LegalAmount, case=None)
