"""Bank statements in: a CODA or CAMT file is read, its movements stored once per organisation
and matched to cases (``matching``), then posted to the journals through the ledger's services."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from core.dates import format_datetime
from core.money import format_eur
from ledger.models import Account

from ..models import (
    Movement,
    StatementImport,
)
from ..parsers import ParsedFile, ParsedMovement, parse_statement_file
from .matching import match_and_post

MAX_UPLOAD_BYTES = 10 * 2**20


@dataclass
class ImportResult:
    statement_import: StatementImport
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return self.statement_import.summary


def statement_import(
    *,
    organisation: Organisation,
    content: bytes,
    file_name: str,
    by: User | None,
    today: date | None = None,
) -> ImportResult:
    """Import a CODA or CAMT.053 file. A malformed file raises ``ValidationError`` naming the
    record (line) or element at fault, and nothing is saved nor posted."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(mb)s Mo.")
            % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    parsed = parse_statement_file(content)  # raises before anything is written
    return _import_parsed(
        organisation=organisation,
        parsed=parsed,
        file_name=file_name,
        file_hash=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        by=by,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def _import_parsed(
    *,
    organisation: Organisation,
    parsed: ParsedFile,
    file_name: str,
    file_hash: str,
    file_size: int,
    by: User | None,
    today: date,
) -> ImportResult:
    # One import at a time per organisation: identities are checked then inserted.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    warnings: list[str] = []
    earlier = (
        StatementImport.objects.filter(organisation=organisation, file_hash=file_hash)
        .order_by("imported_at")
        .first()
    )
    if earlier:
        warnings.append(
            _("Ce fichier a déjà été importé le %(date)s : ses mouvements sont déjà connus.")
            % {"date": format_datetime(timezone.localtime(earlier.imported_at))}
        )
    warnings.extend(parsed.warnings)
    record = StatementImport.objects.create(
        organisation=organisation,
        file_name=(file_name or "")[-255:],
        file_hash=file_hash,
        file_size=file_size,
        format=parsed.format,
        statement_count=len(parsed.statements),
        imported_by=by,
    )
    movements = parsed.movements
    known = set(
        Movement.objects.filter(
            organisation=organisation,
            identity__in=[m.identity for m in movements]
            + [m.total_identity for m in movements if m.total_identity],
        ).values_list("identity", flat=True)
    )
    counts = {"movements": len(movements), "posted": 0, "duplicates": 0, "unmatched": 0}
    for parsed_movement in movements:
        if parsed_movement.identity in known or parsed_movement.total_identity in known:
            counts["duplicates"] += 1
            continue
        known.add(parsed_movement.identity)
        movement = _movement_create(organisation, record, parsed_movement)
        outcome = match_and_post(movement, by=by, today=today)
        counts[outcome] += 1
    warnings.extend(_balance_warnings(organisation, parsed))
    record.movement_count = counts["movements"]
    record.posted_count = counts["posted"]
    record.duplicate_count = counts["duplicates"]
    record.unmatched_count = counts["unmatched"]
    record.warnings = "\n".join(warnings)
    record.save(
        update_fields=[
            "movement_count",
            "posted_count",
            "duplicate_count",
            "unmatched_count",
            "warnings",
        ]
    )
    return ImportResult(statement_import=record, warnings=warnings)


def _movement_create(
    organisation: Organisation, record: StatementImport, parsed: ParsedMovement
) -> Movement:
    return Movement.objects.create(
        organisation=organisation,
        statement_import=record,
        identity=parsed.identity,
        account_iban=parsed.account_iban[:34],
        statement_number=parsed.statement_number[:35],
        sequence=parsed.sequence[:35],
        bank_reference=parsed.bank_reference[:70],
        value_date=parsed.value_date,
        booking_date=parsed.booking_date,
        amount=parsed.amount,
        counterparty_name=parsed.counterparty_name[:200],
        counterparty_iban=parsed.counterparty_iban[:34],
        counterparty_bic=parsed.counterparty_bic[:11],
        communication=parsed.communication[:500],
        structured_communication=parsed.structured_communication,
        end_to_end_id=parsed.end_to_end_id[:35],
        reversal=parsed.reversal,
    )


def _balance_warnings(organisation: Organisation, parsed: ParsedFile) -> list[str]:
    """The journal balance of a case account against the last statement of the file."""
    last: dict[str, object] = {}
    for statement in parsed.statements:
        if statement.new_balance is None:
            continue
        current = last.get(statement.account_iban)
        if current is None or (statement.new_balance_date or date.min) >= (
            current.new_balance_date or date.min
        ):
            last[statement.account_iban] = statement
    warnings = []
    for iban, statement in last.items():
        account = (
            Account.objects.filter(iban=iban, case__organisation=organisation)
            .select_related("case")
            .first()
        )
        if account is None:
            continue
        account.refresh_from_db(fields=["balance"])
        if account.balance != statement.new_balance:
            warnings.append(
                _(
                    "Dossier %(case)s : le solde du journal (%(journal)s) diffère du solde de "
                    "l'extrait n° %(number)s (%(bank)s). Des extraits précédents ou des "
                    "mouvements à imputer manquent peut-être."
                )
                % {
                    "case": account.case.reference,
                    "journal": format_eur(account.balance),
                    "number": statement.number,
                    "bank": format_eur(statement.new_balance),
                }
            )
    return warnings


# The unmatched queue ----------------------------------------------------------------------------
