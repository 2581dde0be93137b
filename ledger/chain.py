"""The mediation account's hash chain: each entry carries the sha256 of the previous entry's
hash and of its own legal content, so a changed or removed entry breaks the chain (the PDF of the
journal ends with its verification). Pure Python: used by the service that posts an entry and
by the selector that verifies an account.
"""

import hashlib
from datetime import date
from decimal import Decimal
from typing import Protocol

GENESIS_HASH = "0" * 64


class EntryContent(Protocol):
    """What the hash covers: ``ledger.services.EntryData`` before posting, ``Entry`` after."""

    value_date: date
    direction: str
    amount: Decimal
    category: str
    counterparty: str
    counterparty_iban: str
    communication: str
    standing_order: bool
    creditor_id: int | None
    authorisation: str
    bank_reference: str


def entry_hash(previous_hash: str, account_id: int, sequence: int, data: EntryContent) -> str:
    """sha256 over the previous hash and the entry's legal content (canonical text)."""
    canonical = "|".join(
        [
            previous_hash,
            str(account_id),
            str(sequence),
            data.value_date.isoformat(),
            data.direction,
            f"{data.amount:.2f}",
            data.category,
            data.counterparty,
            data.counterparty_iban,
            data.communication,
            "1" if data.standing_order else "0",
            str(data.creditor_id or ""),
            data.authorisation,
            data.bank_reference,
        ]
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
