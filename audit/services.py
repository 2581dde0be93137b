"""Writing the audit trail: ``audit_record`` for one event, ``audit_changes`` for a change with
its values before and after (nothing recorded when nothing changed), ``snapshot`` to take those
values from an object. The apps that change sensitive data call them from their services; the
middleware records case pages read and files downloaded; the login signals land here too."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import User
from core.crypto import keyed_hash

from .models import AuditAction, AuditEvent

MASK = "••••"


def client_address(request) -> str | None:
    """The client's address as the server saw it (``REMOTE_ADDR``; behind a proxy, the proxy
    must set it from X-Forwarded-For itself: a header the client writes is not trusted)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates ISO, amounts as strings, model objects by their label and
    id."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return f"{value} (#{value.pk})"
    return str(value)


def masked(value: str) -> str:
    """A secret in the trail: its last two characters and a short keyed fingerprint (HMAC,
    ``core.crypto.keyed_hash``), enough to see that it changed and to compare two records, not
    to read it back nor to brute-force it without the key."""
    if not value:
        return ""
    fingerprint = keyed_hash(value)[:8]
    return f"{MASK}{value[-2:]} #{fingerprint}"


def snapshot(obj: Any, fields: Iterable[str], *, secret: Iterable[str] = ()) -> dict[str, Any]:
    """The values of ``fields`` of ``obj`` (None: {}), ``secret`` ones masked."""
    if obj is None:
        return {}
    secret = set(secret)
    return {
        name: masked(getattr(obj, name) or "") if name in secret else plain(getattr(obj, name))
        for name in fields
    }


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for every field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _actor(user) -> tuple[int | None, str, int | None]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", None
    return user.pk, user.get_username(), user.organisation_id


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor: User | None = None,
    case: Any = None,
    organisation_id: int | None = None,
    obj: Any = None,
    object_type: str = "",
    changes: Mapping[str, list] | None = None,
    detail: str = "",
    request: Any = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. ``case``: the case concerned (its id, reference and organisation are
    copied); ``obj``: the object acted upon (its type, id and label are copied);
    ``organisation_id``: whose administrator reads it (default: the case's, else the actor's).
    ``request`` gives the actor (when ``actor`` is None) and the client's address."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    actor_id, username, actor_organisation = _actor(actor)
    if organisation_id is None:
        organisation_id = getattr(case, "organisation_id", None) or actor_organisation
    if obj is not None and not object_type:
        object_type = obj._meta.label_lower
    event = _event(
        action=action,
        actor_id=actor_id,
        actor_name=actor_name or username,
        organisation_id=organisation_id,
        case=case,
        obj=obj,
        object_type=object_type,
        changes=changes,
        detail=detail,
    )
    event.ip_address = client_address(request)
    event.save()
    return event


def _event(
    *,
    action: str,
    actor_id: int | None,
    actor_name: str,
    organisation_id: int | None,
    case: Any,
    obj: Any,
    object_type: str,
    changes: Mapping[str, list] | None,
    detail: str,
) -> AuditEvent:
    return AuditEvent(
        action=action,
        organisation_id=organisation_id,
        actor_id=actor_id,
        actor_name=actor_name[:150],
        case_id=getattr(case, "pk", None),
        case_reference=(getattr(case, "reference", "") or "")[:64],
        object_type=object_type[:80],
        object_id=str(getattr(obj, "pk", "") or "")[:64],
        object_label=str(obj)[:255] if obj is not None else "",
        changes=dict(changes or {}),
        detail=detail[:255],
    )


def audit_changes(
    *,
    actor: User | None,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    case: Any = None,
    obj: Any = None,
    object_type: str = "",
    action: str = "",
    detail: str = "",
    organisation_id: int | None = None,
) -> AuditEvent | None:
    """Record what changed between two snapshots (``snapshot``): a creation when ``before`` is
    empty, a deletion when ``after`` is, a change otherwise; nothing when nothing changed."""
    changes = diff(before, after)
    if not changes:
        return None
    if not action:
        action = (
            AuditAction.CREATED
            if not before
            else AuditAction.DELETED
            if not after
            else AuditAction.CHANGED
        )
    return audit_record(
        action=action,
        actor=actor,
        case=case,
        obj=obj,
        object_type=object_type,
        changes=changes,
        detail=detail,
        organisation_id=organisation_id,
    )


@transaction.atomic
def audit_creations(
    *, actor: User | None, created: Sequence[tuple[Any, Any, Mapping[str, Any]]]
) -> list[AuditEvent]:
    """Record many creations at once (a batch of postings): each ``(case, obj, after)`` as
    ``audit_changes(actor=actor, case=case, obj=obj, before={}, after=after)`` records it,
    in one INSERT for the lot."""
    actor_id, username, actor_organisation = _actor(actor)
    events = []
    for case, obj, after in created:
        changes = diff({}, after)
        if not changes:
            continue
        events.append(
            _event(
                action=AuditAction.CREATED,
                actor_id=actor_id,
                actor_name=username,
                organisation_id=getattr(case, "organisation_id", None) or actor_organisation,
                case=case,
                obj=obj,
                object_type=obj._meta.label_lower,
                changes=changes,
                detail="",
            )
        )
    return AuditEvent.objects.bulk_create(events, batch_size=1000)


def record_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a successful login, with the user and the client's address."""
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)


def record_logout(sender, request, user, **kwargs) -> None:
    """``user_logged_out``: the end of a session by the user (the button, or "Se déconnecter
    partout" on this browser), with the client's address. A request without a logged-in user
    (an expired session) has no one to record."""
    if user is not None and user.is_authenticated:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)


def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed``: the name tried (a known user's organisation reads it) and the
    client's address; never the password (Django has already masked it)."""
    username = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=username).only("pk", "organisation_id").first()
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor=None,
        actor_name=username,
        organisation_id=known.organisation_id if known else None,
        request=request,
    )


def audit_download(request, *, obj: Any, case: Any = None, detail: str = "") -> AuditEvent:
    """A file served by a view that knows what it is (a filed document...): recorded with the
    object, and the middleware does not record the response again."""
    request.audit_recorded = True
    return audit_record(
        action=AuditAction.DOWNLOADED, request=request, case=case, obj=obj, detail=detail
    )
