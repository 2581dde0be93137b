"""The long-lived objects of the process are frozen out of the garbage collector's walks after
the first request (core/perf.py, issue 15: full collections over Django's startup objects cost
the account tab of a long journal a p95 of 160 ms), once only."""

import gc

from django.core.signals import request_finished

from core import perf


def _receivers() -> int:
    return len(request_finished._live_receivers(None)[0])


def test_first_request_freezes_the_survivors_once(client, db):
    gc.unfreeze()
    perf.freeze_after_first_request()
    listening = _receivers()
    assert gc.get_freeze_count() == 0

    client.get("/")
    assert gc.get_freeze_count() > 10_000  # settings, URLs, models, templates, catalogues
    assert _receivers() == listening - 1  # the receiver removed itself

    gc.unfreeze()
    client.get("/")
    assert gc.get_freeze_count() == 0  # not frozen again: once per process


def test_connected_once_however_often_installed():
    gc.unfreeze()
    perf.freeze_after_first_request()
    before = _receivers()
    perf.freeze_after_first_request()  # the same dispatch uid: still one receiver
    assert _receivers() == before
    request_finished.disconnect(dispatch_uid=perf._FROZEN)
    assert _receivers() == before - 1
