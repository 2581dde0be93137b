"""Posting many entries at once (``ledger.services.entry_post_many``, issue #15: a bank file of
10,000 movements): the same invariants as ``entry_post`` one by one — numbering, hash chain,
negative balance refused, audit trail — with a number of queries that does not grow with the
batch. Runs on SQLite and, with ``DATABASE_URL``, on PostgreSQL (the triggers of migration 0002
number and sum each row of the multi-row INSERT)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from ledger.models import Account, Entry
from ledger.selectors import verify_chain
from ledger.services import EntryData, account_open, entry_post, entry_post_many

from .factories import make_case

TODAY = date(2023, 3, 1)
D = Decimal


def data(amount, category="income", direction="in", day=date(2022, 7, 1), **kw):
    return EntryData(value_date=day, direction=direction, amount=D(amount), category=category, **kw)


@pytest.fixture
def cases(world):
    second = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-B")
    account_open(case=world.case)
    account_open(case=second)
    return world.case, second


def test_a_batch_is_numbered_chained_summed_and_audited(world, cases):
    first, second = cases
    entry_post(case=first, data=data("10.00"), by=world.mediator, today=TODAY)  # the chain goes on
    postings = [
        (first, data("100.00", bank_reference="A1")),
        (second, data("50.00", bank_reference="B1")),
        (first, data("30.00", "living_allowance", "out", bank_reference="A2")),
        (second, data("20.00", "payment_on_behalf", "out", bank_reference="B2")),
        (first, data("5.55", bank_reference="A3")),
    ]
    results = entry_post_many(postings=postings, by=world.mediator, today=TODAY)
    assert all(isinstance(r, Entry) and r.pk for r in results)
    assert [r.sequence for r in results] == [2, 1, 3, 2, 4]
    for case, balance, count in ((first, "85.55", 4), (second, "30.00", 2)):
        account = Account.objects.get(case=case)
        assert (account.balance, account.entry_count) == (D(balance), count)
        assert verify_chain(account) == []
    stored = Entry.objects.get(pk=results[2].pk)
    assert (stored.previous_hash, stored.hash) == (results[0].hash, results[2].hash)
    events = AuditEvent.objects.filter(object_type="ledger.entry")
    assert events.count() == 6  # the one posted alone and the five of the batch
    event = events.get(object_id=str(results[3].pk))
    assert (event.case_id, event.actor_id) == (second.pk, world.mediator.pk)
    assert event.changes["amount"] == [None, "20.00"]


def test_a_payment_that_would_overdraw_is_refused_and_the_others_posted(world, cases):
    first, _second = cases
    results = entry_post_many(
        postings=[
            (first, data("100.00")),
            (first, data("150.00", "payment_on_behalf", "out")),  # 100 available
            (first, data("60.00", "payment_on_behalf", "out")),
            (first, data("50.00", "payment_on_behalf", "out")),  # 40 left
            (first, data("40.00", "payment_on_behalf", "out")),
        ],
        by=world.mediator,
        today=TODAY,
    )
    refused = [i for i, r in enumerate(results) if isinstance(r, ValidationError)]
    assert refused == [1, 3]
    assert "mettrait le compte en négatif" in results[1].message_dict["amount"][0]
    assert "disponible 40,00\xa0€" in results[3].message_dict["amount"][0]
    account = Account.objects.get(case=first)
    assert (account.balance, account.entry_count) == (D("0.00"), 3)
    assert [e.sequence for e in account.entries.order_by("sequence")] == [1, 2, 3]
    assert verify_chain(account) == []


def test_the_same_bank_movement_is_not_posted_twice(world, cases):
    first, _second = cases
    entry_post(case=first, data=data("10.00", bank_reference="X"), by=None, today=TODAY)
    results = entry_post_many(
        postings=[
            (first, data("10.00", bank_reference="X")),  # already in the journal
            (first, data("20.00", bank_reference="Y")),
            (first, data("20.00", bank_reference="Y")),  # twice in the batch
        ],
        by=None,
        today=TODAY,
    )
    assert [isinstance(r, ValidationError) for r in results] == [True, False, True]
    assert "déjà comptabilisé" in results[0].message_dict["bank_reference"][0]
    assert Account.objects.get(case=first).balance == D("30.00")


def test_checks_of_entry_post_apply_and_an_account_is_required(world, cases):
    first, _second = cases
    without = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-C")
    results = entry_post_many(
        postings=[
            (without, data("10.00")),
            (first, data("10.00", day=date(2023, 6, 1))),  # beyond the horizon
            (first, data("500.00")),
            (first, data("100.00", "fee_payment", "out")),  # nothing taxed: read in the database
            (first, data("10.00", "dividend", "out")),  # names no creditor
            (first, data("10.00", "payment_on_behalf", "out")),
        ],
        by=None,
        today=TODAY,
    )
    assert "Aucun compte de médiation" in results[0].messages[0]
    assert set(results[1].message_dict) == {"value_date"}
    assert isinstance(results[2], Entry)
    assert "Paiement d'honoraires refusé" in results[3].message_dict["amount"][0]
    assert set(results[4].message_dict) == {"creditor_id"}
    assert isinstance(results[5], Entry) and results[5].sequence == 2
    account = Account.objects.get(case=first)
    assert (account.balance, account.entry_count) == (D("490.00"), 2)
    assert verify_chain(account) == []


def test_an_empty_batch_writes_nothing(world):
    assert entry_post_many(postings=[], by=None, today=TODAY) == []


def test_the_queries_of_a_batch_do_not_grow_with_its_size(world, cases):
    first, second = cases
    counts = []
    for size in (4, 40):
        postings = [
            (first if index % 2 else second, data("1.00", bank_reference=f"{size}-{index}"))
            for index in range(size)
        ]
        with CaptureQueriesContext(connection) as queries:
            entry_post_many(postings=postings, by=world.mediator, today=TODAY)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert Account.objects.get(case=first).entry_count == 22


def test_the_queries_of_a_batch_do_not_grow_with_its_accounts(world, cases):
    """The cases' closure states are read in one query for the batch (issue 15: a bank file
    posts to many accounts), and a closed case's account still refuses a late entry."""
    first, second = cases

    def run(targets, tag):
        postings = [
            (case, data("1.00", bank_reference=f"{tag}-{index}"))
            for index, case in enumerate(targets)
        ]
        with CaptureQueriesContext(connection) as queries:
            results = entry_post_many(postings=postings, by=world.mediator, today=TODAY)
        return len(queries.captured_queries), results

    more = []
    for n in range(6):
        case = make_case(organisation=world.org, mediator=world.mediator, reference=f"NAM-C{n}")
        account_open(case=case)
        more.append(case)
    few, _results = run([first, second], "few")
    many, _results = run([first, second, *more], "many")
    assert many == few
    Case = type(first)
    Case.objects.filter(pk=more[0].pk).update(status="closed", closure_date=date(2022, 6, 20))
    _count, results = run([first, more[0]], "closed")
    assert isinstance(results[1], ValidationError) and not isinstance(results[0], ValidationError)
