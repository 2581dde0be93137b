"""The daily digest e-mail (agenda.services.send_daily_digests, an after-run hook of the daily
run): each mediator gets, once a day, their overdue items and today's; a second run of the
same day sends nothing again; a failed sending is retried by the next run."""

import os
import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import translation

from agenda import selectors, services
from agenda.models import DigestSent
from agenda.services import daily_run, digest_send, send_daily_digests
from mediation import settings as project_settings

from .agenda_helpers import LABEL, duty, follow_up, test_kind_fixture  # noqa: F401
from .factories import make_case

pytestmark = pytest.mark.django_db

RUN = date(2026, 3, 16)


@pytest.fixture
def mailboxes(world, test_kind):
    for user in (world.mediator, world.colleague, world.other_mediator, world.supervisor):
        user.email = f"{user.username}@example.be"
        user.save()
    return world


def test_one_digest_per_mediator_and_day_across_two_runs(mailboxes):
    world = mailboxes
    overdue = duty(world.case, RUN - timedelta(days=4))
    duty(world.case, RUN)
    duty(world.case, RUN + timedelta(days=2))  # not yet: not in the digest
    duty(world.other_case, RUN - timedelta(days=1))
    first = daily_run(run_date=RUN, catch_up_days=0)
    assert first.as_json()["digests"] == 2  # world.mediator and other_mediator
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mediator@example.be",
        "other_mediator@example.be",
    ]
    message = next(m for m in mail.outbox if m.to == ["mediator@example.be"])
    assert message.subject == "Agenda du 16/03/2026 : 1 en retard, 1 pour aujourd'hui"
    assert world.case.reference in message.body and LABEL in message.body
    assert "12/03/2026" in message.body  # the overdue item's deadline, fr-BE
    assert f"/dossiers/{world.case.pk}/honoraires/#controle-{overdue.due_date}" in message.body
    assert world.other_case.reference not in message.body
    assert "85073003328" not in message.body and "85.07.30" not in message.body

    second = daily_run(run_date=RUN)  # the same day again (a rerun, a second worker)
    assert second.as_json()["digests"] == 0
    assert len(mail.outbox) == 2
    assert DigestSent.objects.filter(date=RUN).count() == 2

    third = daily_run(run_date=RUN + timedelta(days=1))  # the next day: a new digest
    assert third.as_json()["digests"] == 2
    assert len(mail.outbox) == 4


def test_nothing_to_tell_no_mail_and_no_address_no_mail(mailboxes):
    world = mailboxes
    duty(world.case, RUN + timedelta(days=5))
    colleague_case = make_case(organisation=world.org, mediator=world.colleague, reference="N-2")
    duty(colleague_case, RUN)
    world.colleague.email = ""
    world.colleague.save()
    assert send_daily_digests(RUN) == {"digests": 0}
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_the_follow_ups_are_in_the_digest(mailboxes):
    world = mailboxes
    follow_up(world.case, world.mediator, RUN - timedelta(days=1), creditor_name="Engie")
    assert digest_send(user=world.mediator, run_date=RUN) is True
    assert "Rappel de négociation" in mail.outbox[0].body
    assert digest_send(user=world.mediator, run_date=RUN) is False
    assert len(mail.outbox) == 1


def test_a_failed_sending_leaves_no_row_and_is_retried(mailboxes, monkeypatch):
    world = mailboxes
    duty(world.case, RUN)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(services, "send_mail", broken)
    assert send_daily_digests(RUN) == {"digests": 0}  # logged, the run goes on
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    assert send_daily_digests(RUN) == {"digests": 1}
    assert DigestSent.objects.get().user == world.mediator
    assert len(mail.outbox) == 1


def test_a_row_written_first_by_another_worker_stops_the_sending(mailboxes):
    world = mailboxes
    duty(world.case, RUN)
    DigestSent.objects.create(user=world.mediator, date=RUN)
    assert digest_send(user=world.mediator, run_date=RUN) is False
    assert mail.outbox == []


def test_the_digest_is_in_french_whatever_the_active_language(mailboxes):
    world = mailboxes
    duty(world.case, RUN)
    with translation.override("nl"):
        digest_send(user=world.mediator, run_date=RUN)
    assert mail.outbox[0].subject.startswith("Agenda du 16/03/2026")
    assert "Pour aujourd'hui" in mail.outbox[0].body


@pytest.mark.skipif("EMAIL_BACKEND" in os.environ, reason="EMAIL_BACKEND is configured")
def test_console_backend_by_default():
    assert project_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest(mailboxes, monkeypatch):
    """Both workers find no row and prepare the digest at the same moment: the unique key lets
    one insert (and send); the other waits for it, is refused, and sends nothing."""
    world = mailboxes
    duty(world.case, RUN)
    barrier = threading.Barrier(2)
    real_items = selectors.digest_items

    def items_then_wait(user, today):
        found = real_items(user, today)
        barrier.wait(timeout=10)  # both have passed the "already sent?" check
        return found

    monkeypatch.setattr(selectors, "digest_items", items_then_wait)
    outcomes = []

    def worker():
        try:
            outcomes.append(digest_send(user=world.mediator, run_date=RUN))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]
    assert len(mail.outbox) == 1
    assert DigestSent.objects.filter(user=world.mediator, date=RUN).count() == 1
