"""Reads about organisations' members and their logins, scoped to the reader."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import AuthenticatorDevice, User

LOGIN_EVENTS_SHOWN = 100


@dataclass(frozen=True)
class MemberSecurity:
    member: User
    locked: bool
    failures: int
    mfa_enrolled: bool


@dataclass(frozen=True)
class LoginEvent:
    at: datetime
    username: str
    ip_address: str | None
    success: bool


def organisation_member(*, actor: User, pk: int) -> User:
    """A member of the administrator's organisation (404 for anyone else)."""
    return get_object_or_404(User, pk=pk, organisation_id=actor.organisation_id)


def failures_by_username(usernames: list[str]) -> dict[str, int]:
    """Failed logins still counted (within the cool-off time) for each username."""
    attempts = AccessAttempt.objects.filter(username__in=usernames)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    rows = attempts.values("username").annotate(total=Sum("failures_since_start"))
    return {row["username"]: row["total"] or 0 for row in rows}


def organisation_members_security(*, actor: User) -> list[MemberSecurity]:
    """The administrator's organisation's members, with their lockout and second factor."""
    members = list(User.objects.filter(organisation_id=actor.organisation_id, is_active=True))
    failures = failures_by_username([m.username for m in members])
    enrolled = set(
        AuthenticatorDevice.objects.filter(user__in=members, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    return [
        MemberSecurity(
            member=m,
            locked=failures.get(m.username, 0) >= settings.AXES_FAILURE_LIMIT,
            failures=failures.get(m.username, 0),
            mfa_enrolled=m.pk in enrolled,
        )
        for m in members
    ]


def organisation_login_events(*, actor: User, limit: int = LOGIN_EVENTS_SHOWN) -> list[LoginEvent]:
    """The latest logins, accepted and refused, of the administrator's organisation's members
    (django-axes' access logs: user, address, time)."""
    usernames = list(
        User.objects.filter(organisation_id=actor.organisation_id).values_list(
            "username", flat=True
        )
    )
    successes = AccessLog.objects.filter(username__in=usernames).order_by("-attempt_time")[:limit]
    failures = AccessFailureLog.objects.filter(username__in=usernames).order_by("-attempt_time")[
        :limit
    ]
    events = [
        LoginEvent(at=e.attempt_time, username=e.username, ip_address=e.ip_address, success=True)
        for e in successes
    ] + [
        LoginEvent(at=e.attempt_time, username=e.username, ip_address=e.ip_address, success=False)
        for e in failures
    ]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
