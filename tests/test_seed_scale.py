"""``manage.py seed_scale`` (issue 15): bulk data that keeps the journal's invariants (numbers
without gaps, never a negative balance, the account's balance and count, the hash chain),
deterministic, refused in production and outside PostgreSQL."""

import random
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Sum
from stdnum import iban

from bundles.scale import Org, ScaleSeeder, be_iban
from cases.models import Applicant, Case
from core.divisions import Division
from documents.models import Document
from ledger.models import Account, Entry
from ledger.selectors import verify_chain

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seed_scale loads with PostgreSQL's COPY"
)


def test_refused_in_production(monkeypatch):
    monkeypatch.setenv("DJANGO_ENV", "production")
    with pytest.raises(CommandError, match="production"):
        call_command("seed_scale", cases=3, stdout=StringIO())
    assert not Case.objects.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal of other databases")
def test_refused_outside_postgresql():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_scale", cases=3, stdout=StringIO())


def test_the_same_seed_draws_the_same_cases_and_journals():
    def draw(seed: int):
        seeder = ScaleSeeder(cases=10, seed=seed, today=date(2026, 12, 3), log=lambda _m: None)
        org = Org(id=1, weight=1.0, mediators=[5, 6])
        org.creditors = [(100 + n, f"Créancier {n}", be_iban(n + 1)) for n in range(30)]
        plans = [seeder._case_plan(n, org) for n in range(10)]
        journals = []
        for p in plans:
            p["applicant"], p["creditors"], p["dividend"] = "DUBOIS Marie", org.creditors[:5], None
            journals.append(seeder._journal(random.Random(p["index"]), p))
        return plans, journals

    assert draw(4) == draw(4)
    assert draw(4) != draw(5)


def test_generated_ibans_are_valid():
    assert all(iban.is_valid(be_iban(n)) for n in (1, 97, 123_456_789, 9_999_999_999))


@postgresql_only
def test_bulk_data_keeps_the_journal_s_invariants():
    out = StringIO()
    call_command("seed_scale", cases=40, seed=3, stdout=out)
    assert "seed_scale: 40 cases" in out.getvalue()
    assert Case.objects.count() == 40
    assert set(Case.objects.values_list("division", flat=True)) <= set(Division.values)
    claims = Case.objects.values_list("claims__case").distinct().count()
    assert claims == 40
    # the caseload's sort by applicant, kept as cases.services keeps it
    firsts = dict(Applicant.objects.filter(position=1).values_list("case_id", "last_name"))
    assert dict(Case.objects.values_list("pk", "applicant_sort_name")) == firsts
    for account in Account.objects.filter(entry_count__gt=0)[:10]:
        entries = account.entries.order_by("sequence")
        assert list(entries.values_list("sequence", flat=True)) == list(
            range(1, account.entry_count + 1)
        )
        signed = sum(e.signed_amount for e in entries)
        assert signed == account.balance >= 0
        running = Decimal("0")
        for entry in entries:
            running += entry.signed_amount
            assert running >= 0
        assert verify_chain(account) == []
    assert Entry.objects.aggregate(n=Sum("amount"))["n"] > 0
    filed = Document.objects.filter(filed_at__isnull=False)
    assert filed.exists() and not filed.filter(filed_division="").exists()
    # the posting trigger is back: a wrong number is refused as before
    with pytest.raises(Exception, match="out of sequence"), transaction.atomic():
        Entry.objects.create(
            account=account, sequence=1, value_date=date(2026, 1, 1), direction="in",
            amount=Decimal("1.00"), category="income", previous_hash="0", hash="0",
        )  # fmt: skip
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_scale", cases=2, seed=3, stdout=StringIO())
