"""The contacts app's records whose creations, changes and deletions go to the audit trail
(issue 13; ``audit.tracking``), with the user who made them and the values before and after."""

from audit.tracking import track

from .models import ContactEntry, ThirdParty


def register() -> None:
    # Recorded, updated, follow-up done or reopened (contacts.services, with ``by``).
    track(ContactEntry)
    # The case's employers, benefit payers, bank and bailiffs (letters to third parties).
    track(ThirdParty)
