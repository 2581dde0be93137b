"""Read selectors of the banking app, scoped by organisation: another organisation's import,
movement, rule or batch is simply not in the queryset (a 404)."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from cases.models import Case
from cases.selectors import case_queryset_for
from claims.models import Claim, ClaimStatus, Creditor

from .models import (
    BatchStatus,
    MatchingRule,
    Movement,
    MovementStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
    StatementImport,
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


def open_batch_count(case: Case) -> int:
    return PaymentBatch.objects.filter(case=case, status=BatchStatus.APPROVED).count()


def case_movements(case: Case) -> QuerySet[Movement]:
    return Movement.objects.filter(Q(case=case) | Q(suggested_case=case)).order_by(
        "-value_date", "-id"
    )
