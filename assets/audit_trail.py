"""The assets app's records whose creations, changes and deletions go to the audit trail
(issue 13; ``audit.tracking``), with the user who made them and the values before and after."""

from audit.tracking import track

from .models import Asset, SecuredClaim


def register() -> None:
    track(Asset)
    track(SecuredClaim, case="asset.case")  # the asset a mortgage rank is secured on
