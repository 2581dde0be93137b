"""Benchmark of the fee engine on a 7-year case (issue #15): prints figures, asserts nothing.

    .venv/bin/python scripts/bench_fee_engine.py [--services 500] [--payments 4700] [--runs 20]

Builds a throw-away test database (SQLite in memory unless DATABASE_URL says otherwise, then
``test_<name>``) and one case admitted seven years ago with ``--services`` billable services and
``--payments`` billable outgoing payments (a monthly living allowance by standing order, the
rest dividends and payments on behalf) spread over the seven years. It then times, for the
last year, the statement as ``fees.facts.compute_case_statement`` computes it (the facts of the
period only) and as it was computed before (every fact of the case), median of ``--runs``,
with the time spent reading the facts and the query count, and checks both give the same
statement. Target of the issue: 50 ms.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

ADMITTED = date(2019, 3, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=500)
    parser.add_argument("--payments", type=int, default=4700)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    print(f"test database ready in {time.perf_counter() - started:.1f} s")
    try:
        run(args.services, args.payments, args.runs, connection)
    finally:
        connection.creation.destroy_test_db(":memory:", verbosity=0)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def build(service_count: int, payment_count: int):
    from accounts.models import Organisation, User
    from accounts.services import organisation_create
    from cases.services import ApplicantData, CaseData, case_create
    from claims.services import ClaimData, ContactData, claim_create, creditor_create
    from core.roles import Role
    from fees.models import Service, ServiceKind
    from ledger.models import Category
    from ledger.services import EntryData, account_open, entry_post_many

    organisation = organisation_create(
        name="CPAS bench", slug="cpas-bench", kind=Organisation.Kind.CPAS
    )
    mediator = User.objects.create(username="bench", organisation=organisation, role=Role.MEDIATOR)
    case = case_create(
        organisation=organisation,
        mediator=mediator,
        data=CaseData(reference="NAM-2019-0001", division="namur", admissibility_date=ADMITTED),
        applicants=[ApplicantData(last_name="Bench", first_name="Marie")],
        created_by=mediator,
    )
    account_open(case=case, iban="")
    creditors = []
    for number in range(12):
        creditor = creditor_create(
            organisation=organisation, data=ContactData(name=f"Créancier {number}")
        )
        claim_create(
            case=case,
            data=ClaimData(
                creditor=creditor,
                principal=Decimal("2000.00"),
                declared_on=ADMITTED + timedelta(days=30),
            ),
        )
        creditors.append(creditor)
    days = 7 * 365 - 10
    kinds = [ServiceKind.LETTER, ServiceKind.EMAIL, ServiceKind.HEARING, ServiceKind.LETTER]
    Service.objects.bulk_create(
        Service(
            case=case,
            date=ADMITTED + timedelta(days=1 + index * days // service_count),
            kind=kinds[index % len(kinds)],
            mediator=mediator,
        )
        for index in range(service_count)
    )
    postings = [
        (case, EntryData(ADMITTED, "in", Decimal("900000.00"), Category.INCOME, note="bench"))
    ]
    today = ADMITTED + timedelta(days=days + 5)
    for index in range(payment_count):
        day = ADMITTED + timedelta(days=1 + index * days // payment_count)
        if index % 56 == 0:
            data = EntryData(
                day, "out", Decimal("800.00"), Category.LIVING_ALLOWANCE, standing_order=True
            )
        elif index % 3 == 0:
            creditor = creditors[index % len(creditors)]
            data = EntryData(
                day, "out", Decimal("25.00"), Category.DIVIDEND, creditor_id=creditor.pk
            )
        else:
            data = EntryData(day, "out", Decimal("40.00"), Category.PAYMENT_ON_BEHALF)
        postings.append((case, data))
    refused = [
        r
        for r in entry_post_many(postings=postings, by=None, today=today)
        if isinstance(r, Exception)
    ]
    print(
        f"case built: {service_count} services, {payment_count} payments ({len(refused)} refused)"
    )
    return case


def timed(function, runs: int, connection):
    times, counter = [], QueryCounter()
    for _ in range(runs):
        counter.count = 0
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            value = function()
            times.append(time.perf_counter() - started)
    return value, statistics.median(times) * 1000, counter.count


def run(service_count: int, payment_count: int, runs: int, connection) -> None:
    from cases.models import Case
    from fees.engine import compute_statement
    from fees.facts import case_facts, compute_case_statement
    from fees.selectors import tariff_table

    case = Case.objects.get(pk=build(service_count, payment_count).pk)
    period = (date(2025, 3, 1), date(2026, 3, 1))
    tariff_table()  # loaded once, as in a running process
    before, before_ms, before_q = timed(
        lambda: compute_statement(case_facts(case), *period, tariff_table()), runs, connection
    )
    _facts, all_facts_ms, _q = timed(lambda: case_facts(case), runs, connection)
    after, after_ms, after_q = timed(
        lambda: compute_case_statement(case, *period), runs, connection
    )
    _facts, period_facts_ms, _q = timed(lambda: case_facts(case, period), runs, connection)
    print(f"statement of {period[0]:%d/%m/%Y}–{period[1]:%d/%m/%Y}, median of {runs}:")
    print(
        f"  before (every fact): {before_ms:6.1f} ms, {before_q} queries, "
        f"reading the facts {all_facts_ms:.1f} ms"
    )
    print(
        f"  now (the period's):  {after_ms:6.1f} ms, {after_q} queries, "
        f"reading the facts {period_facts_ms:.1f} ms (target 50 ms)"
    )
    print(f"  same statement: {before.to_json() == after.to_json()}")


if __name__ == "__main__":
    main()
