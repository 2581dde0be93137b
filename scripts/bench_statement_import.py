"""Benchmark of a large statement import (issue 14): prints figures, asserts nothing.

    .venv/bin/python scripts/bench_statement_import.py [--movements 10000] [--cases 50]

Builds a throw-away test database (SQLite in memory unless DATABASE_URL says otherwise, then
``test_<name>``), an organisation with ``--cases`` cases, each with a mediation account and a
structured communication, and one CODA file of ``--movements`` credits on the organisation's
general account: four in five carry a case's communication (matched and posted), one in five
none (left for the mediator). It times the import, then the re-import of the same file (all
duplicates), and counts the SQL queries of each. Targets of the issue: 10,000 movements under
30 s, the re-import under 10 s.
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 25")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    print(f"test database ready in {time.perf_counter() - started:.1f} s")
    try:
        run(args.movements, args.cases, connection, profile=args.profile)
    finally:
        connection.creation.destroy_test_db(":memory:", verbosity=0)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run(movements: int, case_count: int, connection, profile: bool = False) -> None:
    from accounts.models import Organisation, User
    from accounts.services import organisation_create
    from banking.coda_writer import CodaMovement, CodaStatement, write_coda
    from banking.models import Movement
    from banking.services import case_communication, statement_import
    from cases.services import ApplicantData, CaseData, case_create
    from core.roles import Role
    from ledger.services import account_open

    organisation = organisation_create(
        name="CPAS bench", slug="cpas-bench", kind=Organisation.Kind.CPAS
    )
    mediator = User.objects.create(username="bench", organisation=organisation, role=Role.MEDIATOR)
    communications = []
    for number in range(case_count):
        case = case_create(
            organisation=organisation,
            mediator=mediator,
            data=CaseData(
                reference=f"NAM-2022-{number + 1:04d}",
                division="namur",
                admissibility_date=date(2022, 6, 15),
            ),
            applicants=[ApplicantData(last_name=f"Bench{number}", first_name="Marie")],
            created_by=mediator,
        )
        account_open(case=case, iban="")
        communications.append(case_communication(case=case).digits)
    day = date(2026, 1, 2)
    lines = []
    for index in range(movements):
        structured = communications[index % case_count] if index % 5 else ""
        lines.append(
            CodaMovement(
                amount=Decimal("10.00") + Decimal(index % 997) / 100,
                value_date=day + timedelta(days=index % 28),
                counterparty_name=f"PAYER {index}",
                counterparty_iban="BE48001123456727",
                structured=structured,
                communication="" if structured else f"VIREMENT {index}",
            )
        )
    statements = []  # CODA numbers movements on four digits: a statement per 5,000
    balance = Decimal("0.00")
    for number, start in enumerate(range(0, movements, 5000), start=1):
        statement = CodaStatement(
            iban="BE45000017110089",
            number=number,
            old_balance=balance,
            statement_date=day + timedelta(days=28),
            holder_name="CPAS BENCH",
            movements=lines[start : start + 5000],
        )
        balance = statement.new_balance
        statements.append(statement)
    content = write_coda(statements, created=day + timedelta(days=28))
    print(f"file: {movements} movements, {len(content) / 2**20:.1f} MiB, {case_count} cases")
    for label in ("import", "re-import"):
        counter = QueryCounter()
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            cpu = time.process_time()
            result = statement_import(
                organisation=organisation,
                content=content,
                file_name="bench.cod",
                by=mediator,
                today=day + timedelta(days=30),
            )
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print(
            f"{label:>9}: {elapsed:6.1f} s (Python CPU {cpu:.1f} s), "
            f"{elapsed / movements * 1000:5.2f} ms/movement, "
            f"{counter.count} queries ({counter.count / movements:.1f}/movement); "
            f"{result.summary}"
        )
    print(f"movements stored: {Movement.objects.count()}")


if __name__ == "__main__":
    main()
