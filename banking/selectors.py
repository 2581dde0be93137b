"""Read selectors of the banking app, scoped by organisation: another organisation's import,
movement, rule or batch is simply not in the queryset (a 404)."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from celery.result import AsyncResult
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agenda.registry import DutySpec
from budget.models import AllowanceDecision
from budget.selectors import allowance_installments
from cases.models import Case
from cases.selectors import case_queryset_for
from claims.models import Claim, ClaimStatus, Creditor
from core.roles import Role
from ledger.models import Account, Category, Direction, Entry

from .models import (
    BatchStatus,
    MatchingRule,
    Movement,
    MovementStatus,
    Payment,
    PaymentBatch,
    PaymentCategory,
    PaymentStatus,
    StatementBalance,
    StatementImport,
    StatementUpload,
)

READ_ROLES = (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR)
WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)


def _organisation_id(user: User) -> int | None:
    if not user.is_authenticated or not user.is_active or user.role not in READ_ROLES:
        return None
    return user.organisation_id


def can_import(user: User) -> bool:
    """Mediators and administrators of an organisation import statements and work the queue."""
    return _organisation_id(user) is not None and user.role in WRITE_ROLES


def imports_for(user: User) -> QuerySet[StatementImport]:
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return StatementImport.objects.none()
    return StatementImport.objects.filter(organisation_id=organisation_id).select_related(
        "imported_by"
    )


def import_get_for_user(user: User, pk: int) -> StatementImport:
    found = imports_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def import_earlier_of_same_file(statement_import: StatementImport) -> StatementImport | None:
    """The first import of the same file (same hash) in the organisation, before this one."""
    return (
        StatementImport.objects.filter(
            organisation_id=statement_import.organisation_id,
            file_hash=statement_import.file_hash,
            imported_at__lt=statement_import.imported_at,
        )
        .order_by("imported_at", "pk")
        .first()
    )


def upload_get_for_user(user: User, pk: int) -> StatementUpload:
    """A background import of the user's organisation (404 otherwise)."""
    organisation_id = _organisation_id(user)
    found = (
        StatementUpload.objects.filter(organisation_id=organisation_id, pk=pk)
        .select_related("statement_import")
        .first()
        if organisation_id is not None
        else None
    )
    if found is None:
        raise Http404
    return found


def upload_progress(upload: StatementUpload) -> int:
    """How far a background import is, in per cent (the task reports it to Celery's result
    backend; 0 while it waits, 100 once done)."""
    if upload.state == StatementUpload.State.DONE:
        return 100
    if upload.state != StatementUpload.State.RUNNING or not upload.task_id:
        return 0
    info = AsyncResult(upload.task_id).info
    if isinstance(info, dict) and info.get("total"):
        return min(99, int(100 * info.get("done", 0) / info["total"]))
    return 0


def movements_of_import(statement_import: StatementImport) -> QuerySet[Movement]:
    return statement_import.movements.select_related(
        "case", "suggested_case", "entry", "rule"
    ).order_by("account_iban", "statement_number", "sequence", "id")


def movements_for(user: User) -> QuerySet[Movement]:
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Movement.objects.none()
    return Movement.objects.filter(organisation_id=organisation_id)


def unmatched_queue(user: User) -> QuerySet[Movement]:
    return (
        movements_for(user)
        .filter(status=MovementStatus.UNMATCHED)
        .select_related("suggested_case", "statement_import")
        .order_by("value_date", "id")
    )


def movement_get_for_user(user: User, pk: int) -> Movement:
    found = (
        movements_for(user)
        .select_related("case", "suggested_case", "entry", "rule", "statement_import")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def rules_for(user: User) -> QuerySet[MatchingRule]:
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return MatchingRule.objects.none()
    return (
        MatchingRule.objects.filter(organisation_id=organisation_id, active=True)
        .select_related("case", "created_by")
        .annotate(movement_total=Count("movements"))
        .order_by("case__reference", "id")
    )


def rule_get_for_user(user: User, pk: int) -> MatchingRule:
    found = rules_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def assignable_cases(user: User) -> QuerySet[Case]:
    """Cases the user may post to: the designated mediator's own, every case for an
    organisation administrator."""
    cases = case_queryset_for(user).prefetch_related("applicants")
    if user.is_authenticated and user.role == Role.ADMINISTRATOR:
        return cases.order_by("reference")
    if user.is_authenticated and user.role == Role.MEDIATOR:
        return cases.filter(mediator=user).order_by("reference")
    return cases.none()


def organisation_creditors(user: User) -> QuerySet[Creditor]:
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Creditor.objects.none()
    return Creditor.objects.filter(organisation_id=organisation_id).order_by("name")


def participating_creditors(case: Case) -> QuerySet[Creditor]:
    """Creditors taking part in the case's plan (a claim neither time-barred nor rejected)."""
    claims = (
        Claim.objects.filter(case=case, time_barred=False)
        .exclude(status=ClaimStatus.REJECTED)
        .values("creditor_id")
    )
    return Creditor.objects.filter(pk__in=claims).order_by("name")


def pending_payments(case: Case) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(case=case, status=PaymentStatus.PENDING)
        .select_related("creditor", "created_by")
        .order_by("created_at", "id")
    )


def batches_of_case(case: Case) -> QuerySet[PaymentBatch]:
    payments = Payment.objects.select_related("creditor", "entry", "movement").order_by("id")
    return (
        PaymentBatch.objects.filter(case=case)
        .select_related("approved_by", "executed_by")
        .prefetch_related(Prefetch("payments", queryset=payments))
        .order_by("-approved_at", "-id")
    )


def batch_get_for_case(case: Case, pk: int) -> PaymentBatch:
    found = PaymentBatch.objects.filter(case=case, pk=pk).select_related("case").first()
    if found is None:
        raise Http404
    return found


def payment_get_for_case(case: Case, pk: int) -> Payment:
    found = Payment.objects.filter(case=case, pk=pk).first()
    if found is None:
        raise Http404
    return found


def payment_again_initial(case: Case, pk: str | None) -> dict | None:
    """The payment form filled from a payment the bank returned (``?a-nouveau=<pk>`` on the
    payments page), to prepare it again — the mediator corrects what made it come back (an
    account closed, a wrong IBAN) before saving. ``None`` for anything else."""
    if not pk or not str(pk).isdigit():
        return None
    payment = Payment.objects.filter(case=case, pk=int(pk), status=PaymentStatus.RETURNED).first()
    if payment is None:
        return None
    return {
        "category": payment.category,
        "amount": payment.amount,
        "creditor": payment.creditor_id,
        "beneficiary_name": payment.beneficiary_name,
        "beneficiary_iban": payment.beneficiary_iban,
        "beneficiary_bic": payment.beneficiary_bic,
        "structured_communication": payment.structured_communication,
        "communication": payment.communication,
        "standing_order": payment.standing_order,
        "authorisation": payment.authorisation,
    }


def open_batch_count(case: Case) -> int:
    return PaymentBatch.objects.filter(case=case, status=BatchStatus.APPROVED).count()


def case_movements(case: Case) -> QuerySet[Movement]:
    return Movement.objects.filter(Q(case=case) | Q(suggested_case=case)).order_by(
        "-value_date", "-id"
    )


# The living allowance's planned payments (issue 6) --------------------------------------------

TO_PREPARE = "to_prepare"
INSTALLMENT_STATUS_LABELS = {
    TO_PREPARE: _("À préparer"),
    PaymentStatus.PENDING: _("Préparé"),
    PaymentStatus.APPROVED: _("Approuvé"),
    PaymentStatus.POSTED: _("Comptabilisé"),
    PaymentStatus.CANCELLED: _("Annulé"),
    PaymentStatus.RETURNED: _("Retourné par la banque"),
}


@dataclass(frozen=True)
class PlannedInstallment:
    """An installment of the allowance's schedule (``budget.selectors.allowance_installments``)
    and the payment prepared for it, if any. ``payment`` is the live one (not cancelled);
    ``cancelled`` says a payment of this due date was cancelled and none replaces it: the
    installment is to prepare again."""

    due_on: date
    amount: Decimal
    standing_order: bool
    decision_id: int
    version_number: int
    payment: Payment | None = None
    cancelled: bool = False
    returned: bool = False  # the cancelled one is a transfer the bank returned

    @property
    def to_prepare(self) -> bool:
        return self.payment is None

    @property
    def status(self) -> str:
        if self.payment is not None:
            return self.payment.status
        if self.cancelled:
            return PaymentStatus.RETURNED if self.returned else PaymentStatus.CANCELLED
        return TO_PREPARE

    @property
    def status_label(self) -> str:
        return str(INSTALLMENT_STATUS_LABELS[self.status])

    @property
    def differs(self) -> bool:
        """Prepared under an earlier decision, or for another amount: still waiting, it can be
        withdrawn and prepared again."""
        return (
            self.payment is not None
            and self.payment.status == PaymentStatus.PENDING
            and (
                self.payment.amount != self.amount
                or self.payment.allowance_decision_id != self.decision_id
            )
        )


def planned_allowance_payments(case: Case, year: int, month: int) -> list[PlannedInstallment]:
    """For each due date of the month, the installment of the schedule that pays the month
    (``budget.selectors.allowance_installments``): the amount paid to the applicant, standing
    order or not, the decision and its budget version, and the payment already prepared for
    it. Nothing due after the case's closure."""
    installments = [
        due
        for due in allowance_installments(case, year, month)
        if case.closure_date is None or due.due_on <= case.closure_date
    ]
    if not installments:
        return []
    payments = Payment.objects.filter(
        case=case,
        category=PaymentCategory.LIVING_ALLOWANCE,
        allowance_decision__isnull=False,
        due_on__in=[due.due_on for due in installments],
    ).order_by("id")
    live: dict[date, Payment] = {}
    cancelled: set[date] = set()
    returned: set[date] = set()
    for payment in payments:
        if payment.status in (PaymentStatus.CANCELLED, PaymentStatus.RETURNED):
            cancelled.add(payment.due_on)  # to prepare again
            if payment.status == PaymentStatus.RETURNED:
                returned.add(payment.due_on)
        else:
            live[payment.due_on] = payment
    return [
        PlannedInstallment(
            due_on=due.due_on,
            amount=due.amount,
            standing_order=due.schedule.standing_order,
            decision_id=due.schedule.decision_id,
            version_number=due.schedule.version_number,
            payment=live.get(due.due_on),
            cancelled=due.due_on in cancelled and due.due_on not in live,
            returned=due.due_on in returned and due.due_on not in live,
        )
        for due in installments
    ]


@dataclass(frozen=True)
class PlannedMonth:
    """The allowance's installments of one month, for the case's "Paiements" page."""

    year: int
    month: int
    installments: list[PlannedInstallment]
    # Living-allowance entries of the journal dated in the month that no installment of the
    # schedule posted (paid by hand, or a standing order brought back by a statement rule).
    outside_schedule: int = 0

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def to_prepare(self) -> list[PlannedInstallment]:
        return [i for i in self.installments if i.to_prepare]

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.installments), Decimal("0.00"))


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _outside_schedule(case: Case, year: int, month: int) -> int:
    first = date(year, month, 1)
    last = date(year, month, monthrange(year, month)[1])
    return (
        Entry.objects.filter(
            account__case=case,
            category=Category.LIVING_ALLOWANCE,
            direction=Direction.OUT,
            value_date__range=(first, last),
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .exclude(sepa_payment__allowance_decision__isnull=False)
        .count()
    )


def allowance_months(case: Case, today: date) -> list[PlannedMonth]:
    """The current month and the next one."""
    months = [(today.year, today.month), next_month(today.year, today.month)]
    return [
        PlannedMonth(
            year=year,
            month=month,
            installments=planned_allowance_payments(case, year, month),
            outside_schedule=_outside_schedule(case, year, month),
        )
        for year, month in months
    ]


def allowance_fixed(case: Case) -> bool:
    """Whether a living allowance was ever fixed in the case (the Budget tab)."""
    return AllowanceDecision.objects.filter(version__case=case).exists()


@dataclass(frozen=True)
class AllowanceBeneficiary:
    name: str
    iban: str
    bic: str = ""


def allowance_beneficiary(case: Case) -> AllowanceBeneficiary | None:
    """Where the allowance goes: the account of the latest allowance payment prepared (not
    cancelled), else of the latest allowance paid from the journal (a standing order brought
    back by a statement, a payment encoded by hand); ``None`` when neither is known — the case
    has no field for the applicant's own account."""
    previous = (
        Payment.objects.filter(case=case, category=PaymentCategory.LIVING_ALLOWANCE)
        .exclude(status__in=[PaymentStatus.CANCELLED, PaymentStatus.RETURNED])
        .order_by("-created_at", "-id")
        .first()
    )
    if previous is not None:
        return AllowanceBeneficiary(
            previous.beneficiary_name, previous.beneficiary_iban, previous.beneficiary_bic
        )
    entry = (
        Entry.objects.filter(
            account__case=case,
            category=Category.LIVING_ALLOWANCE,
            direction=Direction.OUT,
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .exclude(counterparty_iban="")
        .order_by("-value_date", "-sequence")
        .first()
    )
    if entry is not None:
        return AllowanceBeneficiary(entry.counterparty[:70], entry.counterparty_iban)
    return None


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


# The agenda: payments waiting for the mediator's approval (issue #11) ----------------------

PAYMENT_APPROVAL_PENDING = "payment_approval_pending"


def prepared_on(payment: Payment) -> date:
    return timezone.localdate(payment.created_at)


def payment_approval_spec(day: date, payments: list[Payment]) -> DutySpec:
    """The duty of the payments prepared on ``day`` (its key) and waiting for approval: due
    that day, to approve before the earliest installment they carry falls due."""
    due = [p.due_on for p in payments if p.due_on is not None]
    return DutySpec(
        kind=PAYMENT_APPROVAL_PENDING,
        due_date=day,
        deadline=max(day, min(due)) if due else day,
    )


def payment_approval_specs(case: Case, start: date, end: date) -> list[DutySpec]:
    """One duty per day on which payments still waiting for approval were prepared."""
    days: dict[date, list[Payment]] = {}
    for payment in Payment.objects.filter(case=case, status=PaymentStatus.PENDING):
        day = prepared_on(payment)
        if start < day <= end:
            days.setdefault(day, []).append(payment)
    return [payment_approval_spec(day, found) for day, found in sorted(days.items())]


def payment_approval_specs_many(cases, start: date, end: date) -> dict[int, list[DutySpec]]:
    """``payment_approval_specs`` for many cases in one query."""
    days: dict[int, dict[date, list[Payment]]] = {}
    for payment in Payment.objects.filter(
        case_id__in=[case.pk for case in cases], status=PaymentStatus.PENDING
    ):
        day = prepared_on(payment)
        if start < day <= end:
            days.setdefault(payment.case_id, {}).setdefault(day, []).append(payment)
    return {
        case_id: [payment_approval_spec(day, found) for day, found in sorted(by_day.items())]
        for case_id, by_day in days.items()
    }


def payment_approvals_done(duties: list) -> dict[int, date]:
    """Duties whose day has no payment waiting any more (approved or cancelled): settled on
    the latest approval of that day's payments, else today."""
    if not duties:
        return {}
    case_id = duties[0].case_id
    by_day: dict[date, list[Payment]] = {}
    for payment in Payment.objects.filter(case_id=case_id).select_related("batch"):
        by_day.setdefault(prepared_on(payment), []).append(payment)
    done: dict[int, date] = {}
    for duty in duties:
        payments = by_day.get(duty.due_date, [])
        if any(p.status == PaymentStatus.PENDING for p in payments):
            continue
        approved = [timezone.localdate(p.batch.approved_at) for p in payments if p.batch_id]
        done[duty.pk] = max(approved) if approved else timezone.localdate()
    return done


def last_statement_balance(case: Case, iban: str) -> StatementBalance | None:
    """The closing balance of the last statement imported for the case's account (the latest
    closing date, then the latest imported): what the journal must agree with before anything
    goes to court (issue 12)."""
    if not iban:
        return None
    return (
        StatementBalance.objects.filter(organisation_id=case.organisation_id, account_iban=iban)
        .order_by("-closing_date", "-statement_import__imported_at", "-id")
        .first()
    )


def last_statement_balance_of_case(case: Case) -> StatementBalance | None:
    """``last_statement_balance(case, iban)`` of the case's mediation account's IBAN, without
    reading the account first: one query (None when the case has no account, its account no
    IBAN, or no statement was imported for it; the checks before filing, issue 15)."""
    ibans = Account.objects.filter(case=case).exclude(iban="").values("iban")
    return (
        StatementBalance.objects.filter(
            organisation_id=case.organisation_id, account_iban__in=ibans
        )
        .order_by("-closing_date", "-statement_import__imported_at", "-id")
        .first()
    )
