"""The banking app's records whose creations, changes and deletions go to the audit trail
(issue 13; ``audit.tracking``), with the user who made them and the values before and after."""

from audit.tracking import track

from .models import CaseCommunication, MatchingRule, Payment, PaymentBatch


def register() -> None:
    track(MatchingRule, organisation="organisation_id")
    track(CaseCommunication, organisation="organisation_id")
    track(PaymentBatch)
    track(Payment)
