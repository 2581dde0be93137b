"""Changes to the apps' sensitive records, recorded without each service having to call the
trail (issue 13): an app lists its models in its ``AppConfig.ready`` with ``track``, and every
creation, change and deletion of one of their rows is appended to the audit trail with the
values before and after, the user of the request that made it (``AuditMiddleware`` sets it;
a Celery task or a command has none) and the case or organisation it belongs to.

This is bookkeeping, not a business rule: no decision rides on these handlers, they only write
the trail. What a service already records itself with ``audit_changes`` (cases, claims, the
journal, a contact's update) is not tracked a second time. Bulk writes (``bulk_create``,
``update``) send no signal: the services that use them on sensitive data record themselves."""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from core.fields import EncryptedCharField

from .services import audit_changes, masked, plain

# The user of the request being answered (AuditMiddleware), or of ``acting_as``.
current_user: ContextVar[Any] = ContextVar("audit_current_user", default=None)

TEXT_KEPT = 500  # characters of a long text kept in the trail ("…" after)
CREATE, CHANGE, DELETE = "create", "change", "delete"


@contextmanager
def acting_as(user):
    """Changes made inside the block are recorded as ``user``'s (a service given its ``by``, a
    task acting for a user); None keeps the request's user."""
    if user is None:
        yield
        return
    token = current_user.set(user)
    try:
        yield
    finally:
        current_user.reset(token)


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    fields: tuple[models.Field, ...]
    case: Callable[[Any], Any] | None
    organisation: Callable[[Any], int | None] | None
    events: frozenset[str]


_tracked: dict[type[models.Model], Tracked] = {}


def _path(path: str | None) -> Callable[[Any], Any] | None:
    if not path:
        return None

    def get(obj):
        value = obj
        for name in path.split("."):
            try:
                value = getattr(value, name, None)
            except ObjectDoesNotExist:  # a parent deleted first (a cascade)
                return None
            if value is None:
                return None
        return value

    return get


def track(
    model: type[models.Model],
    *,
    case: str | None = "case",
    organisation: str | None = None,
    exclude: Iterable[str] = (),
    events: Iterable[str] = (CREATE, CHANGE, DELETE),
) -> None:
    """Record the creations, changes and deletions of ``model``'s rows. ``case``: the dotted
    path from a row to its case (None: no case); ``organisation``: the dotted path to its
    organisation's id when it has no case (the creditor directory); ``exclude``: fields left
    out of the before/after values (timestamps, caches)."""
    excluded = {"id", *exclude}
    fields = tuple(
        f
        for f in model._meta.concrete_fields
        if f.name not in excluded
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    )
    _tracked[model] = Tracked(
        model=model,
        fields=fields,
        case=_path(case),
        organisation=_path(organisation),
        events=frozenset(events),
    )
    uid = f"audit.track.{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid + ".pre")
    post_save.connect(_after_save, sender=model, dispatch_uid=uid + ".post")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + ".delete")


def tracked_models() -> tuple[type[models.Model], ...]:
    return tuple(_tracked)


def _value(field: models.Field, obj) -> Any:
    value = getattr(obj, field.attname)  # a foreign key by its id: no query
    if isinstance(field, EncryptedCharField):
        return masked(value or "")
    value = plain(value)
    if isinstance(value, str) and len(value) > TEXT_KEPT:
        return value[:TEXT_KEPT] + "…"
    if isinstance(value, dict | list):
        text = str(value)
        return text if len(text) <= TEXT_KEPT else text[:TEXT_KEPT] + "…"
    return value


def _values(spec: Tracked, obj) -> dict[str, Any]:
    return {field.name: _value(field, obj) for field in spec.fields}


def _before_save(sender, instance, raw=False, **kwargs):
    spec = _tracked.get(sender)
    if raw or spec is None or instance.pk is None or instance._state.adding:
        instance._audit_before = {}
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _values(spec, old) if old is not None else {}


def _record(spec: Tracked, obj, before, after) -> None:
    case = spec.case(obj) if spec.case else None
    organisation_id = spec.organisation(obj) if spec.organisation and case is None else None
    audit_changes(
        actor=current_user.get(),
        before=before,
        after=after,
        case=case,
        obj=obj,
        organisation_id=organisation_id,
    )


def _after_save(sender, instance, created, raw=False, **kwargs):
    spec = _tracked.get(sender)
    if raw or spec is None:
        return
    if (CREATE if created else CHANGE) not in spec.events:
        return
    before = {} if created else getattr(instance, "_audit_before", {})
    _record(spec, instance, before, _values(spec, instance))


def _after_delete(sender, instance, **kwargs):
    spec = _tracked.get(sender)
    if spec is None or DELETE not in spec.events:
        return
    _record(spec, instance, _values(spec, instance), {})
