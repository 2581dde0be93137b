"""Benchmark of the daily run over every case (issue #15): prints figures, asserts nothing.

    .venv/bin/python scripts/bench_daily_run.py [--cases 2000] [--creditors 3]

Builds a throw-away test database (SQLite in memory unless DATABASE_URL says otherwise, then
``test_<name>``), an organisation with ``--cases`` cases admitted over the last seven years, each
with a mediation account, a structured communication and ``--creditors`` known creditors with
a declared claim, through the services. It then times ``agenda.services.daily_run`` (the first
run, which records the catch-up window's duties, and the next day's run), counts its SQL
queries per case, and the queries and time of each duty kind's ``produce`` and ``settled``.
"""

import argparse
import os
import sys
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

RUN_DATE = date(2026, 3, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--creditors", type=int, default=3)
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
        run(args.cases, args.creditors, connection)
    finally:
        connection.creation.destroy_test_db(":memory:", verbosity=0)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def build(case_count: int, creditor_count: int):
    from accounts.models import Organisation, User
    from accounts.services import organisation_create
    from banking.services import case_communication
    from cases.services import ApplicantData, CaseData, case_create
    from claims.services import (
        ClaimData,
        ContactData,
        claim_create,
        creditor_create,
        known_creditor_add,
    )
    from core.roles import Role
    from ledger.services import account_open

    organisation = organisation_create(
        name="CPAS bench", slug="cpas-bench", kind=Organisation.Kind.CPAS
    )
    mediator = User.objects.create(username="bench", organisation=organisation, role=Role.MEDIATOR)
    creditors = [
        creditor_create(organisation=organisation, data=ContactData(name=f"Créancier {n}"))
        for n in range(20)
    ]
    started = time.perf_counter()
    for number in range(case_count):
        admitted = RUN_DATE - timedelta(days=30 + (number * 7919) % (7 * 365))
        case = case_create(
            organisation=organisation,
            mediator=mediator,
            data=CaseData(
                reference=f"NAM-{admitted.year}-{number + 1:05d}",
                division="namur",
                admissibility_date=admitted,
            ),
            applicants=[ApplicantData(last_name=f"Bench{number}", first_name="Marie")],
            created_by=mediator,
        )
        account_open(case=case, iban="")
        case_communication(case=case)
        for index in range(creditor_count):
            creditor = creditors[(number + index) % len(creditors)]
            known_creditor_add(case=case, creditor=creditor, today=admitted)
            claim_create(
                case=case,
                data=ClaimData(
                    creditor=creditor,
                    principal=Decimal("1000.00") + index,
                    declared_on=admitted + timedelta(days=20),
                ),
            )
    print(f"{case_count} cases built in {time.perf_counter() - started:.1f} s")


def instrument(connection):
    """Wrap each duty kind's produce and settled to count their queries and time."""
    from agenda import registry

    queries: Counter = Counter()
    seconds: Counter = Counter()

    def wrap(code, what, function):
        def wrapped(*args, **kwargs):
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                value = function(*args, **kwargs)
                if what == "produce":
                    value = list(value)
            seconds[f"{code}.{what}"] += time.perf_counter() - started
            queries[f"{code}.{what}"] += counter.count
            return value

        return wrapped

    for kind in registry.duty_kinds():
        object.__setattr__(kind, "produce", wrap(kind.code, "produce", kind.produce))
        if kind.settled is not None:
            object.__setattr__(kind, "settled", wrap(kind.code, "settled", kind.settled))
    return queries, seconds


def run(case_count: int, creditor_count: int, connection) -> None:
    from agenda.services import daily_run

    build(case_count, creditor_count)
    try:
        queries, seconds = instrument(connection)
    except (AttributeError, TypeError):  # a frozen kind we cannot wrap: totals only
        queries, seconds = Counter(), Counter()
    for label, day in (("first run", RUN_DATE), ("next day", RUN_DATE + timedelta(days=1))):
        queries.clear()
        seconds.clear()
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            cpu = time.process_time()
            result = daily_run(run_date=day)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
        print(
            f"{label:>9}: {elapsed:6.1f} s (Python CPU {cpu:.1f} s), {result.cases} cases, "
            f"{counter.count} queries ({counter.count / max(result.cases, 1):.1f}/case), "
            f"{elapsed / max(result.cases, 1) * 1000:.1f} ms/case; "
            f"created {sum(result.created.values())}, settled {sum(result.settled.values())}, "
            f"errors {len(result.errors)}"
        )
        for name, count in queries.most_common():
            print(f"    {name:<45} {count:7d} queries  {seconds[name]:6.2f} s")


if __name__ == "__main__":
    main()
