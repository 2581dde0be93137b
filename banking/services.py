"""Bank statements in and SEPA payments out (issue 4). Keyword-only, typed, atomic services;
business refusals are ``ValidationError``s with French messages.

Posting to a case's journal goes through ``ledger.services.entry_post`` only, and once:

- an imported movement carries its identity as the entry's ``bank_reference`` (unique per
  account in the database) and is stored once per organisation, so re-importing the same or an
  overlapping file posts nothing twice;
- a prepared payment holds the entry it posted: marking its batch executed posts the payments
  that have no entry yet, and a statement movement matched to a payment posts only when the
  payment has none — whichever comes first posts, the other only links.
"""

from __future__ import annotations

import hashlib
from calendar import monthrange
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum.be import iban as be_iban

from accounts.models import Organisation, User
from budget.models import AllowanceDecision
from budget.selectors import living_allowance_schedule
from cases.models import Case
from cases.status import ACTIVE_STATUSES
from claims.models import Claim, ClaimStatus, Creditor
from core.money import format_eur
from ledger.models import Account, Category, Direction, Entry
from ledger.services import FUTURE_HORIZON, EntryData, account_open, entry_post

from . import selectors
from .communications import make_structured, structured_digits
from .models import (
    RULE_CATEGORIES,
    BatchStatus,
    CaseCommunication,
    MatchingRule,
    MatchMethod,
    Movement,
    MovementStatus,
    Payment,
    PaymentBatch,
    PaymentCategory,
    PaymentStatus,
    StatementImport,
)
from .parsers import ParsedFile, ParsedMovement, parse_statement_file
from .sepa import Transfer, write_pain001

CENT = Decimal("0.01")
MAX_UPLOAD_BYTES = 10 * 2**20


# Statement import ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    statement_import: StatementImport
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return self.statement_import.summary


@dataclass
class _Match:
    case: Case | None = None
    method: str = ""
    category: str = ""
    rule: MatchingRule | None = None
    payment: Payment | None = None
    standing_order: bool = False
    note: str = ""


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
            % {"date": timezone.localtime(earlier.imported_at).strftime("%d/%m/%Y %H:%M")}
        )
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
            organisation=organisation, identity__in=[m.identity for m in movements]
        ).values_list("identity", flat=True)
    )
    counts = {"movements": len(movements), "posted": 0, "duplicates": 0, "unmatched": 0}
    for parsed_movement in movements:
        if parsed_movement.identity in known:
            counts["duplicates"] += 1
            continue
        known.add(parsed_movement.identity)
        movement = _movement_create(organisation, record, parsed_movement)
        outcome = _match_and_post(movement, by=by, today=today)
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
    )


def _case_for_account(organisation: Organisation, iban: str) -> tuple[Case | None, str]:
    """The case whose mediation account is ``iban`` (the statement's own account)."""
    cases = list(Case.objects.filter(organisation=organisation, account__iban=iban).distinct()[:2])
    if not cases:
        cases = list(Case.objects.filter(organisation=organisation, account_iban=iban)[:2])
    if len(cases) > 1:
        return None, _("Plusieurs dossiers ont ce compte de médiation (%(iban)s).") % {"iban": iban}
    return (cases[0] if cases else None), ""


def _case_for_communication(organisation: Organisation, digits: str) -> Case | None:
    if not digits:
        return None
    found = (
        CaseCommunication.objects.filter(organisation=organisation, digits=digits)
        .select_related("case")
        .first()
    )
    return found.case if found else None


def _rule_matches(rule: MatchingRule, movement: Movement) -> bool:
    if rule.counterparty_iban and rule.counterparty_iban != movement.counterparty_iban:
        return False
    if rule.communication:
        digits = structured_digits(rule.communication)
        if digits:
            return digits == movement.structured_communication
        wanted = " ".join(rule.communication.split()).casefold()
        return wanted in " ".join(movement.communication.split()).casefold()
    return True


def _rule_for(movement: Movement, case: Case | None = None) -> tuple[MatchingRule | None, str]:
    rules = MatchingRule.objects.filter(
        organisation_id=movement.organisation_id, active=True, direction=movement.direction
    ).filter(Q(counterparty_iban="") | Q(counterparty_iban=movement.counterparty_iban))
    if case is not None:
        rules = rules.filter(case=case)
    matching = [
        r for r in rules.select_related("case").order_by("id") if _rule_matches(r, movement)
    ]
    if not matching:
        return None, ""
    best = max(bool(r.counterparty_iban) + bool(r.communication) for r in matching)
    matching = [r for r in matching if bool(r.counterparty_iban) + bool(r.communication) == best]
    if len({r.case_id for r in matching}) > 1:
        return None, _("Plusieurs règles désignent des dossiers différents.")
    return matching[0], ""


def _payment_for(movement: Movement, case: Case | None) -> Payment | None:
    """The approved payment a debit movement brings back: by end-to-end id, else by amount and
    beneficiary IBAN (within the case when the account tells which)."""
    if movement.amount >= 0:
        return None
    candidates = Payment.objects.filter(
        case__organisation_id=movement.organisation_id,
        status__in=[PaymentStatus.APPROVED, PaymentStatus.POSTED],
        batch__status__in=[BatchStatus.APPROVED, BatchStatus.EXECUTED],
        movement__isnull=True,
        amount=-movement.amount,
    ).order_by("batch__execution_date", "id")
    if movement.end_to_end_id:
        found = candidates.filter(end_to_end_id=movement.end_to_end_id).first()
        if found:
            return found
    if not movement.counterparty_iban:
        return None
    by_account = candidates.filter(beneficiary_iban=movement.counterparty_iban)
    if case is not None:
        by_account = by_account.filter(case=case)
    return by_account.first()


def _find_match(movement: Movement) -> _Match:
    organisation = movement.organisation
    match = _Match()
    case, note = _case_for_account(organisation, movement.account_iban)
    if case:
        match.case, match.method = case, MatchMethod.ACCOUNT
    else:
        case = _case_for_communication(organisation, movement.structured_communication)
        if case:
            match.case, match.method = case, MatchMethod.COMMUNICATION
        else:
            rule, rule_note = _rule_for(movement)
            note = note or rule_note
            if rule:
                match.case, match.method, match.rule = rule.case, MatchMethod.RULE, rule
    payment = _payment_for(movement, match.case)
    if payment is not None:
        if match.case is not None and payment.case_id != match.case.pk:
            match.note = _(
                "Le paiement SEPA correspondant appartient au dossier %(other)s, pas au dossier "
                "%(case)s."
            ) % {"other": payment.case.reference, "case": match.case.reference}
            return match
        match.case, match.payment, match.method = payment.case, payment, MatchMethod.PAYMENT
        match.category = payment.category
        return match
    if match.case is None:
        match.note = note
        return match
    rule = match.rule
    if rule is None:
        rule, _note = _rule_for(movement, match.case)
    if rule is not None:
        match.rule, match.category, match.standing_order = rule, rule.category, rule.standing_order
    elif movement.amount > 0:
        match.category = Category.INCOME
    else:
        match.note = _("Sortie sans paiement préparé ni règle : choisissez sa catégorie.")
    return match


def _entry_data(movement: Movement, **fields) -> EntryData:
    iban = movement.counterparty_iban if std_iban.is_valid(movement.counterparty_iban) else ""
    note = _("Extrait n° %(statement)s, mouvement %(seq)s") % {
        "statement": movement.statement_number or "—",
        "seq": movement.sequence or "—",
    }
    return EntryData(
        value_date=movement.value_date,
        direction=movement.direction,
        amount=movement.absolute_amount,
        counterparty=movement.counterparty_name[:200],
        counterparty_iban=iban,
        communication=movement.communication[:140],
        bank_reference=movement.identity,
        note=note[:255],
        **fields,
    )


def _post_movement(
    movement: Movement, case: Case, data: EntryData, *, by: User | None, today: date
) -> Entry:
    if not Account.objects.filter(case=case).exists():
        account_open(case=case)  # the case's mediation account journal, from its IBAN
    return entry_post(case=case, data=data, by=by, today=today)


def _refused(exc: ValidationError) -> str:
    return _("Écriture refusée : %(reason)s") % {"reason": " ".join(exc.messages)}


def _match_and_post(movement: Movement, *, by: User | None, today: date) -> str:
    """Match a new movement and post it; returns "posted", "duplicates" (its payment was
    already posted when the batch was marked executed) or "unmatched"."""
    match = _find_match(movement)
    if match.payment is not None:
        return _post_payment_movement(movement, match.payment, by=by, today=today)
    if match.case is None or not match.category:
        movement.suggested_case = match.case
        movement.note = match.note[:500]
        movement.save(update_fields=["suggested_case", "note"])
        return "unmatched"
    data = _entry_data(movement, category=match.category, standing_order=match.standing_order)
    try:
        entry = _post_movement(movement, match.case, data, by=by, today=today)
    except ValidationError as exc:
        movement.suggested_case = match.case
        movement.note = _refused(exc)[:500]
        movement.save(update_fields=["suggested_case", "note"])
        return "unmatched"
    movement.status = MovementStatus.POSTED
    movement.case = match.case
    movement.entry = entry
    movement.match_method = match.method
    movement.rule = match.rule
    movement.save(update_fields=["status", "case", "entry", "match_method", "rule"])
    return "posted"


def _payment_entry_data(payment: Payment, *, value_date: date, bank_reference: str, note: str):
    return EntryData(
        value_date=value_date,
        direction=Direction.OUT,
        amount=payment.amount,
        category=payment.category,
        counterparty=payment.beneficiary_name[:200],
        counterparty_iban=payment.beneficiary_iban,
        communication=payment.communication_display[:140],
        standing_order=payment.standing_order,
        creditor_id=payment.creditor_id,
        authorisation=payment.authorisation,
        bank_reference=bank_reference,
        note=note[:255],
    )


def _post_payment_movement(
    movement: Movement, payment: Payment, *, by: User | None, today: date
) -> str:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    movement.case_id = payment.case_id
    movement.match_method = MatchMethod.PAYMENT
    if payment.entry_id:  # already posted when its batch was marked executed
        movement.status = MovementStatus.POSTED
        movement.entry_id = payment.entry_id
        movement.save(update_fields=["status", "case", "entry", "match_method"])
        payment.movement = movement
        payment.save(update_fields=["movement"])
        return "duplicates"
    data = _payment_entry_data(
        payment,
        value_date=movement.value_date,
        bank_reference=movement.identity,
        note=_("Paiement SEPA %(e2e)s, extrait n° %(statement)s")
        % {"e2e": payment.end_to_end_id or "—", "statement": movement.statement_number or "—"},
    )
    try:
        entry = _post_movement(movement, payment.case, data, by=by, today=today)
    except ValidationError as exc:
        movement.case = None
        movement.match_method = ""
        movement.suggested_case_id = payment.case_id
        movement.note = _refused(exc)[:500]
        movement.save(update_fields=["case", "match_method", "suggested_case", "note"])
        return "unmatched"
    movement.status = MovementStatus.POSTED
    movement.entry = entry
    movement.save(update_fields=["status", "case", "entry", "match_method"])
    payment.entry = entry
    payment.movement = movement
    payment.status = PaymentStatus.POSTED
    payment.save(update_fields=["entry", "movement", "status"])
    _close_batch_if_done(payment.batch, by=by)
    return "posted"


def _close_batch_if_done(batch: PaymentBatch | None, *, by: User | None) -> None:
    if batch is None or batch.status != BatchStatus.APPROVED:
        return
    open_payments = batch.payments.exclude(status=PaymentStatus.CANCELLED).filter(
        entry__isnull=True
    )
    if not open_payments.exists():
        batch.status = BatchStatus.EXECUTED
        batch.executed_at = timezone.now()
        batch.executed_by = by
        batch.save(update_fields=["status", "executed_at", "executed_by"])


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


@dataclass
class AssignData:
    case: Case
    category: str
    creditor: Creditor | None = None
    authorisation: str = ""
    standing_order: bool = False
    rule_on: str = ""  # "", "iban" or "communication": save the assignment as a rule


@transaction.atomic
def movement_assign(
    *, movement: Movement, data: AssignData, by: User, today: date
) -> tuple[Movement, int]:
    """Post a waiting movement to a case's journal; optionally save a rule and apply it to the
    other waiting movements. Returns the movement and how many others the rule posted."""
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    if movement.status != MovementStatus.UNMATCHED:
        raise ValidationError(_("Ce mouvement n'est plus en attente d'imputation."))
    case = data.case
    if case.organisation_id != movement.organisation_id:
        raise ValidationError({"case": _("Ce dossier n'appartient pas à l'organisation.")})
    payment = _payment_for(movement, case)
    if payment is not None and payment.case_id == case.pk:
        return _assign_to_payment(movement, payment, by=by, today=today), 0
    rule = None
    if data.rule_on:
        rule = _rule_build(movement, data, by=by)  # validated before posting
    entry_data = _entry_data(
        movement,
        category=data.category,
        creditor_id=data.creditor.pk if data.creditor else None,
        authorisation=(data.authorisation or "").strip(),
        standing_order=data.standing_order,
    )
    try:
        entry = _post_movement(movement, case, entry_data, by=by, today=today)
    except ValidationError as exc:
        raise ValidationError(_ledger_errors(exc)) from exc
    movement.status = MovementStatus.POSTED
    movement.case = case
    movement.entry = entry
    movement.match_method = MatchMethod.MANUAL
    movement.assigned_by = by
    movement.assigned_at = timezone.now()
    movement.note = ""
    applied = 0
    if rule is not None:
        rule.save()
        movement.rule = rule
    movement.save()
    if rule is not None:
        applied = _apply_rule_to_queue(rule, by=by, today=today)
    return movement, applied


def _assign_to_payment(movement: Movement, payment: Payment, *, by: User, today: date):
    """A waiting movement that is a prepared payment of the case (its posting had been
    refused): it posts as that payment, once — never beside it."""
    outcome = _post_payment_movement(movement, payment, by=by, today=today)
    movement.refresh_from_db()
    if outcome == "unmatched":
        raise ValidationError(movement.note)
    movement.assigned_by = by
    movement.assigned_at = timezone.now()
    movement.note = ""
    movement.save(update_fields=["assigned_by", "assigned_at", "note"])
    return movement


def _ledger_errors(exc: ValidationError) -> dict[str, list[str]] | list[str]:
    """The journal's refusal, keyed by the assignment form's fields where they exist."""
    if not hasattr(exc, "error_dict"):
        return exc.messages
    renamed = {"creditor_id": "creditor"}
    errors: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        errors.setdefault(renamed.get(key, key), []).extend(messages)
    return errors


def _rule_build(movement: Movement, data: AssignData, *, by: User) -> MatchingRule:
    if data.category not in RULE_CATEGORIES:
        raise ValidationError(
            {
                "rule_on": _(
                    "Une règle ne peut pas imputer cette catégorie (dividende, dépense "
                    "exceptionnelle ou honoraires : un paiement préparé s'en charge)."
                )
            }
        )
    rule = MatchingRule(
        organisation_id=movement.organisation_id,
        case=data.case,
        direction=movement.direction,
        category=data.category,
        standing_order=data.standing_order,
        created_by=by,
    )
    if data.rule_on == "iban":
        if not movement.counterparty_iban:
            raise ValidationError({"rule_on": _("Ce mouvement n'a pas d'IBAN de contrepartie.")})
        rule.counterparty_iban = movement.counterparty_iban
    elif data.rule_on == "communication":
        if movement.structured_communication:
            rule.communication = movement.structured_communication
        elif movement.communication.strip():
            rule.communication = " ".join(movement.communication.split())[:140]
        else:
            raise ValidationError({"rule_on": _("Ce mouvement n'a pas de communication.")})
    else:
        raise ValidationError({"rule_on": _("Critère de règle inconnu.")})
    duplicate = MatchingRule.objects.filter(
        organisation_id=movement.organisation_id,
        active=True,
        direction=rule.direction,
        counterparty_iban=rule.counterparty_iban,
        communication=rule.communication,
    ).first()
    if duplicate is not None:
        raise ValidationError(
            {
                "rule_on": _("Une règle existe déjà pour ce critère (dossier %(case)s).")
                % {"case": duplicate.case.reference}
            }
        )
    return rule


def _apply_rule_to_queue(rule: MatchingRule, *, by: User | None, today: date) -> int:
    applied = 0
    waiting = Movement.objects.select_for_update().filter(
        organisation_id=rule.organisation_id, status=MovementStatus.UNMATCHED
    )
    for movement in waiting.order_by("value_date", "id"):
        if movement.direction != rule.direction or not _rule_matches(rule, movement):
            continue
        data = _entry_data(movement, category=rule.category, standing_order=rule.standing_order)
        try:
            entry = _post_movement(movement, rule.case, data, by=by, today=today)
        except ValidationError as exc:
            movement.suggested_case = rule.case
            movement.note = _refused(exc)[:500]
            movement.save(update_fields=["suggested_case", "note"])
            continue
        movement.status = MovementStatus.POSTED
        movement.case = rule.case
        movement.entry = entry
        movement.rule = rule
        movement.match_method = MatchMethod.RULE
        movement.note = ""
        movement.save(update_fields=["status", "case", "entry", "rule", "match_method", "note"])
        applied += 1
    return applied


@transaction.atomic
def movement_ignore(*, movement: Movement, by: User, note: str = "") -> Movement:
    """Set aside a movement that belongs to no case (it stays listed, never posted)."""
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    if movement.status != MovementStatus.UNMATCHED:
        raise ValidationError(_("Ce mouvement n'est plus en attente d'imputation."))
    movement.status = MovementStatus.IGNORED
    movement.note = (note or _("Écarté : ne concerne aucun dossier."))[:500]
    movement.assigned_by = by
    movement.assigned_at = timezone.now()
    movement.save(update_fields=["status", "note", "assigned_by", "assigned_at"])
    return movement


@transaction.atomic
def rule_deactivate(*, rule: MatchingRule) -> MatchingRule:
    rule = MatchingRule.objects.select_for_update().get(pk=rule.pk)
    rule.active = False
    rule.save(update_fields=["active"])
    return rule


# The case's structured communication ----------------------------------------------------------


@transaction.atomic
def case_communication(*, case: Case) -> CaseCommunication:
    """The case's structured communication, created on first use from the case's number."""
    existing = CaseCommunication.objects.filter(case=case).first()
    if existing:
        return existing
    taken = set(
        CaseCommunication.objects.filter(organisation_id=case.organisation_id).values_list(
            "digits", flat=True
        )
    )
    # The year of admissibility, then the case's number: +++220/0000/12345+++ for case 123 of
    # 2022 (unique, since the case number is).
    base = (case.admissibility_date.year % 100) * 10**8 + case.pk % 10**8 or case.pk
    digits = make_structured(base)
    while digits in taken:
        base = (base + 10**8) % 10**10 or 1
        digits = make_structured(base)
    return CaseCommunication.objects.create(
        organisation_id=case.organisation_id, case=case, digits=digits
    )


@transaction.atomic
def case_communication_set(*, case: Case, communication: str) -> CaseCommunication:
    """Record the structured communication already given to the case's payers."""
    digits = structured_digits(communication)
    if not digits:
        raise ValidationError(
            {
                "communication": _(
                    "Communication structurée invalide : 12 chiffres (+++123/4567/89012+++) "
                    "dont les deux derniers sont la clé modulo 97."
                )
            }
        )
    clash = (
        CaseCommunication.objects.filter(organisation_id=case.organisation_id, digits=digits)
        .exclude(case=case)
        .select_related("case")
        .first()
    )
    if clash:
        raise ValidationError(
            {
                "communication": _("Cette communication est déjà celle du dossier %(case)s.")
                % {"case": clash.case.reference}
            }
        )
    record, _created = CaseCommunication.objects.update_or_create(
        case=case, defaults={"organisation_id": case.organisation_id, "digits": digits}
    )
    return record


# Payments out -----------------------------------------------------------------------------------


@dataclass
class PaymentData:
    category: str
    amount: Decimal | None
    beneficiary_name: str = ""
    beneficiary_iban: str = ""
    beneficiary_bic: str = ""
    creditor: Creditor | None = None
    structured_communication: str = ""
    communication: str = ""
    standing_order: bool = False
    authorisation: str = ""
    # An installment of the living allowance's schedule: its due date and the decision it
    # executes (``allowance_payments_prepare``); both empty for a payment prepared by hand.
    due_on: date | None = None
    allowance_decision: AllowanceDecision | None = None


def committed_amount(case: Case, *, exclude_batch: PaymentBatch | None = None) -> Decimal:
    """Prepared or approved payments of the case not posted yet (they will leave the account)."""
    qs = Payment.objects.filter(
        case=case,
        status__in=[PaymentStatus.PENDING, PaymentStatus.APPROVED],
        entry__isnull=True,
    )
    if exclude_batch is not None:
        qs = qs.exclude(batch=exclude_batch)
    return qs.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def _overdraft_error(account: Account, committed: Decimal, amount: Decimal) -> str | None:
    available = account.balance - account.reserve - committed
    if amount <= available:
        return None
    return _(
        "Ce paiement mettrait le compte en négatif : disponible %(available)s (solde "
        "%(balance)s, dont réserve pour honoraires %(reserve)s, paiements en attente "
        "%(pending)s)."
    ) % {
        "available": format_eur(max(available, Decimal("0.00"))),
        "balance": format_eur(account.balance),
        "reserve": format_eur(account.reserve),
        "pending": format_eur(committed),
    }


def _dividend_error(case: Case, creditor: Creditor | None) -> str | None:
    if creditor is None:
        return _("Un dividende désigne le créancier payé.")
    claims = Claim.objects.filter(case=case, creditor=creditor)
    if not claims.exists():
        return _("%(name)s n'a pas déclaré de créance dans ce dossier.") % {"name": creditor.name}
    if not claims.filter(time_barred=False).exclude(status=ClaimStatus.REJECTED).exists():
        return _(
            "%(name)s est forclos ou ses créances sont rejetées : il ne reçoit pas de dividende."
        ) % {"name": creditor.name}
    return None


def _validate_payment(case: Case, data: PaymentData) -> tuple[dict[str, str], dict]:
    errors: dict[str, str] = {}
    clean: dict = {}
    if data.category not in PaymentCategory.values:
        errors["category"] = _("Nature de paiement inconnue.")
    amount = data.amount
    if amount is None or amount <= 0:
        errors["amount"] = _("Le montant doit être strictement positif.")
    elif amount != amount.quantize(CENT):
        errors["amount"] = _("Le montant a au plus deux décimales.")
    name = (data.beneficiary_name or "").strip()
    iban = std_iban.compact(data.beneficiary_iban or "")
    bic = (data.beneficiary_bic or "").replace(" ", "").upper()
    if data.category == PaymentCategory.DIVIDEND:
        error = _dividend_error(case, data.creditor)
        if error:
            errors["creditor"] = error
        elif data.creditor.organisation_id != case.organisation_id:
            errors["creditor"] = _("Ce créancier n'est pas dans l'annuaire de l'organisation.")
        else:
            name = name or data.creditor.name
            iban = iban or data.creditor.iban
            bic = bic or data.creditor.bic
            if not iban:
                errors["creditor"] = _(
                    "%(name)s n'a pas d'IBAN dans l'annuaire des créanciers : complétez sa fiche."
                ) % {"name": data.creditor.name}
    elif data.creditor is not None:
        errors["creditor"] = _("Seul un dividende désigne un créancier.")
    if data.category == PaymentCategory.EXCEPTIONAL_EXPENSE and not data.authorisation.strip():
        errors["authorisation"] = _(
            "Une dépense exceptionnelle exige la référence de l'autorisation du tribunal."
        )
    if data.standing_order and data.category != PaymentCategory.LIVING_ALLOWANCE:
        errors["standing_order"] = _("Seul le pécule de médiation se paie par ordre permanent.")
    decision = data.allowance_decision
    if decision is not None and (
        data.category != PaymentCategory.LIVING_ALLOWANCE
        or data.due_on is None
        or decision.version.case_id != case.pk
    ):
        errors["allowance_decision"] = _(
            "Une échéance du pécule est un paiement du pécule de médiation de ce dossier, daté."
        )
    if not name and "creditor" not in errors:
        errors["beneficiary_name"] = _("Indiquez le nom du bénéficiaire.")
    if iban and not std_iban.is_valid(iban):
        errors["beneficiary_iban"] = _("IBAN du bénéficiaire invalide.")
    elif not iban and "creditor" not in errors:
        errors["beneficiary_iban"] = _("Indiquez l'IBAN du bénéficiaire.")
    if bic and not std_bic.is_valid(bic):
        errors["beneficiary_bic"] = _("BIC du bénéficiaire invalide (8 ou 11 caractères).")
    if iban and not bic and be_iban.is_valid(iban):
        bic = be_iban.to_bic(iban) or ""
    structured = ""
    if data.structured_communication.strip():
        structured = structured_digits(data.structured_communication)
        if not structured:
            errors["structured_communication"] = _(
                "Communication structurée invalide : 12 chiffres (+++123/4567/89012+++) dont "
                "les deux derniers sont la clé modulo 97 des dix premiers."
            )
        elif data.communication.strip():
            errors["communication"] = _(
                "Une communication structurée ou une communication libre, pas les deux."
            )
    clean.update(
        beneficiary_name=name[:70],
        beneficiary_iban=iban,
        beneficiary_bic=bic,
        structured_communication=structured,
        communication=" ".join(data.communication.split())[:140],
    )
    return errors, clean


def _with_allowance_defaults(case: Case, data: PaymentData) -> PaymentData:
    """A living allowance without beneficiary goes where the previous one went (the
    applicant's own account), in the applicants' name."""
    if data.category != PaymentCategory.LIVING_ALLOWANCE or data.beneficiary_iban.strip():
        return data
    previous = (
        Payment.objects.filter(case=case, category=PaymentCategory.LIVING_ALLOWANCE)
        .exclude(status=PaymentStatus.CANCELLED)
        .order_by("-created_at", "-id")
        .first()
    )
    if previous is None:
        return data
    return replace(
        data,
        beneficiary_name=data.beneficiary_name.strip() or previous.beneficiary_name,
        beneficiary_iban=previous.beneficiary_iban,
        beneficiary_bic=data.beneficiary_bic.strip() or previous.beneficiary_bic,
    )


@transaction.atomic
def payment_prepare(*, case: Case, data: PaymentData, by: User) -> Payment:
    """Prepare an outgoing payment. Refused here, with the reason, whatever the journal would
    refuse when it is posted (overdraft counting the other payments waiting)."""
    data = _with_allowance_defaults(case, data)
    if data.category == PaymentCategory.LIVING_ALLOWANCE and not data.beneficiary_name.strip():
        names = " & ".join(a.full_name for a in case.applicants.all())
        data = replace(data, beneficiary_name=names[:70])
    errors, clean = _validate_payment(case, data)
    account = Account.objects.select_for_update().filter(case=case).first()
    if account is None:
        errors.setdefault("amount", _("Aucun compte de médiation n'est ouvert pour ce dossier."))
    elif "amount" not in errors:
        error = _overdraft_error(account, committed_amount(case), data.amount)
        if error:
            errors["amount"] = error
    if errors:
        raise ValidationError(errors)
    if not clean["structured_communication"] and not clean["communication"]:
        clean["communication"] = f"{PaymentCategory(data.category).label} {case.reference}"[:140]
    payment = Payment(
        case=case,
        category=data.category,
        amount=data.amount,
        creditor=data.creditor if data.category == PaymentCategory.DIVIDEND else None,
        standing_order=data.standing_order,
        authorisation=(data.authorisation or "").strip()
        if data.category == PaymentCategory.EXCEPTIONAL_EXPENSE
        else "",
        due_on=data.due_on,
        allowance_decision=data.allowance_decision,
        created_by=by,
        **clean,
    )
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError as exc:
        if data.allowance_decision is None:
            raise
        # The conditional unique constraint: another request prepared this installment.
        raise ValidationError(
            _("L'échéance du pécule du %(date)s est déjà préparée.")
            % {"date": data.due_on.strftime("%d/%m/%Y")}
        ) from exc
    return payment


# The living allowance's planned payments (issue 6) --------------------------------------------

NOTHING_TO_PREPARE = "nothing_to_prepare"


def _month_name(year: int, month: int) -> str:
    return date_format(date(year, month, 1), "F Y")


@transaction.atomic
def allowance_payments_prepare(
    *, case: Case, year: int, month: int, by: User, redo_cancelled: bool = True
) -> list[Payment]:
    """Prepare the living-allowance payments of a month from the allowance's schedule: one
    payment per due date not prepared yet, from the schedule that pays the month
    (``selectors.planned_allowance_payments``, ``budget.selectors.allowance_installments``),
    through ``payment_prepare``'s checks, with its due date and the decision it executes. All
    or nothing: when one is refused (the overdraft above all), none is saved.

    The allowance is paid monthly, twice a month or by standing order (domain README,
    "Execution"; living-allowance.md). A standing order is executed by the bank itself: it still
    gets its payment of the month, flagged ``standing_order`` — approved in a batch without a
    pain.001 line, posted once when the batch is marked executed or when the statement brings
    it back (the fee barème counts such payments once a year, fees.md §6, 2.2).

    ``redo_cancelled=False`` (the monthly run) leaves alone an installment whose payment the
    mediator withdrew; the button on the page prepares it again."""
    account = Account.objects.select_for_update().filter(case=case).first()
    if account is None:
        raise ValidationError(_("Aucun compte de médiation n'est ouvert pour ce dossier."))
    name = _month_name(year, month)
    planned = selectors.planned_allowance_payments(case, year, month)
    if not planned:
        last = date(year, month, monthrange(year, month)[1])
        if living_allowance_schedule(case, last) is None:
            raise ValidationError(
                _(
                    "Aucun pécule de médiation n'est fixé pour %(month)s : fixez-le dans "
                    "l'onglet « Budget et pécule » du dossier."
                )
                % {"month": name}
            )
        raise ValidationError(
            _("Le pécule de médiation ne prévoit aucun versement au requérant en %(month)s.")
            % {"month": name},
            code=NOTHING_TO_PREPARE,
        )
    todo = [p for p in planned if p.to_prepare and (redo_cancelled or not p.cancelled)]
    if not todo:
        raise ValidationError(
            _("Les paiements du pécule de %(month)s sont déjà préparés : rien à préparer.")
            % {"month": name},
            code=NOTHING_TO_PREPARE,
        )
    beneficiary = selectors.allowance_beneficiary(case)
    if beneficiary is None:
        raise ValidationError(
            _(
                "Le compte du requérant n'est pas connu : préparez le premier paiement du pécule "
                "à la main (« Préparer un paiement », nature « Pécule de médiation ») avec "
                "l'IBAN du requérant ; les suivants iront sur ce compte."
            )
        )
    total = sum((p.amount for p in todo), Decimal("0.00"))
    committed = committed_amount(case)
    available = account.balance - account.reserve - committed
    if total > available:
        raise ValidationError(
            _(
                "Les paiements du pécule de %(month)s (%(total)s) mettraient le compte en "
                "négatif : disponible %(available)s (solde %(balance)s, dont réserve pour "
                "honoraires %(reserve)s, paiements en attente %(pending)s). Aucun paiement n'a "
                "été préparé."
            )
            % {
                "month": name,
                "total": format_eur(total),
                "available": format_eur(max(available, Decimal("0.00"))),
                "balance": format_eur(account.balance),
                "reserve": format_eur(account.reserve),
                "pending": format_eur(committed),
            }
        )
    decisions = AllowanceDecision.objects.select_related("version").in_bulk(
        {p.decision_id for p in todo}
    )
    wanted = {p.due_on for p in todo}  # one installment per due date
    prepared = []
    for number, item in enumerate(planned, start=1):
        if item.due_on not in wanted:
            continue
        label = f"{month:02d}/{year}"
        if len(planned) > 1:  # twice a month: "12/2026 (1/2)", "12/2026 (2/2)"
            label += f" ({number}/{len(planned)})"
        data = PaymentData(
            category=PaymentCategory.LIVING_ALLOWANCE,
            amount=item.amount,
            beneficiary_name=beneficiary.name,
            beneficiary_iban=beneficiary.iban,
            beneficiary_bic=beneficiary.bic,
            communication=_("Pécule de médiation %(month)s %(reference)s")
            % {"month": label, "reference": case.reference},
            standing_order=item.standing_order,
            due_on=item.due_on,
            allowance_decision=decisions[item.decision_id],
        )
        prepared.append(payment_prepare(case=case, data=data, by=by))
    return prepared


@dataclass
class AllowanceRun:
    """What the monthly run did: per case reference, the payments prepared, the cases already
    up to date, and the refusals (reported, not fatal)."""

    year: int
    month: int
    prepared: dict[str, list[Payment]] = field(default_factory=dict)
    up_to_date: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "cases": len(self.prepared) + len(self.up_to_date) + len(self.failed),
            "prepared_cases": len(self.prepared),
            "payments": sum(len(p) for p in self.prepared.values()),
            "up_to_date": len(self.up_to_date),
            "failed": len(self.failed),
        }


def run_month(value: str | None, *, today: date) -> tuple[int, int]:
    """The month of a run: ``YYYY-MM``, or the month after ``today`` when empty. Raises
    ``ValueError``."""
    if not value:
        return selectors.next_month(today.year, today.month)
    year, sep, month = value.strip().partition("-")
    if not sep or len(year) != 4 or not year.isdigit() or not month.isdigit():
        raise ValueError(f"Mois attendu au format AAAA-MM, pas « {value} ».")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"Mois invalide : « {value} ».")
    return int(year), int(month)


def allowance_payments_prepare_all(*, year: int, month: int) -> AllowanceRun:
    """Prepare the month's allowance payments of every running case whose allowance is fixed,
    in the name of each case's designated mediator; each case in its own transaction, a refusal
    is recorded and the run goes on. Withdrawn installments are not prepared again."""
    run = AllowanceRun(year=year, month=month)
    cases = (
        Case.objects.filter(
            status__in=ACTIVE_STATUSES,
            budget_versions__allowance_decisions__isnull=False,
        )
        .distinct()
        .select_related("mediator")
        .order_by("organisation_id", "reference")
    )
    for case in cases:
        try:
            payments = allowance_payments_prepare(
                case=case, year=year, month=month, by=case.mediator, redo_cancelled=False
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == NOTHING_TO_PREPARE:
                run.up_to_date.append(case.reference)
            else:
                run.failed[case.reference] = " ".join(exc.messages)
        else:
            run.prepared[case.reference] = payments
    return run


@transaction.atomic
def payment_cancel(*, payment: Payment) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.PENDING:
        raise ValidationError(_("Seul un paiement qui n'est pas encore approuvé peut être retiré."))
    payment.status = PaymentStatus.CANCELLED
    payment.save(update_fields=["status"])
    return payment


def _debtor_iban(case: Case, account: Account | None) -> str:
    return std_iban.compact((account.iban if account and account.iban else case.account_iban) or "")


@transaction.atomic
def batch_approve(
    *,
    case: Case,
    payments: list[Payment] | None,
    execution_date: date,
    by: User,
    today: date,
) -> PaymentBatch:
    """Approve waiting payments of the case as a batch and write its pain.001 file."""
    account = Account.objects.select_for_update().filter(case=case).first()
    waiting = Payment.objects.select_for_update().filter(case=case, status=PaymentStatus.PENDING)
    if payments is not None:
        waiting = waiting.filter(pk__in=[p.pk for p in payments])
    selected = list(waiting.order_by("id"))
    errors: dict[str, str] = {}
    if not selected:
        errors["payments"] = _("Aucun paiement à approuver.")
    if execution_date < today:
        errors["execution_date"] = _("La date d'exécution ne peut être passée.")
    elif execution_date > today + FUTURE_HORIZON:
        errors["execution_date"] = _(
            "La date d'exécution ne peut dépasser de plus de %(days)s jours la date du jour."
        ) % {"days": FUTURE_HORIZON.days}
    debtor_iban = _debtor_iban(case, account)
    if not debtor_iban or not std_iban.is_valid(debtor_iban):
        errors["__all__"] = _(
            "Le compte de médiation du dossier n'a pas d'IBAN valide : complétez le dossier."
        )
    total = sum((p.amount for p in selected), Decimal("0.00"))
    if account is None:
        errors.setdefault("__all__", _("Aucun compte de médiation n'est ouvert pour ce dossier."))
    elif selected:
        approved_elsewhere = Payment.objects.filter(
            case=case, status=PaymentStatus.APPROVED, entry__isnull=True
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        error = _overdraft_error(account, approved_elsewhere, total)
        if error:
            errors["__all__"] = error
    for payment in selected:
        if payment.category == PaymentCategory.DIVIDEND:
            error = _dividend_error(case, payment.creditor)
            if error:
                errors["payments"] = error
    if errors:
        raise ValidationError(errors)
    batch = PaymentBatch.objects.create(
        case=case,
        execution_date=execution_date,
        debtor_iban=debtor_iban,
        total=total,
        approved_by=by,
    )
    transfers = []
    for payment in selected:
        payment.batch = batch
        payment.status = PaymentStatus.APPROVED
        payment.end_to_end_id = f"RCD-{case.pk}-{payment.pk}"[:35]
        payment.save(update_fields=["batch", "status", "end_to_end_id"])
        if payment.in_file:
            transfers.append(
                Transfer(
                    name=payment.beneficiary_name,
                    iban=payment.beneficiary_iban,
                    bic=payment.beneficiary_bic,
                    amount=payment.amount,
                    end_to_end_id=payment.end_to_end_id,
                    communication=payment.communication,
                    structured=payment.structured_communication,
                )
            )
    if transfers:
        pain = write_pain001(
            debtor_name=_debtor_name(case),
            debtor_iban=debtor_iban,
            debtor_bic=(be_iban.to_bic(debtor_iban) or "") if be_iban.is_valid(debtor_iban) else "",
            execution_date=execution_date,
            transfers=transfers,
        )
        batch.message_id = pain.message_id[:35]
        batch.pain_xml = pain.content.decode("utf-8")
        batch.save(update_fields=["message_id", "pain_xml"])
    return batch


def _debtor_name(case: Case) -> str:
    mediator = case.mediator.get_full_name() or case.mediator.username
    return _("%(mediator)s, médiateur de dettes, RCD %(reference)s") % {
        "mediator": mediator,
        "reference": case.reference,
    }


@transaction.atomic
def batch_execute(*, batch: PaymentBatch, by: User, today: date) -> list[Entry]:
    """The bank has executed the batch: post the entries of its payments that no statement has
    brought back yet (never twice)."""
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.CANCELLED:
        raise ValidationError(_("Ce lot est annulé."))
    if batch.status == BatchStatus.EXECUTED:
        raise ValidationError(_("Ce lot est déjà exécuté : ses écritures sont au journal."))
    posted = []
    payments = Payment.objects.select_for_update().filter(
        batch=batch, status=PaymentStatus.APPROVED, entry__isnull=True
    )
    for payment in payments.order_by("id"):
        data = _payment_entry_data(
            payment,
            value_date=batch.execution_date,
            bank_reference=f"SEPA|{payment.end_to_end_id}",
            note=_("Paiement SEPA %(e2e)s (lot du %(date)s)")
            % {"e2e": payment.end_to_end_id, "date": batch.execution_date.strftime("%d/%m/%Y")},
        )
        try:
            entry = entry_post(case=batch.case, data=data, by=by, today=today)
        except ValidationError as exc:
            raise ValidationError(
                _("Paiement à %(name)s (%(amount)s) refusé par le journal : %(reason)s")
                % {
                    "name": payment.beneficiary_name,
                    "amount": format_eur(payment.amount),
                    "reason": " ".join(exc.messages),
                }
            ) from exc
        payment.entry = entry
        payment.status = PaymentStatus.POSTED
        payment.save(update_fields=["entry", "status"])
        posted.append(entry)
    batch.status = BatchStatus.EXECUTED
    batch.executed_by = by
    batch.executed_at = timezone.now()
    batch.save(update_fields=["status", "executed_by", "executed_at"])
    return posted


@transaction.atomic
def batch_cancel(*, batch: PaymentBatch, by: User) -> PaymentBatch:
    """Cancel a batch the bank has not executed (none of its payments posted)."""
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.APPROVED:
        raise ValidationError(_("Seul un lot approuvé et non exécuté peut être annulé."))
    if batch.payments.filter(entry__isnull=False).exists():
        raise ValidationError(
            _(
                "Une partie du lot est déjà au journal (revenue par l'extrait) : il ne peut "
                "être annulé."
            )
        )
    batch.payments.update(status=PaymentStatus.CANCELLED)
    batch.status = BatchStatus.CANCELLED
    batch.executed_by = by
    batch.executed_at = timezone.now()
    batch.save(update_fields=["status", "executed_by", "executed_at"])
    return batch
