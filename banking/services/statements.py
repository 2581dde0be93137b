"""Bank statements in: a CODA or CAMT file is read, its movements stored once per organisation
and matched to cases (``matching``), then posted to the journals through the ledger's services."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation, User
from core.dates import format_datetime
from core.money import format_eur
from ledger.models import Account

from ..models import (
    Movement,
    StatementBalance,
    StatementImport,
    StatementUpload,
)
from ..parsers import ParsedFile, ParsedMovement, detect_format, parse_statement_file
from .matching import FileMatcher, ImportPoster

MAX_UPLOAD_BYTES = 10 * 2**20
# A file announcing more movements than this is imported in the background (Celery), with a
# progress bar; a smaller one at once.
BACKGROUND_FROM_MOVEMENTS = 500
PROGRESS_EVERY = 100  # movements between two progress reports

Progress = Callable[[int, int], None]  # (movements done, movements in the file)


@dataclass
class ImportResult:
    statement_import: StatementImport
    warnings: list[str] = field(default_factory=list)
    # When the same file (same hash) was imported before: the first import's time. The caller
    # then says so in ONE message (``already_imported_message``) instead of "imported" (issue 16).
    already_imported_at: datetime | None = None

    @property
    def summary(self) -> dict[str, int]:
        return self.statement_import.summary

    @property
    def new_movement_count(self) -> int:
        """Movements this import added (those of the file not already known)."""
        record = self.statement_import
        return record.movement_count - record.duplicate_count

    def already_imported_message(self) -> str:
        """ "Already imported on …, N new movements": empty when the file is new."""
        if self.already_imported_at is None:
            return ""
        when = format_datetime(timezone.localtime(self.already_imported_at))
        count = self.new_movement_count
        if not count:
            return _(
                "Ce fichier a déjà été importé le %(date)s : cet import n'a ajouté aucun "
                "nouveau mouvement."
            ) % {"date": when}
        return ngettext(
            "Ce fichier a déjà été importé le %(date)s : cet import a ajouté %(count)s nouveau "
            "mouvement.",
            "Ce fichier a déjà été importé le %(date)s : cet import a ajouté %(count)s nouveaux "
            "mouvements.",
            count,
        ) % {"date": when, "count": count}


def statement_import(
    *,
    organisation: Organisation,
    content: bytes,
    file_name: str,
    by: User | None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a CODA or CAMT.053 file. A malformed file raises ``ValidationError`` naming the
    record (line) or element at fault, and nothing is saved nor posted. ``progress`` is told
    every ``PROGRESS_EVERY`` movements how far the import is."""
    _check_size(content)
    parsed = parse_statement_file(content)  # raises before anything is written
    return _import_parsed(
        organisation=organisation,
        parsed=parsed,
        file_name=file_name,
        file_hash=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        by=by,
        today=today or timezone.localdate(),
        progress=progress,
    )


def _check_size(content: bytes) -> None:
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(mb)s Mo.")
            % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )


def movement_estimate(content: bytes) -> int:
    """How many movements a file announces (CODA records 2.1, CAMT entries), counted without
    reading it: enough to choose between an import at once and one in the background."""
    coda = content.count(b"\n21") + (1 if content.startswith(b"21") else 0)
    return coda + content.count(b"<Ntry>") + content.count(b":Ntry>")


@transaction.atomic
def statement_upload_request(
    *,
    organisation: Organisation,
    content: bytes,
    file_name: str,
    by: User,
    enqueue: Callable[[int, str], object],
) -> StatementUpload:
    """Record a large file to import in the background: ``enqueue(upload_id, task_id)`` is
    called once the record is committed (the view passes the Celery task). The file's format
    and size are checked now; the rest of its reading by the import itself."""
    _check_size(content)
    detect_format(content)
    upload = StatementUpload.objects.create(
        organisation=organisation,
        uploaded_by=by,
        file_name=(file_name or "")[-255:],
        content=content,
        movement_estimate=movement_estimate(content),
        task_id=uuid.uuid4().hex,
    )
    transaction.on_commit(lambda: enqueue(upload.pk, upload.task_id))
    return upload


def statement_upload_run(*, upload_id: int, progress: Progress | None = None) -> StatementUpload:
    """Import a recorded upload (the Celery task): done with its import, or failed with the
    reason (a malformed file: the record or element at fault). Run twice, it does nothing."""
    with transaction.atomic():
        upload = StatementUpload.objects.select_for_update().get(pk=upload_id)
        if upload.state != StatementUpload.State.PENDING:
            return upload
        upload.state = StatementUpload.State.RUNNING
        upload.save(update_fields=["state"])
    try:
        result = statement_import(
            organisation=upload.organisation,
            content=bytes(upload.content),
            file_name=upload.file_name,
            by=upload.uploaded_by,
            progress=progress,
        )
    except ValidationError as exc:
        upload.state = StatementUpload.State.FAILED
        upload.error = "\n".join(exc.messages)
    else:
        upload.state = StatementUpload.State.DONE
        upload.statement_import = result.statement_import
        upload.content = b""
    upload.finished_at = timezone.now()
    upload.save(update_fields=["state", "error", "statement_import", "content", "finished_at"])
    return upload


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
    progress: Progress | None = None,
) -> ImportResult:
    # One import at a time per organisation: identities are checked then inserted.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    warnings: list[str] = []
    earlier = (
        StatementImport.objects.filter(organisation=organisation, file_hash=file_hash)
        .order_by("imported_at")
        .first()
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
    new = [m for m in movements if m.identity not in known and m.total_identity not in known]
    files = FileMatcher(organisation, new)  # what matching reads, once for the file
    poster = ImportPoster(files, by=by, today=today)  # posts and writes them by the thousand
    for done, parsed_movement in enumerate(movements):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(movements))
        if parsed_movement.identity in known or parsed_movement.total_identity in known:
            counts["duplicates"] += 1
            continue
        known.add(parsed_movement.identity)
        poster.add(_movement_build(organisation, record, parsed_movement))
    poster.flush()
    for outcome, count in poster.counts.items():
        counts[outcome] += count
    if progress is not None:
        progress(len(movements), len(movements))
    _record_balances(organisation, record, parsed)
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
    return ImportResult(
        statement_import=record,
        warnings=warnings,
        already_imported_at=earlier.imported_at if earlier else None,
    )


def _movement_build(
    organisation: Organisation, record: StatementImport, parsed: ParsedMovement
) -> Movement:
    """The movement, not saved yet: matching writes it once, with its outcome."""
    return Movement(
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
        returned=parsed.returned,
        return_reason=parsed.return_reason[:4],
        batch_reference=parsed.batch_reference[:35],
        batch_count=parsed.batch_count,
    )


def _record_balances(
    organisation: Organisation, record: StatementImport, parsed: ParsedFile
) -> None:
    """Keep each statement's closing balance (with its date): the journal is checked against
    the last one before a document goes to court (issue 12)."""
    StatementBalance.objects.bulk_create(
        StatementBalance(
            organisation=organisation,
            statement_import=record,
            account_iban=statement.account_iban[:34],
            statement_number=(statement.number or "")[:35],
            closing_balance=statement.new_balance,
            closing_date=statement.new_balance_date,
        )
        for statement in parsed.statements
        if statement.new_balance is not None and statement.new_balance_date is not None
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
