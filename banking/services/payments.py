"""Payments out: prepared one by one, approved in a batch (a SEPA pain.001 file), executed or
cancelled; a payment posts to the journal once, whichever of its execution or its statement
movement comes first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum.be import iban as be_iban

from accounts.models import User
from agenda.selectors import open_duties
from agenda.services import duty_record, duty_settle
from budget.models import AllowanceDecision
from cases.models import Case
from cases.status import CaseStatus
from claims.models import Claim, ClaimStatus, Creditor
from claims.selectors import CEILING_FIELDS, claim_counts_toward_ceiling
from core.dates import format_date
from core.money import CENT, format_eur
from ledger.models import Account, Entry
from ledger.selectors import paid_vs_admitted
from ledger.services import FUTURE_HORIZON, entry_post

from .. import selectors
from ..communications import structured_digits
from ..models import (
    BatchStatus,
    Payment,
    PaymentBatch,
    PaymentCategory,
    PaymentStatus,
)
from ..sepa import Transfer, sepa_country_error, sepa_text, sepa_text_error, write_pain001
from .matching import payment_entry_data


def _approval_duties_record(case: Case, payment: Payment) -> None:
    """The agenda shows the payments waiting for approval (``payment_approval_pending``): the
    day's duty is recorded as soon as a payment is prepared (the daily run would see a
    payment prepared after its passage only the next day, outside its window)."""
    day = selectors.prepared_on(payment)
    waiting = [p for p in selectors.pending_payments(case) if selectors.prepared_on(p) == day]
    duty_record(case=case, spec=selectors.payment_approval_spec(day, waiting or [payment]))


def _approval_duties_settle(case: Case, by: User | None, note: str) -> None:
    duties = open_duties(case=case, kind=selectors.PAYMENT_APPROVAL_PENDING)
    done = selectors.payment_approvals_done(duties)
    for duty in duties:
        on = done.get(duty.pk)
        if on is not None:
            duty_settle(duty=duty, on=on, by=by, note=note)


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
    claims = list(
        Claim.objects.filter(case=case, creditor=creditor).only("creditor_id", *CEILING_FIELDS)
    )
    if not claims:
        return _("%(name)s n'a pas déclaré de créance dans ce dossier.") % {"name": creditor.name}
    if all(c.time_barred or c.status == ClaimStatus.REJECTED for c in claims):
        return _(
            "%(name)s est forclos ou ses créances sont rejetées : il ne reçoit pas de dividende."
        ) % {"name": creditor.name}
    if not any(claim_counts_toward_ceiling(c) for c in claims):
        # the ceiling's one definition (claims.selectors, docs/plan-rules.md): only an accepted
        # claim is paid; a pending or contested one waits for the mediator's decision
        return _(
            "%(name)s n'a aucune créance admise dans ce dossier : ses créances sont contestées "
            "ou en attente de vérification. Admettez-en une (onglet Créances) avant de lui "
            "payer un dividende."
        ) % {"name": creditor.name}
    return None


# The plan's execution (docs/plan-rules.md): a dividend needs a plan approved by the court
# (homologated or imposed, art. 1675/10 §5 and 1675/12-13 C.J.) or a court authorisation.
PLAN_IN_FORCE = frozenset({CaseStatus.AMICABLE_PLAN, CaseStatus.JUDICIAL_PLAN})


def _dividend_authority_error(case: Case, authorisation: str) -> str | None:
    if case.status in PLAN_IN_FORCE or authorisation.strip():
        return None
    return _(
        "Aucun plan n'est homologué ou imposé dans ce dossier : un dividende n'est payé qu'en "
        "exécution d'un plan approuvé par le tribunal, ou sur son autorisation (indiquez-en la "
        "référence)."
    )


def _beyond_claim_error(
    case: Case, creditor: Creditor, amount: Decimal, exclude: Payment | None = None
) -> str | None:
    """A creditor is never paid beyond its admitted claim (ledger.selectors.paid_vs_admitted):
    the dividends paid, those prepared and not posted yet, and this one."""
    standing = paid_vs_admitted(case).get(creditor.pk)
    admitted = standing.admitted if standing else Decimal("0.00")
    paid = standing.paid if standing else Decimal("0.00")
    waiting = Payment.objects.filter(
        case=case,
        creditor=creditor,
        category=PaymentCategory.DIVIDEND,
        status__in=(PaymentStatus.PENDING, PaymentStatus.APPROVED),
        entry__isnull=True,
    )
    if exclude is not None:
        waiting = waiting.exclude(pk=exclude.pk)
    prepared = waiting.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    if paid + prepared + amount <= admitted:
        return None
    return _(
        "%(name)s serait payé au-delà de sa créance admise : admis %(admitted)s, déjà payé "
        "%(paid)s, en attente %(prepared)s ; ce dividende de %(amount)s le dépasse de "
        "%(over)s. Il peut encore recevoir %(room)s."
    ) % {
        "name": creditor.name,
        "admitted": format_eur(admitted),
        "paid": format_eur(paid),
        "prepared": format_eur(prepared),
        "amount": format_eur(amount),
        "over": format_eur(paid + prepared + amount - admitted),
        "room": format_eur(max(admitted - paid - prepared, Decimal("0.00"))),
    }


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
        authority = _dividend_authority_error(case, data.authorisation)
        if error:
            errors["creditor"] = error
        elif data.creditor.organisation_id != case.organisation_id:
            errors["creditor"] = _("Ce créancier n'est pas dans l'annuaire de l'organisation.")
        elif authority:
            errors["authorisation"] = authority
        elif "amount" not in errors and (
            beyond := _beyond_claim_error(case, data.creditor, amount)
        ):
            errors["amount"] = beyond
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
    elif iban and sepa_country_error(iban):
        errors["beneficiary_iban"] = sepa_country_error(iban)
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
    if name and not sepa_text(name) and "beneficiary_name" not in errors:
        errors["beneficiary_name"] = sepa_text_error(name, _("Le nom du bénéficiaire"))
    if sepa_text_error(data.communication, _("La communication")):
        errors["communication"] = sepa_text_error(data.communication, _("La communication"))
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
        error = _overdraft_error(account, selectors.committed_amount(case), data.amount)
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
            % {"date": format_date(data.due_on)}
        ) from exc
    _approval_duties_record(case, payment)
    return payment


@transaction.atomic
def payment_cancel(*, payment: Payment) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.PENDING:
        raise ValidationError(_("Seul un paiement qui n'est pas encore approuvé peut être retiré."))
    payment.status = PaymentStatus.CANCELLED
    payment.save(update_fields=["status"])
    _approval_duties_settle(payment.case, None, _("Paiement retiré"))
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
            error = _dividend_error(case, payment.creditor) or _beyond_claim_error(
                case, payment.creditor, payment.amount, exclude=payment
            )
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
    _approval_duties_settle(case, by, _("Paiements approuvés"))
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
        data = payment_entry_data(
            payment,
            value_date=batch.execution_date,
            bank_reference=f"SEPA|{payment.end_to_end_id}",
            note=_("Paiement SEPA %(e2e)s (lot du %(date)s)")
            % {"e2e": payment.end_to_end_id, "date": format_date(batch.execution_date)},
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
