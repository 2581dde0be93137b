"""Posting to the mediation account. The database has the last word (triggers and checks, see
migrations 0002 and 0003); these services give the clear message first and keep the hash chain."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from stdnum import iban as std_iban

from accounts.models import Organisation, User
from audit.services import audit_changes, audit_creations, snapshot
from cases.models import Case
from cases.services import CaseData
from cases.status import CaseStatus
from claims.models import Claim, ClaimStatus
from core.dates import format_date
from core.ibans import is_valid_iban
from core.money import CENT, MAX_AMOUNT, format_eur

from .chain import GENESIS_HASH, entry_hash
from .models import Account, Category, Direction, Entry
from .selectors import fee_payment_allowance

# The largest amount an entry (and a balance) can hold: numeric(12, 2) in the database.
# A value date may not lie further in the future than this (a payment prepared for next week).
FUTURE_HORIZON = timedelta(days=31)


@dataclass
class EntryData:
    value_date: date
    direction: str
    amount: Decimal
    category: str
    counterparty: str = ""
    counterparty_iban: str = ""
    communication: str = ""
    standing_order: bool = False
    creditor_id: int | None = None
    authorisation: str = ""
    bank_reference: str = ""
    note: str = ""
    # Required for an entry valued after the case's closure or revocation (issue 17).
    settlement_reason: str = ""


@dataclass(frozen=True)
class AccountState:
    """An account as a new entry is checked against: the day it was opened, its balance and
    fee reserve before the entry, and the day the case was closed or revoked (None while it
    runs)."""

    opened_on: date
    balance: Decimal = Decimal("0.00")
    reserve: Decimal = Decimal("0.00")
    ended_on: date | None = None

    @classmethod
    def of(cls, account: Account, case: Case | None = None) -> "AccountState":
        return cls(
            opened_on=account.opened_on,
            balance=account.balance,
            reserve=account.reserve,
            ended_on=case_ended_on(case) if case is not None else None,
        )

    def after(self, data: EntryData) -> "AccountState":
        """The account once ``data`` is posted, as the database triggers update it (migration
        0002): a ``reserve_transfer`` moves money between the available part and the reserve
        (in = set aside, out = released); any other entry changes the balance, and a
        ``fee_payment`` out is drawn from the reserve first."""
        delta = data.amount if data.direction == Direction.IN else -data.amount
        if data.category == Category.RESERVE_TRANSFER:
            return replace(self, reserve=self.reserve + delta)
        reserve = self.reserve
        if data.category == Category.FEE_PAYMENT and data.direction == Direction.OUT:
            reserve = max(reserve - data.amount, Decimal("0.00"))
        return replace(self, balance=self.balance + delta, reserve=reserve)


class ClaimStanding(Protocol):
    """What a dividend looks at in a claim of its creditor (a ``Claim``, a ``ClaimData``)."""

    time_barred: bool
    status: str


def _account_errors(
    case: Case | CaseData, iban: str, opened_on: date | None, organisation_id: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if iban:
        try:
            std_iban.validate(iban)
        except Exception:
            errors["iban"] = _("« %(iban)s » n'est pas un IBAN valide.") % {"iban": iban}
        else:
            # One account per IBAN within the organisation: its bank statements are matched to
            # a case by the account's IBAN (banking.services.matching). Another
            # organisation's accounts are neither consulted nor revealed (a case moved to a
            # mediator of another organisation keeps its bundle's IBAN there).
            if (
                organisation_id is not None
                and Account.objects.filter(
                    iban=iban, case__organisation_id=organisation_id
                ).exists()
            ):
                errors["iban"] = _(
                    "Cet IBAN est déjà celui du compte de médiation d'un autre dossier."
                )
    adm = case.admissibility_date
    if opened_on and adm and opened_on < adm:
        errors["opened_on"] = _(
            "Le compte de médiation ne peut être ouvert avant l'ordonnance d'admissibilité "
            "(%(date)s)."
        ) % {"date": format_date(adm)}
    return errors


def account_validate(
    *,
    case: Case | CaseData,
    iban: str = "",
    opened_on: date | None = None,
    organisation: Organisation | None = None,
) -> None:
    """The checks of ``account_open`` without writing: a ``ValidationError`` keyed ``iban`` or
    ``opened_on``. ``case`` may be planned (``CaseData``): the IBAN is then looked up among the
    accounts of ``organisation`` (None: not looked up, e.g. an organisation not created yet).
    A case that has its account already passes (``account_open`` returns it)."""
    if isinstance(case, Case):
        if Account.objects.filter(case=case).exists():
            return
        organisation = case.organisation
    iban = std_iban.compact(iban or case.account_iban or "")
    errors = _account_errors(
        case,
        iban,
        opened_on or case.admissibility_date,
        organisation.pk if organisation is not None else None,
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_open(*, case: Case, iban: str = "", opened_on: date | None = None) -> Account:
    """Open the case's mediation account (one per case). Idempotent: when the account exists it
    is returned unchanged. ``iban`` is the bank sub-account (default: the case's IBAN)."""
    existing = Account.objects.filter(case=case).first()
    if existing is not None:
        return existing
    iban = std_iban.compact(iban or case.account_iban or "")
    opened_on = opened_on or case.admissibility_date
    errors = _account_errors(case, iban, opened_on, case.organisation_id)
    if errors:
        raise ValidationError(errors)
    account, _created = Account.objects.get_or_create(
        case=case, defaults={"iban": iban, "opened_on": opened_on}
    )
    return account


# the text fields of an entry, as long as the database stores them
_TEXT_FIELDS = (
    "counterparty",
    "communication",
    "authorisation",
    "bank_reference",
    "note",
    "settlement_reason",
)

# The statuses that end the procedure: the journal then takes only final settlement entries.
ENDED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.REVOKED})


def case_ended_on(case: Case) -> date | None:
    """The day of the decision that closed or revoked the case (None while it runs), read
    from the database as the posting sees it."""
    row = Case.objects.filter(pk=case.pk).values_list("status", "closure_date").first()
    if row is None or row[0] not in ENDED_STATUSES:
        return None
    return row[1]


def cases_ended_on(case_ids: list[int]) -> dict[int, date | None]:
    """``case_ended_on`` of many cases in one query: case id -> the day of the decision that
    closed or revoked it (None while it runs)."""
    return {
        pk: (closure_date if status in ENDED_STATUSES else None)
        for pk, status, closure_date in Case.objects.filter(pk__in=case_ids).values_list(
            "pk", "status", "closure_date"
        )
    }


def _after_closure_errors(data: EntryData, account: AccountState) -> dict[str, str]:
    """After the closure (art. 1675/14 C.J.: the mediator's last accounts) or the revocation
    (art. 1675/15) of the case, the journal accepts only the final settlement entries (the
    balance returned to the applicant, the last fees taxed, the bank's closing charges), each
    with its reason (issue 17). An entry valued on or before the decision belongs to the
    procedure that ran (a bank statement received late) and is posted as before."""
    if account.ended_on is None or data.value_date is None:
        return {}
    if data.value_date <= account.ended_on or data.settlement_reason.strip():
        return {}
    return {
        "settlement_reason": _(
            "Le dossier est clôturé ou révoqué depuis le %(date)s : le journal n'accepte plus "
            "que les écritures du règlement final, chacune avec son motif. Indiquez le motif de "
            "cette écriture."
        )
        % {"date": format_date(account.ended_on)}
    }


def _entry_errors(
    data: EntryData,
    account: AccountState,
    *,
    today: date,
    reversal: bool,
    payee_claims: Sequence[ClaimStanding] | None,
    taxed_unpaid: Decimal,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    amount = data.amount
    if not isinstance(amount, Decimal) or not amount.is_finite():
        errors["amount"] = _("Le montant est obligatoire (en euros, par exemple 1.234,56).")
    elif amount <= 0:
        errors["amount"] = _("Le montant doit être strictement positif.")
    elif amount != amount.quantize(CENT):
        errors["amount"] = _("Le montant a au plus deux décimales.")
    elif amount > MAX_AMOUNT:
        errors["amount"] = _("Le montant dépasse le maximum admis (%(max)s).") % {
            "max": format_eur(MAX_AMOUNT)
        }
    if data.direction not in Direction.values:
        errors["direction"] = _("Sens inconnu.")
    if data.category not in Category.values:
        errors["category"] = _("Catégorie inconnue.")
    if data.value_date is None:
        errors["value_date"] = _("La date valeur est obligatoire.")
    elif data.value_date > today + FUTURE_HORIZON:
        errors["value_date"] = _(
            "La date valeur ne peut dépasser de plus de %(days)s jours la date du jour."
        ) % {"days": FUTURE_HORIZON.days}
    elif data.value_date < account.opened_on:
        errors["value_date"] = _("La date valeur précède l'ouverture du compte (%(date)s).") % {
            "date": format_date(account.opened_on)
        }
    if data.counterparty_iban and not is_valid_iban(data.counterparty_iban):
        errors["counterparty_iban"] = _("IBAN de la contrepartie invalide.")
    for name in _TEXT_FIELDS:
        try:
            Entry._meta.get_field(name).run_validators(getattr(data, name))
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    errors.update(_after_closure_errors(data, account))
    if reversal:
        if "amount" not in errors:
            errors.update(_reversal_errors(account, data))
        return errors
    outgoing = data.direction == Direction.OUT
    # The rules of the category are reported together with the errors above (one round trip
    # for the user); the balance checks below need a valid amount and category.
    if data.category == Category.EXCEPTIONAL_EXPENSE and outgoing and not data.authorisation:
        errors["authorisation"] = _(
            "Une dépense exceptionnelle exige la référence de l'autorisation du tribunal."
        )
    if data.category == Category.DIVIDEND:
        errors.update(_dividend_errors(data, payee_claims))
    if errors:
        return errors
    if data.category == Category.FEE_PAYMENT and outgoing and data.amount > taxed_unpaid:
        errors["amount"] = _(
            "Paiement d'honoraires refusé : le montant taxé et non encore payé est de %(allowed)s."
        ) % {"allowed": format_eur(taxed_unpaid)}
    if data.category == Category.RESERVE_TRANSFER:
        delta = data.amount if data.direction == Direction.IN else -data.amount
        if account.reserve + delta < 0:
            errors["amount"] = _("La réserve pour honoraires n'est que de %(r)s.") % {
                "r": format_eur(account.reserve)
            }
        elif account.reserve + delta > account.balance:
            errors["amount"] = _("La réserve ne peut dépasser le solde (%(b)s).") % {
                "b": format_eur(account.balance)
            }
    elif outgoing and "amount" not in errors:
        spendable = account.balance - (
            Decimal("0") if data.category == Category.FEE_PAYMENT else account.reserve
        )
        if data.amount > spendable:
            errors["amount"] = _(
                "Ce paiement mettrait le compte en négatif : disponible %(available)s "
                "(solde %(balance)s dont réserve pour honoraires %(reserve)s)."
            ) % {
                "available": format_eur(spendable),
                "balance": format_eur(account.balance),
                "reserve": format_eur(account.reserve),
            }
    if data.category == Category.DIVIDEND and outgoing and "amount" not in errors:
        errors.update(_fees_first_errors(account, data, taxed_unpaid))
    return errors


def _reversal_errors(account: AccountState, data: EntryData) -> dict[str, str]:
    """A reversal (``data``, the opposite of its original) may not overdraw the account nor
    take the reserve out of ``0 <= reserve <= balance``."""
    if data.category == Category.RESERVE_TRANSFER:
        if data.direction == Direction.OUT and data.amount > account.reserve:
            return {
                "amount": _(
                    "La réserve pour honoraires n'est plus que de %(r)s : cette mise en réserve "
                    "ne peut être extournée."
                )
                % {"r": format_eur(account.reserve)}
            }
        if data.direction == Direction.IN and account.reserve + data.amount > account.balance:
            return {
                "amount": _(
                    "La réserve ne peut dépasser le solde (%(b)s) : cette libération ne peut "
                    "être extournée."
                )
                % {"b": format_eur(account.balance)}
            }
    elif data.direction == Direction.OUT and data.amount > account.balance - account.reserve:
        return {
            "amount": _(
                "L'extourne mettrait le compte en négatif : disponible %(available)s (solde "
                "%(balance)s dont réserve pour honoraires %(reserve)s)."
            )
            % {
                "available": format_eur(account.balance - account.reserve),
                "balance": format_eur(account.balance),
                "reserve": format_eur(account.reserve),
            }
        }
    return {}


def entry_validate(
    *,
    data: EntryData,
    account: AccountState,
    today: date,
    payee_claims: Sequence[ClaimStanding] | None = None,
    taxed_unpaid: Decimal = Decimal("0.00"),
    reversal: bool = False,
) -> None:
    """The checks of ``entry_post`` (of ``entry_reverse`` with ``reversal``: ``data`` is then
    the reversal) without writing, on plain data, so that an entry can be checked before its
    account exists: ``account`` as it stands before the entry (``AccountState.of(account)``;
    ``AccountState.after`` for the next one), ``today`` the posting day (the value date's
    horizon), ``payee_claims`` the claims in the case of the creditor a dividend names (None:
    it names none), ``taxed_unpaid`` what the court has taxed and is still unpaid
    (``fee_payment_allowance``). A ``ValidationError`` keyed by the fields of ``EntryData``."""
    errors = _entry_errors(
        data,
        account,
        today=today,
        reversal=reversal,
        payee_claims=payee_claims,
        taxed_unpaid=taxed_unpaid,
    )
    if errors:
        raise ValidationError(errors)


def _needs_database(data: EntryData, *, reversal: bool = False) -> bool:
    """Whether checking ``data`` reads more than its account's row: the claims of the creditor
    a dividend names, the fees taxed and unpaid (an outgoing fee payment or dividend)."""
    return (
        not reversal
        and data.direction == Direction.OUT
        and data.category in (Category.FEE_PAYMENT, Category.DIVIDEND)
    ) or (data.category == Category.DIVIDEND and bool(data.creditor_id) and not reversal)


def _validate(
    case: Case,
    account: Account,
    data: EntryData,
    *,
    today: date,
    reversal: bool,
    state: AccountState | None = None,
):
    """``entry_validate`` against the database: the account's row (or ``state``, the account
    as a batch being posted leaves it), the claims of the creditor a dividend names, the fees
    taxed and unpaid (read only when a rule needs them)."""
    outgoing = data.direction == Direction.OUT
    payee_claims = None
    if data.category == Category.DIVIDEND and data.creditor_id and not reversal:
        payee_claims = list(Claim.objects.filter(case=case, creditor_id=data.creditor_id))
    taxed_unpaid = Decimal("0.00")
    if outgoing and not reversal and data.category in (Category.FEE_PAYMENT, Category.DIVIDEND):
        taxed_unpaid = fee_payment_allowance(case)
    return _entry_errors(
        data,
        state if state is not None else AccountState.of(account, case),
        today=today,
        reversal=reversal,
        payee_claims=payee_claims,
        taxed_unpaid=taxed_unpaid,
    )


def _fees_first_errors(account: AccountState, data: EntryData, unpaid: Decimal) -> dict[str, str]:
    """Fees are a debt of the mass, paid by preference before any creditor (fees.md §8, art.
    1675/19 C.J.): a dividend may not take the money the taxed and unpaid fees need. The fee
    reserve is already out of a dividend's reach; so is, beyond it, what the taxed unpaid fees
    need. Other outgoing payments (living allowance, payments for the applicant, authorised
    expenses) are not creditors of the mass and are not held back."""
    if unpaid <= 0:
        return {}
    room = account.balance - max(account.reserve, unpaid)
    if data.amount <= room:
        return {}
    return {
        "amount": _(
            "Dividende refusé : les honoraires taxés et impayés (%(unpaid)s) se paient par "
            "préférence, avant les créanciers, et le solde du compte (%(balance)s) ne pourrait "
            "plus les payer. Payez d'abord les honoraires taxés ; au plus %(room)s peuvent "
            "aller aux créanciers."
        )
        % {
            "unpaid": format_eur(unpaid),
            "balance": format_eur(account.balance),
            "room": format_eur(max(room, Decimal("0.00"))),
        }
    }


def _dividend_errors(
    data: EntryData, payee_claims: Sequence[ClaimStanding] | None
) -> dict[str, str]:
    if data.direction != Direction.OUT:
        return {"direction": _("Un dividende est un paiement sortant.")}
    if payee_claims is None:
        return {"creditor_id": _("Un dividende désigne le créancier payé.")}
    if not payee_claims:
        return {"creditor_id": _("Ce créancier n'a pas déclaré de créance dans le dossier.")}
    if not any(not c.time_barred and c.status != ClaimStatus.REJECTED for c in payee_claims):
        return {
            "creditor_id": _(
                "Ce créancier est forclos ou ses créances sont rejetées : il ne reçoit pas de "
                "dividende."
            )
        }
    return {}


# What the audit trail records of a posted entry (the journal itself keeps the rest).
AUDITED_FIELDS = (
    "sequence",
    "value_date",
    "direction",
    "amount",
    "category",
    "counterparty",
    "counterparty_iban",
    "creditor_id",
    "reverses_id",
    "note",
    "settlement_reason",
)


def _entry(
    account: Account,
    data: EntryData,
    sequence: int,
    previous_hash: str,
    *,
    by: User | None,
    reverses: Entry | None,
) -> Entry:
    """The entry numbered ``sequence`` after the one whose hash is ``previous_hash``."""
    return Entry(
        account=account,
        sequence=sequence,
        value_date=data.value_date,
        direction=data.direction,
        amount=data.amount,
        category=data.category,
        counterparty=data.counterparty,
        counterparty_iban=std_iban.compact(data.counterparty_iban)
        if data.counterparty_iban
        else "",
        communication=data.communication,
        standing_order=data.standing_order,
        creditor_id=data.creditor_id,
        authorisation=data.authorisation,
        bank_reference=data.bank_reference,
        note=data.note,
        settlement_reason=data.settlement_reason.strip(),
        reverses=reverses,
        posted_by=by,
        previous_hash=previous_hash,
        hash=entry_hash(previous_hash, account.pk, sequence, data),
    )


def _insert(account: Account, data: EntryData, *, by: User | None, reverses: Entry | None):
    last = account.entries.order_by("-sequence").values_list("hash", flat=True).first()
    previous_hash = last or GENESIS_HASH
    entry = _entry(account, data, account.entry_count + 1, previous_hash, by=by, reverses=reverses)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        # The database refused it (overdraft under a concurrent posting, duplicate bank movement)
        raise ValidationError(
            {"amount": _("Écriture refusée par la base de données : %(reason)s") % {"reason": exc}}
        ) from exc
    audit_changes(
        actor=by, case=account.case, obj=entry, before={}, after=snapshot(entry, AUDITED_FIELDS)
    )
    return entry


@transaction.atomic
def entry_post(*, case: Case, data: EntryData, by: User | None, today: date) -> Entry:
    """Post one entry to the case's account (``today`` is the posting day, for the horizon)."""
    account = Account.objects.select_for_update().filter(case=case).first()
    if account is None:
        raise ValidationError(_("Aucun compte de médiation n'est ouvert pour ce dossier."))
    errors = _validate(case, account, data, today=today, reversal=False)
    if errors:
        raise ValidationError(errors)
    return _insert(account, data, by=by, reverses=None)


@transaction.atomic
def entry_post_many(
    *, postings: Sequence[tuple[Case, EntryData]], by: User | None, today: date
) -> list[Entry | ValidationError]:
    """Post many entries at once (a bank statement's movements): in the given order, each
    checked as ``entry_post`` checks it against its account as the entries before it in the
    batch leave it (``AccountState.after``), numbered and chained the same way, audited the
    same way. A refused posting comes back as its ``ValidationError`` and is not posted; the
    others are. A few queries for the whole batch (the accounts locked in one, their last
    hashes and bank references in two, one INSERT of entries, one of audit events) rather
    than several per entry; a posting whose checks read more (a dividend's creditor, taxed
    fees) first writes the entries before it, then is checked against the database as
    ``entry_post`` does. The database triggers still number, sum and refuse each row
    (migration 0002): they remain the last word."""
    case_ids = {case.pk for case, _data in postings}
    accounts = {
        account.case_id: account
        for account in Account.objects.select_for_update()
        .filter(case_id__in=case_ids)
        .order_by("pk")
    }
    by_id = {account.pk: account for account in accounts.values()}
    last_hash = dict(
        Entry.objects.filter(account_id__in=by_id, sequence=F("account__entry_count")).values_list(
            "account_id", "hash"
        )
    )
    references = {data.bank_reference for _case, data in postings if data.bank_reference}
    taken = set(
        Entry.objects.filter(account_id__in=by_id, bank_reference__in=references).values_list(
            "account_id", "bank_reference"
        )
    )
    cases = {case.pk: case for case, _data in postings}
    # With the case's closure or revocation date: after it, only settlement entries (issue 17).
    ended = cases_ended_on(list(cases))  # one query for the batch's cases
    states = {
        pk: AccountState(
            opened_on=account.opened_on,
            balance=account.balance,
            reserve=account.reserve,
            ended_on=ended.get(account.case_id),
        )
        for pk, account in by_id.items()
    }
    counts = {pk: account.entry_count for pk, account in by_id.items()}
    results: list[Entry | ValidationError] = []
    pending: list[tuple[Case, Entry]] = []
    for case, data in postings:
        account = accounts.get(case.pk)
        if account is None:
            results.append(
                ValidationError(_("Aucun compte de médiation n'est ouvert pour ce dossier."))
            )
            continue
        account.case = case
        if _needs_database(data):
            _insert_many(pending, by=by)  # the checks read what the batch wrote so far
            pending = []
        errors = _validate(
            case, account, data, today=today, reversal=False, state=states[account.pk]
        )
        if not errors and data.bank_reference and (account.pk, data.bank_reference) in taken:
            errors = {
                "bank_reference": _("Ce mouvement bancaire est déjà comptabilisé (%(ref)s).")
                % {"ref": data.bank_reference}
            }
        if errors:
            results.append(ValidationError(errors))
            continue
        previous_hash = last_hash.get(account.pk, GENESIS_HASH)
        sequence = counts[account.pk] + 1
        entry = _entry(account, data, sequence, previous_hash, by=by, reverses=None)
        pending.append((case, entry))
        results.append(entry)
        last_hash[account.pk] = entry.hash
        counts[account.pk] = sequence
        states[account.pk] = states[account.pk].after(data)
        if data.bank_reference:
            taken.add((account.pk, data.bank_reference))
    _insert_many(pending, by=by)
    return results


def _insert_many(pending: Sequence[tuple[Case, Entry]], *, by: User | None) -> None:
    if not pending:
        return
    try:
        with transaction.atomic():
            Entry.objects.bulk_create([entry for _case, entry in pending], batch_size=1000)
    except IntegrityError as exc:
        # Checked first, so only a breach of an invariant the checks missed ends here: the
        # whole batch is refused, nothing written.
        raise ValidationError(
            {
                "amount": _("Écritures refusées par la base de données : %(reason)s")
                % {"reason": exc}
            }
        ) from exc
    audit_creations(
        actor=by,
        created=[(case, entry, snapshot(entry, AUDITED_FIELDS)) for case, entry in pending],
    )


def entry_check(*, case: Case, data: EntryData, today: date) -> None:
    """The checks of ``entry_post`` for the case's account as it stands, without writing: a
    form that could not read every field still shows every other field's refusal at once
    (issue #16). Raises the ``ValidationError`` that ``entry_post`` would raise."""
    account = Account.objects.filter(case=case).first()
    if account is None:
        raise ValidationError(_("Aucun compte de médiation n'est ouvert pour ce dossier."))
    errors = _validate(case, account, data, today=today, reversal=False)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def entry_reverse(
    *,
    entry: Entry,
    by: User | None,
    today: date,
    note: str = "",
    value_date: date | None = None,
    bank_reference: str = "",
    settlement_reason: str = "",
) -> Entry:
    """Correct a mistake: post the opposite entry, linked to the original (never edit it).
    A reversal the bank made (a returned transfer) carries its own value date and the bank
    movement's identity (``bank_reference``)."""
    account = Account.objects.select_for_update().get(pk=entry.account_id)
    entry = Entry.objects.get(pk=entry.pk)
    if entry.reverses_id:
        raise ValidationError(_("Une extourne ne s'extourne pas : postez une nouvelle écriture."))
    if Entry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("Cette écriture a déjà été extournée."))
    data = EntryData(
        value_date=value_date or today,
        direction=Direction.OUT if entry.direction == Direction.IN else Direction.IN,
        amount=entry.amount,
        category=entry.category,
        counterparty=entry.counterparty,
        counterparty_iban=entry.counterparty_iban,
        communication=entry.communication,
        creditor_id=entry.creditor_id,
        authorisation=entry.authorisation,
        bank_reference=bank_reference,
        note=note or _("Extourne de l'écriture n° %(n)s") % {"n": entry.sequence},
        settlement_reason=settlement_reason,
    )
    errors = _validate(account.case, account, data, today=today, reversal=True)
    if errors:
        raise ValidationError(errors)
    return _insert(account, data, by=by, reverses=entry)
