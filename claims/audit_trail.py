"""The claims app's records whose creations, changes and deletions go to the audit trail
(issue 13; ``audit.tracking``), with the user who made them and the values before and after."""

from audit.tracking import track

from .models import Creditor, KnownCreditor, Representation, Representative


def register() -> None:
    # The organisation's creditor directory (claims themselves: claims.services).
    track(Creditor, case=None, organisation="organisation_id")
    track(Representative, case=None, organisation="organisation_id")
    track(Representation)
    track(KnownCreditor)
