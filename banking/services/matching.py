"""Matching a statement movement to a case (account IBAN, structured communication, rules,
prepared payments) and posting it once; the mediator's assignments, rules and ignores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases.models import Case
from claims.models import Creditor
from core.dates import format_date
from core.ibans import is_valid_iban
from ledger.models import Account, Category, Direction, Entry
from ledger.services import EntryData, account_open, entry_post, entry_post_many, entry_reverse

from ..communications import make_structured, structured_digits
from ..models import (
    RULE_CATEGORIES,
    BatchStatus,
    CaseCommunication,
    MatchingRule,
    MatchMethod,
    Movement,
    MovementStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
)
from ..sepa import batch_references


@dataclass
class _Match:
    batch: PaymentBatch | None = None
    case: Case | None = None
    method: str = ""
    category: str = ""
    rule: MatchingRule | None = None
    payment: Payment | None = None
    standing_order: bool = False
    note: str = ""


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
    return _best_rule(movement, list(rules.select_related("case").order_by("id")))


def _best_rule(movement: Movement, rules: list[MatchingRule]) -> tuple[MatchingRule | None, str]:
    matching = [r for r in rules if _rule_matches(r, movement)]
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
    return _best_payment(movement, case, list(candidates.select_related("case", "batch")))


def _best_payment(movement: Movement, case: Case | None, candidates: list[Payment]):
    """Among open payments of the movement's amount (in execution order): the one with its
    end-to-end id, else the first to its counterparty (within the case when it is known)."""
    if movement.end_to_end_id:
        for payment in candidates:
            if payment.end_to_end_id == movement.end_to_end_id:
                return payment
    if not movement.counterparty_iban:
        return None
    for payment in candidates:
        if payment.beneficiary_iban == movement.counterparty_iban and (
            case is None or payment.case_id == case.pk
        ):
            return payment
    return None


class FileMatcher:
    """What matching needs to know, read once per imported file rather than once per movement:
    the cases of the file's accounts, the cases of its structured communications, the active
    rules, the open payments (when the file has debits) and the opened journals. The matching
    itself is the same as movement by movement (``_find_match``)."""

    def __init__(self, organisation: Organisation, movements: list) -> None:
        self.organisation = organisation
        self._accounts = {
            iban: _case_for_account(organisation, iban)
            for iban in {m.account_iban for m in movements}
        }
        digits = {m.structured_communication for m in movements if m.structured_communication}
        self._communications = {
            c.digits: c.case
            for c in CaseCommunication.objects.filter(
                organisation=organisation, digits__in=digits
            ).select_related("case")
        }
        self._rules = list(
            MatchingRule.objects.filter(organisation=organisation, active=True)
            .select_related("case")
            .order_by("id")
        )
        self._payments: list[Payment] = []
        if any(m.amount < 0 for m in movements):
            self._payments = list(
                Payment.objects.filter(
                    case__organisation=organisation,
                    status__in=[PaymentStatus.APPROVED, PaymentStatus.POSTED],
                    batch__status__in=[BatchStatus.APPROVED, BatchStatus.EXECUTED],
                    movement__isnull=True,
                )
                .select_related("case", "batch")
                .order_by("batch__execution_date", "id")
            )
        self._journals = set(
            Account.objects.filter(case__organisation=organisation).values_list(
                "case_id", flat=True
            )
        )

    def case_for_account(self, iban: str) -> tuple[Case | None, str]:
        if iban not in self._accounts:
            self._accounts[iban] = _case_for_account(self.organisation, iban)
        return self._accounts[iban]

    def case_for_communication(self, digits: str) -> Case | None:
        return self._communications.get(digits) if digits else None

    def rule_for(self, movement: Movement, case: Case | None = None):
        rules = [
            r
            for r in self._rules
            if r.direction == movement.direction
            and r.counterparty_iban in ("", movement.counterparty_iban)
            and (case is None or r.case_id == case.pk)
        ]
        return _best_rule(movement, rules)

    def payment_for(self, movement: Movement, case: Case | None) -> Payment | None:
        if movement.amount >= 0:
            return None
        amount = -movement.amount
        return _best_payment(movement, case, [p for p in self._payments if p.amount == amount])

    def payment_linked(self, payment: Payment) -> None:
        self._payments = [p for p in self._payments if p.pk != payment.pk]

    def journal_opened(self, case: Case) -> bool:
        return case.pk in self._journals

    def journal_open(self, case: Case) -> None:
        account_open(case=case)
        self._journals.add(case.pk)


def _batch_for(movement: Movement, case: Case | None) -> PaymentBatch | None:
    """The SEPA batch a bank debited as one amount (batch booking): a debit of the batch's
    own account, equal to the total of the batch's transfers in its pain.001 file, whose
    payments no statement has brought back yet — when exactly one batch fits, or when one of
    those is named by the bank (CAMT ``<Btch>``: the file's ``PmtInfId`` or ``MsgId``; its
    ``NbOfTxs``, when given, must be the batch's number of transfers)."""
    if movement.amount >= 0:
        return None
    batches = PaymentBatch.objects.filter(
        case__organisation_id=movement.organisation_id,
        debtor_iban=movement.account_iban,
        status__in=[BatchStatus.APPROVED, BatchStatus.EXECUTED],
        execution_date__lte=movement.value_date,
        debits__isnull=True,
    )
    if case is not None:
        batches = batches.filter(case=case)
    fitting = []
    for batch in batches.order_by("-execution_date", "-id")[:50]:
        in_file = batch.payments.exclude(status=PaymentStatus.CANCELLED).filter(
            standing_order=False
        )
        amounts = list(in_file.values_list("amount", flat=True))
        if len(amounts) < 2 or sum(amounts) != -movement.amount:
            continue
        if movement.batch_count is not None and movement.batch_count != len(amounts):
            continue
        if in_file.filter(movement__isnull=False).exists():
            continue
        fitting.append(batch)
    if movement.batch_reference:
        named = [b for b in fitting if movement.batch_reference in batch_references(b.pain_xml)]
        if len(named) == 1:
            return named[0]
    if movement.end_to_end_id or movement.communication:
        named = [
            b
            for b in fitting
            if b.message_id
            and b.message_id in (movement.end_to_end_id, *movement.communication.split())
        ]
        if len(named) == 1:
            return named[0]
    return fitting[0] if len(fitting) == 1 else None


def _post_batch_movement(
    movement: Movement, batch: PaymentBatch, *, by: User | None, today: date
) -> str:
    """One debit for a whole batch: each transfer of the batch posts its own entry (its
    beneficiary, category, creditor), once — a payment already posted when the batch was
    marked executed is only linked."""
    payments = list(
        Payment.objects.select_for_update()
        .filter(batch=batch, standing_order=False)
        .exclude(status=PaymentStatus.CANCELLED)
        .order_by("id")
    )
    first_entry = None
    new = 0
    try:
        with transaction.atomic():
            for index, payment in enumerate(payments, start=1):
                if payment.entry_id is None:
                    data = payment_entry_data(
                        payment,
                        value_date=movement.value_date,
                        bank_reference=f"{movement.identity[:190]}#{index}",
                        note=_("Paiement SEPA %(e2e)s, lot débité en une fois, extrait n° %(n)s")
                        % {
                            "e2e": payment.end_to_end_id or "—",
                            "n": movement.statement_number or "—",
                        },
                    )
                    payment.entry = _post_movement(movement, batch.case, data, by=by, today=today)
                    payment.status = PaymentStatus.POSTED
                    payment.save(update_fields=["entry", "status"])
                    new += 1
                first_entry = first_entry or payment.entry
    except ValidationError as exc:
        movement.suggested_case = batch.case
        movement.note = _refused(exc)[:500]
        movement.save(update_fields=["suggested_case", "note"])
        return "unmatched"
    movement.status = MovementStatus.POSTED
    movement.case = batch.case
    movement.entry = first_entry
    movement.batch = batch
    movement.match_method = MatchMethod.BATCH
    movement.save(update_fields=["status", "case", "entry", "batch", "match_method"])
    _close_batch_if_done(batch, by=by)
    return "posted" if new else "duplicates"


def _find_match(movement: Movement, files: FileMatcher | None = None) -> _Match:
    organisation = movement.organisation
    match = _Match()
    if files is not None:
        case, note = files.case_for_account(movement.account_iban)
    else:
        case, note = _case_for_account(organisation, movement.account_iban)
    if case:
        match.case, match.method = case, MatchMethod.ACCOUNT
    else:
        if files is not None:
            case = files.case_for_communication(movement.structured_communication)
        else:
            case = _case_for_communication(organisation, movement.structured_communication)
        if case:
            match.case, match.method = case, MatchMethod.COMMUNICATION
        else:
            rule, rule_note = files.rule_for(movement) if files else _rule_for(movement)
            note = note or rule_note
            if rule:
                match.case, match.method, match.rule = rule.case, MatchMethod.RULE, rule
    if files is not None:
        payment = files.payment_for(movement, match.case)
    else:
        payment = _payment_for(movement, match.case)
    if payment is None:
        match.batch = _batch_for(movement, match.case)
        if match.batch is not None:
            return match
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
        rule, _note = (
            files.rule_for(movement, match.case) if files else _rule_for(movement, match.case)
        )
    if rule is not None:
        match.rule, match.category, match.standing_order = rule, rule.category, rule.standing_order
    elif movement.amount > 0:
        match.category = Category.INCOME
    else:
        match.note = _("Sortie sans paiement préparé ni règle : choisissez sa catégorie.")
    return match


def _entry_data(movement: Movement, **fields) -> EntryData:
    iban = movement.counterparty_iban if is_valid_iban(movement.counterparty_iban) else ""
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
    movement: Movement,
    case: Case,
    data: EntryData,
    *,
    by: User | None,
    today: date,
    files: FileMatcher | None = None,
) -> Entry:
    if files is not None:
        if not files.journal_opened(case):
            files.journal_open(case)
    elif not Account.objects.filter(case=case).exists():
        account_open(case=case)  # the case's mediation account journal, from its IBAN
    return entry_post(case=case, data=data, by=by, today=today)


def _refused(exc: ValidationError) -> str:
    return _("Écriture refusée : %(reason)s") % {"reason": " ".join(exc.messages)}


def _original_of(movement: Movement) -> Movement | None:
    """The posted movement a bank's reversal cancels: same account, opposite amount, not yet
    reversed, not after it; the same end-to-end id or counterparty when the reversal has one."""
    candidates = Movement.objects.filter(
        organisation_id=movement.organisation_id,
        account_iban=movement.account_iban,
        status=MovementStatus.POSTED,
        reversal=False,
        amount=-movement.amount,
        value_date__lte=movement.value_date,
        entry__isnull=False,
        entry__reversed_by__isnull=True,
    ).exclude(pk=movement.pk)
    if movement.end_to_end_id:
        candidates = candidates.filter(end_to_end_id=movement.end_to_end_id)
    elif movement.counterparty_iban:
        candidates = candidates.filter(counterparty_iban=movement.counterparty_iban)
    return candidates.select_related("entry", "case").order_by("-value_date", "-id").first()


def _returned_payment_of(movement: Movement, case: Case | None = None) -> Payment | None:
    """The SEPA payment a bank brings back (a credit marked as a return): a posted payment of
    the same amount, from this account, executed on or before the return and not returned yet;
    the one with the return's end-to-end id, else the latest one to the return's counterparty.
    Within a ``case`` the mediator chose, the only such payment of the case will do too."""
    if movement.amount <= 0:
        return None
    candidates = (
        Payment.objects.filter(
            case__organisation_id=movement.organisation_id,
            status=PaymentStatus.POSTED,
            amount=movement.amount,
            batch__debtor_iban=movement.account_iban,
            batch__execution_date__lte=movement.value_date,
            entry__isnull=False,
            entry__reversed_by__isnull=True,
        )
        .select_related("case", "entry")
        .order_by("-batch__execution_date", "-id")
    )
    if case is not None:
        candidates = candidates.filter(case=case)
    if movement.end_to_end_id:
        found = candidates.filter(end_to_end_id=movement.end_to_end_id).first()
        if found is not None:
            return found
    if movement.counterparty_iban:
        found = candidates.filter(beneficiary_iban=movement.counterparty_iban).first()
        if found is not None or case is None:
            return found
    if case is not None:
        only = list(candidates[:2])
        return only[0] if len(only) == 1 else None
    return None


def _post_return(movement: Movement, payment: Payment, *, by: User | None, today: date) -> str:
    """A transfer we sent, returned by the bank: its entry is reversed (the money comes back to
    the account, never as income), and the payment is marked returned, to prepare again."""
    payment = Payment.objects.select_for_update().select_related("case").get(pk=payment.pk)
    reason = movement.return_reason_display
    note = _("Virement SEPA %(e2e)s retourné par la banque, extrait n° %(n)s") % {
        "e2e": payment.end_to_end_id or "—",
        "n": movement.statement_number or "—",
    }
    if reason:
        note = f"{note} : {reason}"
    try:
        entry = entry_reverse(
            entry=payment.entry,
            by=by,
            today=today,
            value_date=movement.value_date,
            bank_reference=movement.identity,
            note=note[:255],
        )
    except ValidationError as exc:
        movement.suggested_case = payment.case
        movement.returned_payment = payment
        movement.note = _refused(exc)[:500]
        movement.save(update_fields=["suggested_case", "returned_payment", "note"])
        return "unmatched"
    payment.status = PaymentStatus.RETURNED
    payment.save(update_fields=["status"])
    movement.status = MovementStatus.POSTED
    movement.case = payment.case
    movement.entry = entry
    movement.match_method = MatchMethod.RETURN
    movement.returned_payment = payment
    movement.note = note[:500]
    movement.save(
        update_fields=["status", "case", "entry", "match_method", "returned_payment", "note"]
    )
    return "posted"


def _post_reversal(movement: Movement, *, by: User | None, today: date) -> str:
    """A reversal by the bank (CAMT ``RvslInd``, CODA transactions 49/99 or an R-transaction):
    the entry of the movement it cancels is reversed in the journal (``entry_reverse``, linked
    to it), never posted as new money. A returned transfer reverses the payment it brings back
    (``_post_return``)."""
    if movement.returned:
        payment = _returned_payment_of(movement)
        if payment is not None:
            return _post_return(movement, payment, by=by, today=today)
    original = _original_of(movement)
    if original is None:
        movement.note = _(
            "Contre-passation par la banque : le mouvement d'origine est introuvable parmi les "
            "mouvements comptabilisés ; imputez-la à la main."
        )[:500]
        movement.save(update_fields=["note"])
        return "unmatched"
    try:
        entry = entry_reverse(
            entry=original.entry,
            by=by,
            today=today,
            value_date=movement.value_date,
            bank_reference=movement.identity,
            note=(
                _("Contre-passation par la banque du mouvement du %(date)s (extrait n° %(n)s)")
                % {
                    "date": format_date(original.value_date),
                    "n": movement.statement_number or "—",
                }
            )[:255],
        )
    except ValidationError as exc:
        movement.suggested_case = original.case
        movement.note = _refused(exc)[:500]
        movement.save(update_fields=["suggested_case", "note"])
        return "unmatched"
    movement.status = MovementStatus.POSTED
    movement.case = original.case
    movement.entry = entry
    movement.match_method = MatchMethod.REVERSAL
    fields = ["status", "case", "entry", "match_method"]
    payment = Payment.objects.filter(movement=original, status=PaymentStatus.POSTED).first()
    if movement.returned and payment is not None:  # the payment's own movement, reversed
        payment.status = PaymentStatus.RETURNED
        payment.save(update_fields=["status"])
        movement.returned_payment = payment
        fields.append("returned_payment")
    movement.save(update_fields=fields)
    return "posted"


def _save(movement: Movement, fields: list[str]) -> None:
    """Insert a movement matched before it was saved (an import), else update ``fields``."""
    if movement.pk is None:
        movement.save()
    else:
        movement.save(update_fields=fields)


def match_and_post(
    movement: Movement, *, by: User | None, today: date, files: FileMatcher | None = None
) -> str:
    """Match a new movement and post it; returns "posted", "duplicates" (its payment was
    already posted when the batch was marked executed) or "unmatched". An import passes its
    ``FileMatcher`` and the movement unsaved: it is then written once, matched."""
    if movement.reversal or files is None:
        if movement.pk is None:
            movement.save()
        if movement.reversal:
            return _post_reversal(movement, by=by, today=today)
    match = _find_match(movement, files)
    if match.batch is not None or match.payment is not None:
        return _post_sepa(movement, match, by=by, today=today, files=files)
    if match.case is None or not match.category:
        movement.suggested_case = match.case
        movement.note = match.note[:500]
        _save(movement, ["suggested_case", "note"])
        return "unmatched"
    data = _entry_data(movement, category=match.category, standing_order=match.standing_order)
    try:
        entry = _post_movement(movement, match.case, data, by=by, today=today, files=files)
    except ValidationError as exc:
        movement.suggested_case = match.case
        movement.note = _refused(exc)[:500]
        _save(movement, ["suggested_case", "note"])
        return "unmatched"
    movement.status = MovementStatus.POSTED
    movement.case = match.case
    movement.entry = entry
    movement.match_method = match.method
    movement.rule = match.rule
    _save(movement, ["status", "case", "entry", "match_method", "rule"])
    return "posted"


def _post_sepa(
    movement: Movement, match: _Match, *, by: User | None, today: date, files: FileMatcher | None
) -> str:
    """A debit that brings back a SEPA batch or one of its payments."""
    if movement.pk is None:
        movement.save()
    if match.batch is not None:
        return _post_batch_movement(movement, match.batch, by=by, today=today)
    outcome = _post_payment_movement(movement, match.payment, by=by, today=today)
    if files is not None and outcome != "unmatched":
        files.payment_linked(match.payment)  # a refused one stays open, as in the database
    return outcome


class ImportPoster:
    """Matches and posts an import's new movements, as ``match_and_post`` does one by one,
    with a few queries per thousand movements: a movement matched to a case and a category
    waits, with the unmatched ones, to be posted with the others (``entry_post_many``, which
    checks each against its account as the ones before it leave it) and written in one
    INSERT; a reversal or a SEPA debit first writes what waits, then goes its own way
    (``match_and_post``), so the journals receive the entries in the file's order."""

    FLUSH_EVERY = 1000

    def __init__(self, files: FileMatcher, *, by: User | None, today: date) -> None:
        self.files = files
        self.by = by
        self.today = today
        self.counts = {"posted": 0, "duplicates": 0, "unmatched": 0}
        self._movements: list[Movement] = []
        self._postings: list[tuple[Movement, _Match, EntryData]] = []

    def add(self, movement: Movement) -> None:
        if movement.reversal:
            self.flush()
            self.counts[match_and_post(movement, by=self.by, today=self.today)] += 1
            if movement.returned_payment is not None:  # no longer open for a later debit
                self.files.payment_linked(movement.returned_payment)
            return
        match = _find_match(movement, self.files)
        if match.batch is not None or match.payment is not None:
            self.flush()
            outcome = _post_sepa(movement, match, by=self.by, today=self.today, files=self.files)
            self.counts[outcome] += 1
            return
        if match.case is None or not match.category:
            movement.suggested_case = match.case
            movement.note = match.note[:500]
            self.counts["unmatched"] += 1
        else:
            if not self.files.journal_opened(match.case):
                self.files.journal_open(match.case)
            data = _entry_data(
                movement, category=match.category, standing_order=match.standing_order
            )
            self._postings.append((movement, match, data))
        self._movements.append(movement)
        if len(self._movements) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Post what waits and write its movements."""
        postings, self._postings = self._postings, []
        movements, self._movements = self._movements, []
        results = entry_post_many(
            postings=[(match.case, data) for _movement, match, data in postings],
            by=self.by,
            today=self.today,
        )
        for (movement, match, _data), result in zip(postings, results, strict=True):
            if isinstance(result, ValidationError):
                movement.suggested_case = match.case
                movement.note = _refused(result)[:500]
                self.counts["unmatched"] += 1
                continue
            movement.status = MovementStatus.POSTED
            movement.case = match.case
            movement.entry = result
            movement.match_method = match.method
            movement.rule = match.rule
            self.counts["posted"] += 1
        Movement.objects.bulk_create(movements, batch_size=1000)


def payment_entry_data(payment: Payment, *, value_date: date, bank_reference: str, note: str):
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
    data = payment_entry_data(
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
    returned = _returned_payment_of(movement, case) if movement.returned else None
    if returned is not None:  # the bank's return of the case's payment: never new income
        return _assign_return(movement, returned, by=by, today=today), 0
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


def _assign_return(movement: Movement, payment: Payment, *, by: User, today: date):
    """A waiting return (its counterparty did not tell the payment): assigned to the case of
    the payment it brings back, it reverses that payment, as the import would have."""
    if _post_return(movement, payment, by=by, today=today) == "unmatched":
        raise ValidationError(movement.note)
    movement.assigned_by = by
    movement.assigned_at = timezone.now()
    movement.save(update_fields=["assigned_by", "assigned_at"])
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
