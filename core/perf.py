"""Rendering shortcuts measured by the benchmark (issue 15), installed from ``CoreConfig.ready``.

``Model.get_FOO_display()`` in Django rebuilds a dictionary of every choice on each call, and
hashing each lazily translated label translates it: a caseload page of 50 rows showing a
division and a status translated about 1,100 labels per request (12 ms of a 28 ms page). Here
the dictionary is built once per field, keyed by value, with the labels kept lazy, so the label
still follows the reader's language and only the label shown is translated.

``freeze_after_first_request`` moves every object alive after the first request (Django's
settings, URL resolvers, compiled templates, models' metadata, the translation catalogues:
several hundred thousand long-lived objects) to the garbage collector's permanent generation.
Without it, each full collection walks them all again: on the account tab of a long journal one
request in ten paid a ~100 ms pass (p95 160 ms for a 35 ms median). The first request is the one
that loads what the process keeps (templates, lazy catalogues); objects freed later are still
freed by reference counting, and cycles created after the freeze are still collected.
"""

import gc
from functools import partialmethod

from django.apps import apps
from django.core.signals import request_finished
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_ATTRIBUTE = "_rcd_display_choices"


def _display_choices(field) -> dict:
    cached = field.__dict__.get(_ATTRIBUTE)
    if cached is None:
        cached = {make_hashable(value): label for value, label in field.flatchoices}
        if isinstance(field.choices, (list, tuple)):  # not a callable's choices: they may change
            field.__dict__[_ATTRIBUTE] = cached
    return cached


def _get_field_display(self, field):
    value = getattr(self, field.attname)
    return force_str(_display_choices(field).get(make_hashable(value), value), strings_only=True)


def install() -> None:
    """Replace the ``get_FOO_display`` methods Django attached to every loaded model (they hold
    the original function, so patching ``Model`` alone would reach only models defined later)."""
    original = models.Model._get_FIELD_display
    models.Model._get_FIELD_display = _get_field_display
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if isinstance(method, partialmethod) and method.func is original:
                setattr(model, name, partialmethod(_get_field_display, field=field))


_FROZEN = "rcd_perf_freeze"


def _freeze_once(sender=None, **kwargs) -> None:
    """Run once, after the process's first request: a collection of what the first request left
    unreachable, then the survivors frozen (out of every later collection's walk)."""
    request_finished.disconnect(dispatch_uid=_FROZEN)
    gc.collect()
    gc.freeze()


def freeze_after_first_request() -> None:
    request_finished.connect(_freeze_once, dispatch_uid=_FROZEN, weak=False)
