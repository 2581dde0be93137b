"""The letters app's records whose creations, changes and deletions go to the audit trail
(issue 13; ``audit.tracking``), with the user who made them and the values before and after."""

from audit.tracking import track

from .models import Letter, LetterTemplate


def register() -> None:
    track(LetterTemplate, case=None, organisation="organisation_id")
    track(Letter)
