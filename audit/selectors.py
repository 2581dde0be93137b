"""Reading the audit trail: the organisation's administrator and supervisors read their own
organisation's events (the actions of its members, on its cases, and the clerks' downloads of
its filed documents); nobody else reads any."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from core.roles import Role

from .models import AuditEvent

AUDIT_ROLES = (Role.ADMINISTRATOR, Role.SUPERVISOR)


def can_read_audit(user: User) -> bool:
    return user.is_authenticated and user.organisation_id is not None and user.role in AUDIT_ROLES


@dataclass
class AuditFilters:
    case: str = ""  # a reference (or part of it) or a case number
    actor: int | None = None
    action: str = ""


def audit_members(user: User) -> QuerySet[User]:
    """The organisation's members, to filter the trail by user."""
    return User.objects.filter(organisation_id=user.organisation_id).order_by(
        "last_name", "first_name", "username"
    )


def audit_events_for(user: User, filters: AuditFilters) -> QuerySet[AuditEvent]:
    if not can_read_audit(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(organisation_id=user.organisation_id)
    term = filters.case.strip()
    if term:
        found = Q(case_reference__icontains=term)
        if term.isdigit():
            found |= Q(case_id=int(term))
        events = events.filter(found)
    if filters.actor:
        events = events.filter(actor_id=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    return events.order_by("-at", "-id")
