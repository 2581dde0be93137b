"""Benchmark of the long PDFs (issue #15): the fee statement and the annual report of a 7-year
case, per page, with the layout of the templates as they are and, optionally, with other
templates (to compare a layout before and after): prints figures, asserts nothing.

    .venv/bin/python scripts/bench_pdfs.py [--services 500] [--payments 4700]
        [--rows 40 80] [--template-before path/to/statement_pdf.html] [--out /tmp/pdfs]

Builds the case of ``scripts/bench_fee_engine.py`` in a throw-away test database, then times
the fee statement of its last year, of its last two years and of the seven years, and the
annual report of its last year: wall time and CPU time of this process (``time.process_time``:
what the rendering itself costs on a loaded machine), pages, milliseconds a page. ``--rows``:
the rows a table holds before the next one starts (``PDF_TABLE_ROWS``), each size measured.
``--out``: the PDFs are written there, to look at.
"""

import argparse
import importlib.util
import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")


def _engine_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_fee_engine", ROOT / "scripts/bench_fee_engine.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=500)
    parser.add_argument("--payments", type=int, default=4700)
    parser.add_argument("--rows", type=int, nargs="*", default=[])
    parser.add_argument("--template-before", default="")
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--only", default="", help="statement-1y, statement-2y, statement-7y, report"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(":memory:", verbosity=0)


def measure(label: str, make, out: str) -> None:
    from pypdf import PdfReader

    wall, cpu = time.perf_counter(), time.process_time()
    content = make()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pages = len(PdfReader(io.BytesIO(content)).pages)
    print(
        f"{label:<44} {pages:4d} pages  wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
        f"{cpu * 1000 / pages:6.0f} ms cpu/page  {wall * 1000 / pages:6.0f} ms wall/page",
        flush=True,
    )
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / (label.replace(" ", "_").replace("/", "-") + ".pdf")).write_bytes(content)


def run(args) -> None:
    from django.conf import settings
    from django.template import engines
    from django.utils import timezone

    import fees.pdf
    from cases.models import Case
    from core.dates import add_years
    from fees.models import Occasion
    from fees.pdf import statement_pdf
    from fees.services.statements import statement_create
    from reports import pdf as report_pdf
    from reports import selectors as report_selectors

    bench = _engine_bench()
    case = Case.objects.get(pk=bench.build(args.services, args.payments).pk)
    start = bench.ADMITTED
    periods = {
        "statement-1y": (add_years(start, 6), add_years(start, 7)),
        "statement-2y": (add_years(start, 5), add_years(start, 7)),
        "statement-7y": (start, add_years(start, 7)),
    }
    statements = {}
    for key, (first, end) in periods.items():
        if args.only and key != args.only:
            continue
        statements[key] = statement_create(
            case=case,
            period_from=first,
            period_to=end,
            occasion=Occasion.ANNUAL_REPORT,
            by=case.mediator,
        )
    templates = [("now", None)]
    if args.template_before:
        templates.insert(0, ("before", Path(args.template_before).read_text()))
    original = fees.pdf.render_to_string
    sizes = args.rows or [getattr(settings, "PDF_TABLE_ROWS", 40)]
    for name, source in templates:
        for size in sizes if source is None else [0]:
            settings.PDF_TABLE_ROWS = size or 40
            if source is not None:
                template = engines["django"].from_string(source)
                fees.pdf.render_to_string = lambda _name, context, t=template: t.render(context)
            else:
                fees.pdf.render_to_string = original
            suffix = f"{name}" + (f" rows={size}" if source is None else "")
            for key, statement in statements.items():
                lines = list(statement.lines.order_by("position"))
                measure(
                    f"{key} {suffix}", lambda s=statement, ls=lines: statement_pdf(s, ls), args.out
                )
    fees.pdf.render_to_string = original
    if not args.only or args.only == "report":
        first, end = periods["statement-1y"]
        period = report_selectors.ReportPeriod(first, end)
        report = report_selectors.annual_report(case, period)
        for size in sizes:
            settings.PDF_TABLE_ROWS = size
            measure(
                f"report-1y rows={size}",
                lambda: report_pdf.annual_report_pdf(
                    report, observations="", on=end - timedelta(days=1), now=timezone.now()
                ),
                args.out,
            )


if __name__ == "__main__":
    main()
