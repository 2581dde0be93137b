"""Benchmark of the main pages and jobs at scale (issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rcd_scale make bench

DATABASE_URL names a PostgreSQL database loaded by ``manage.py seed_scale`` (any size; the
issue's budget: a 5,000-case database within about 20 minutes). Everything runs in this one
process, on loopback only: Django's test client against the real URL configuration, with two
views registered here and nowhere else (``/__bench__/bare/``, an authenticated "ok", and
``/__bench__/layout/``, the empty layout page ``base.html``), so that every page's time is
also given as a ratio to them, measured in the same run. The process starts as a web process
does (``mediation.wsgi``: WeasyPrint is loaded then, ``PDF_WARM_UP``), so that the first PDF
timed does not pay for loading it.

For each main page (caseload list, sorted by applicant, searched, last page; case page and
every tab; journal's last page; supervisor overview; clerk list; agenda, and the agenda's
forecast fragments loaded after the agenda page and tab) it prints the median
and p95 time on a large subject (the largest organisation, the case with the longest journal,
the busiest clerk and mediator), the ratio to the bare and to the layout view, and the number
of queries on a small and on the large subject: it must not grow with the data. Then the jobs,
through the public services (so that their speedups show): the fee engine on the case with the
longest journal, the fee statement and annual report PDFs, a plan of 50 creditors created,
sent, approved and filed, a bank import of 10,000 movements and its re-import, and the daily
run over every case. Targets are those of the issue's table; the last line is
``targets held: N/M``.

Nothing is left behind: the pages are read in one transaction and each job runs in its own,
all rolled back (the audit trail of the pages read, the journal entries of the bank import, the
plan, the duties of the daily run); files go to a temporary MEDIA_ROOT. Each job is stopped
after ``BENCH_JOB_SECONDS`` (counted as missed). Not run by CI (.ci/run); run one benchmark at
a time (two at once on the same database lock each other's cases).
"""

import io
import logging
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit(
            "The benchmark needs PostgreSQL loaded by seed_scale: set DATABASE_URL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/rcd_scale make bench\n"
            "(load it first: DATABASE_URL=… python manage.py seed_scale --cases 5000)"
        )
    return url


database_url()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
os.environ["DEBUG"] = "0"  # production-like templates and no debug toolbar of any kind
os.environ["MFA_REQUIRED"] = "0"
os.environ.setdefault("DJANGO_ENV", "development")

import django  # noqa: E402

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # one line a login otherwise

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q, Sum  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402

import mediation.urls  # noqa: E402
import mediation.wsgi  # noqa: E402, F401  (started as the web process is: core.pdf.warm_up)
from accounts.models import ClerkDivision, Organisation, User  # noqa: E402
from agenda.services import daily_run  # noqa: E402
from banking.coda_writer import CodaMovement, CodaStatement, write_coda  # noqa: E402
from banking.services.statements import statement_import  # noqa: E402
from cases.models import Case  # noqa: E402
from cases.status import CaseStatus  # noqa: E402
from claims.models import Claim, ClaimStatus, Creditor  # noqa: E402
from core.case_views import case_tabs  # noqa: E402
from core.dates import add_years  # noqa: E402
from core.roles import Role  # noqa: E402
from documents.jobs import pdf_job_run  # noqa: E402
from documents.models import Document  # noqa: E402
from documents.registry import background_from_pages  # noqa: E402
from fees.facts import compute_case_statement  # noqa: E402
from fees.models import Occasion  # noqa: E402
from fees.pdf import statement_pdf  # noqa: E402
from fees.services.pdf_jobs import (  # noqa: E402
    in_background,
    statement_pages,
    statement_preview_request,
)
from fees.services.statements import statement_create  # noqa: E402
from ledger.models import Account  # noqa: E402
from plans.models import PlanKind  # noqa: E402
from plans.services import PlanData, plan_approve, plan_create, plan_file, plan_send  # noqa: E402
from reports.services import ReportData, report_preview  # noqa: E402

REPS = int(os.environ.get("BENCH_REPS", "9"))  # timed requests a page (after one warm-up)
PAGE_BUDGET = float(os.environ.get("BENCH_PAGE_SECONDS", "20"))  # at most, a page (3 requests min.)
JOB_SECONDS = float(os.environ.get("BENCH_JOB_SECONDS", "300"))  # at most, a job
LAYOUT_TARGET = 3.0  # "≤ 3 × the empty layout page" (issue 15)
MOVEMENTS = 10_000


class RolledBack(Exception):
    """Raised at the end of the run: everything it wrote is rolled back."""


# -- the two reference views, registered in this process only ------------------------------


@login_required
def bare(request):
    return HttpResponse("ok")


@login_required
def layout(request):
    return render(request, "base.html", {})


mediation.urls.urlpatterns += [
    path("__bench__/bare/", bare),
    path("__bench__/layout/", layout),
]
clear_url_caches()
settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="rcd-bench-media-")  # the files the jobs write
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


# -- measuring ----------------------------------------------------------------------------


@dataclass
class Timing:
    median: float  # seconds
    p95: float
    runs: int


def timed(call: Callable[[], object], reps: int = REPS, budget: float = PAGE_BUDGET) -> Timing:
    call()  # warm-up: caches, templates, prepared plans
    times: list[float] = []
    started = time.monotonic()
    while len(times) < reps and (len(times) < 3 or time.monotonic() - started < budget):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Timing(statistics.median(times), p95, len(times))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, url: str) -> Callable[[], object]:
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    return call


def queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


@dataclass
class Target:
    label: str
    held: bool
    detail: str


TARGETS: list[Target] = []


def target(label: str, held: bool, detail: str) -> None:
    if any(t.label == label for t in TARGETS):
        return  # counted once (a job stopped after it recorded its own verdict)
    TARGETS.append(Target(label, held, detail))


# -- the subjects: small and large ----------------------------------------------------------


@dataclass
class Subjects:
    small_org_user: User
    large_org_user: User
    small_case: Case
    large_case: Case
    small_clerk: User
    large_clerk: User
    small_mediator: User
    large_mediator: User


def subjects() -> Subjects:
    orgs = Organisation.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("n", "pk")
    if not orgs:
        sys.exit("No cases in this database: load it with manage.py seed_scale --cases N first.")
    small_org, large_org = orgs.first(), orgs.last()

    def supervisor(org):
        return (
            User.objects.filter(organisation=org, role=Role.SUPERVISOR).first()
            or User.objects.filter(organisation=org, role=Role.ADMINISTRATOR).first()
        )

    accounts = Account.objects.filter(entry_count__gt=0).select_related("case")
    large_case = accounts.filter(case__organisation=large_org).order_by("-entry_count").first()
    large_case = large_case.case
    # The small case is in the same state (a plan running, say), so that the two query counts
    # differ only by the size of the data, not by what the page has to show.
    small_case = (
        accounts.filter(case__status=large_case.status).order_by("entry_count", "pk").first()
        or accounts.order_by("entry_count", "pk").first()
    ).case
    filed = Count("pk", filter=Q(filed_at__isnull=False))
    per_division = dict(
        Document.objects.filter(filed_at__isnull=False)
        .values_list("filed_division")
        .annotate(n=filed)
        .values_list("filed_division", "n")
    )
    clerks = sorted(
        (per_division.get(cd.division, 0), cd.clerk_id)
        for cd in ClerkDivision.objects.filter(clerk__role=Role.CLERK)
    )
    mediators = (
        User.objects.filter(role=Role.MEDIATOR)
        .annotate(n=Count("cases"))
        .filter(n__gt=0)
        .order_by("n", "pk")
    )
    return Subjects(
        small_org_user=supervisor(small_org),
        large_org_user=supervisor(large_org),
        small_case=small_case,
        large_case=large_case,
        small_clerk=User.objects.get(pk=clerks[0][1]),
        large_clerk=User.objects.get(pk=clerks[-1][1]),
        small_mediator=mediators.first(),
        large_mediator=mediators.last(),
    )


@dataclass
class Page:
    name: str
    small: tuple[User, str]
    large: tuple[User, str]


def pages(s: Subjects) -> list[Page]:
    caseload = reverse("cases:list")
    applicant = s.large_case.applicants.first()
    search = f"{caseload}?q={applicant.last_name if applicant else 'a'}"
    rows = [
        Page("caseload list", (s.small_org_user, caseload), (s.large_org_user, caseload)),
        Page(
            "caseload sorted by applicant",
            (s.small_org_user, f"{caseload}?sort=applicant"),
            (s.large_org_user, f"{caseload}?sort=applicant"),
        ),
        Page("caseload searched", (s.small_org_user, search), (s.large_org_user, search)),
        Page(
            "caseload last page",
            (s.small_org_user, f"{caseload}?page=100000"),
            (s.large_org_user, f"{caseload}?page=100000"),
        ),
    ]
    small_tabs = {key: url for key, _label, url in case_tabs(s.small_case)}
    large_tabs = {key: url for key, _label, url in case_tabs(s.large_case)}
    small_user, large_user = s.small_case.mediator, s.large_case.mediator
    rows.append(
        Page(
            "case page",
            (small_user, reverse("cases:detail", args=[s.small_case.pk])),
            (large_user, reverse("cases:detail", args=[s.large_case.pk])),
        )
    )
    for key, url in large_tabs.items():
        if key in small_tabs and url != reverse("cases:detail", args=[s.large_case.pk]):
            rows.append(Page(f"case tab: {key}", (small_user, small_tabs[key]), (large_user, url)))
    journal = reverse("ledger:journal", args=[s.large_case.pk])
    small_journal = reverse("ledger:journal", args=[s.small_case.pk])
    rows.append(
        Page(
            "journal last page",
            (small_user, f"{small_journal}?page=100000"),
            (large_user, f"{journal}?page=100000"),
        )
    )
    overview = reverse("cases:overview")
    rows.append(
        Page("supervisor overview", (s.small_org_user, overview), (s.large_org_user, overview))
    )
    clerk = reverse("documents:clerk_list")
    rows.append(Page("clerk list", (s.small_clerk, clerk), (s.large_clerk, clerk)))
    agenda = reverse("agenda:agenda")
    rows.append(Page("agenda", (s.small_mediator, agenda), (s.large_mediator, agenda)))
    # The forecasts ("Prévisions des 7 prochains jours") are loaded after the agenda page and
    # the case's agenda tab, by htmx: measured on their own, with the same target.
    forecast = reverse("agenda:forecast")
    rows.append(
        Page(
            "agenda: forecast fragment", (s.small_mediator, forecast), (s.large_mediator, forecast)
        )
    )
    rows.append(
        Page(
            "case tab: agenda forecast",
            (small_user, reverse("agenda:case_agenda_forecast", args=[s.small_case.pk])),
            (large_user, reverse("agenda:case_agenda_forecast", args=[s.large_case.pk])),
        )
    )
    return rows


# -- the run ------------------------------------------------------------------------------


def bench_pages(s: Subjects) -> None:
    reference_user = s.large_org_user
    client = client_for(reference_user)
    bare_t = timed(get(client, "/__bench__/bare/"), reps=max(REPS, 15))
    layout_t = timed(get(client, "/__bench__/layout/"), reps=max(REPS, 15))
    print(f"bare authenticated view:  median {ms(bare_t.median)} ms, p95 {ms(bare_t.p95)} ms")
    print(
        f"empty layout page of {reference_user.username}: median {ms(layout_t.median)} ms, p95"
        f" {ms(layout_t.p95)} ms"
        f" ({layout_t.median / bare_t.median:.1f} × bare)"
    )
    # Each page is compared with the empty layout page *of the user who reads it*: a mediator's
    # layout carries the agenda and to-do badges, a supervisor's or a clerk's does not.
    layouts: dict[int, Timing] = {reference_user.pk: layout_t}

    def layout_of(user: User, user_client: Client) -> Timing:
        if user.pk not in layouts:
            layouts[user.pk] = timed(get(user_client, "/__bench__/layout/"), reps=max(REPS, 15))
            print(
                f"empty layout page of {user.get_role_display().lower()} {user.username}: median"
                f" {ms(layouts[user.pk].median)} ms ({layouts[user.pk].median / bare_t.median:.1f}"
                " × bare)"
            )
        return layouts[user.pk]

    for user in dict.fromkeys(page.large[0] for page in pages(s)):
        layout_of(user, client_for(user))
    print()
    header = (
        f"{'page':<30} {'median ms':>9} {'p95 ms':>8} {'× bare':>7} {'× layout':>8} "
        f"{'queries small/large':>19}  target"
    )
    print(header)
    print("-" * len(header))
    clients: dict[int, Client] = {}
    for page in pages(s):
        (small_user, small_url), (large_user, large_url) = page.small, page.large
        small_client = clients.setdefault(small_user.pk, client_for(small_user))
        large_client = clients.setdefault(large_user.pk, client_for(large_user))
        try:
            q_small = queries(get(small_client, small_url))
            q_large = queries(get(large_client, large_url))
            t = timed(get(large_client, large_url))
        except Exception as exc:  # a page that fails is reported, the run goes on
            print(f"{page.name:<30} FAILED: {exc}")
            target(f"{page.name}: time", False, "failed")
            target(f"{page.name}: queries constant", False, "failed")
            continue
        ratio = t.median / layout_of(large_user, large_client).median
        held = ratio <= LAYOUT_TARGET
        constant = q_large <= q_small
        print(
            f"{page.name:<30} {ms(t.median):>9} {ms(t.p95):>8} {t.median / bare_t.median:>7.1f} "
            f"{ratio:>8.1f} {q_small:>9}/{q_large:<9}  "
            f"{'ok' if held else 'MISSED'} ≤ {LAYOUT_TARGET:g}× layout"
            f"{'' if constant else ', queries GROW'}"
        )
        target(f"{page.name}: ≤ {LAYOUT_TARGET:g} × layout", held, f"{ratio:.1f} ×")
        target(f"{page.name}: queries constant", constant, f"{q_small} → {q_large}")


def job(label: str, seconds: float, limit: float | None, note: str = "") -> None:
    verdict = "" if limit is None else ("ok" if seconds <= limit else "MISSED")
    bound = "" if limit is None else f"≤ {limit * 1000:.0f} ms" if limit < 1 else f"≤ {limit:g} s"
    print(f"{label:<44} {seconds:9.3f} s  {verdict:<6} {bound:<10} {note}")
    if limit is not None:
        target(label, seconds <= limit, f"{seconds:.3f} s")


def seven_year_period(case: Case, today: date) -> tuple[date, date]:
    """The last full anniversary year of the case (a statement's usual period)."""
    years = 0
    while add_years(case.admissibility_date, years + 1) <= today:
        years += 1
    years = max(years, 1)
    return add_years(case.admissibility_date, years - 1), add_years(case.admissibility_date, years)


def bench_jobs(s: Subjects) -> None:
    today = timezone.localdate()
    now = timezone.now()
    case = s.large_case
    mediator = case.mediator
    print()
    print(f"{'job':<44} {'time':>11}  target")
    print("-" * 80)
    start, end = seven_year_period(case, today)
    t = timed(lambda: compute_case_statement(case, start, end), reps=7)
    q = queries(lambda: compute_case_statement(case, start, end))
    account = Account.objects.get(case=case)
    job(
        "fee engine, longest journal (last year)",
        t.median,
        0.050,
        f"{account.entry_count} entries, {q} queries",
    )

    def fee_statement():
        t0, c0 = time.perf_counter(), time.process_time()
        statement = statement_create(
            case=case,
            period_from=start,
            period_to=end,
            occasion=Occasion.ANNUAL_REPORT,
            by=mediator,
        )
        pdf = statement_pdf(statement, list(statement.lines.all()))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        pages_n = len(PdfReader(io.BytesIO(pdf)).pages)
        limit = 1.5 * max(1.0, pages_n / 20)  # "≤ 1.5 s for 20 pages"
        job(
            "fee statement: create + PDF",
            seconds,
            limit,
            f"{pages_n} pages (1.5 s / 20 pages), CPU {cpu:.2f} s",
        )
        # "long ones in the background" (issue 15): what the mediator waits for when the
        # statement is over the threshold (the estimate and the job recorded), then the job
        # itself, run here in-process as a worker would.
        background = in_background(statement)
        t0 = time.perf_counter()
        pdf_job = statement_preview_request(statement=statement, by=mediator, language="fr")
        requested = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        pdf_job_run(job_id=pdf_job.pk)
        ran, cpu = time.perf_counter() - t0, time.process_time() - c0
        job(
            "fee statement: long one asked (background)",
            requested,
            0.5 if background else None,
            f"estimated {statement_pages(statement)} pages, threshold "
            f"{background_from_pages()}: {'background' if background else 'at once'}",
        )
        job("fee statement: background job", ran, None, f"CPU {cpu:.2f} s")

    def annual_report():
        t0, c0 = time.perf_counter(), time.process_time()
        last_day = end - timedelta(days=1)
        pdf = report_preview(
            case=case, data=ReportData(period_from=start, last_day=last_day), today=today, now=now
        )
        pages_n = len(PdfReader(io.BytesIO(pdf)).pages)
        cpu = time.process_time() - c0
        job(
            "annual report PDF",
            time.perf_counter() - t0,
            None,
            f"{pages_n} pages (no target), CPU {cpu:.2f} s",
        )

    def daily():
        cases = Case.objects.count()
        t0 = time.perf_counter()
        result = daily_run(run_date=today)
        created = sum(result.created.values())
        seconds = time.perf_counter() - t0
        job("daily run over every case", seconds, None, f"{cases} cases, {created} duties")

    boxed("fee statement: create + PDF", 1.5, fee_statement)
    boxed("annual report PDF", None, annual_report)
    boxed("plan send + approve + file, 50 creditors", 5.0, lambda: bench_plan(s, today))
    boxed("bank import, 10,000 movements", 30.0, lambda: bench_bank_import(s, today))
    boxed("daily run over every case", None, daily)


class JobTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise JobTimeout


def boxed(label: str, limit: float | None, run: Callable[[], None]) -> None:
    """Run one job in a transaction rolled back after it, stopped after ``JOB_SECONDS`` (the
    whole run must fit in about 20 minutes on 5,000 cases): a stopped or failed job is
    reported, as missed when it has a target, and the run goes on."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, JOB_SECONDS)
    started = time.monotonic()
    try:
        with transaction.atomic():
            run()
            transaction.set_rollback(True)
    except JobTimeout:
        job(label, JOB_SECONDS, limit, f"stopped after {JOB_SECONDS:.0f} s (BENCH_JOB_SECONDS)")
    except Exception as exc:  # reported, the run goes on
        if time.monotonic() - started >= JOB_SECONDS:  # the stop, caught by a service
            job(label, JOB_SECONDS, limit, f"stopped after {JOB_SECONDS:.0f} s ({exc!r:.60})")
            return
        print(f"{label:<44} FAILED: {exc!r}"[:200])
        if limit is not None:
            target(label, False, "failed")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def bench_plan(s: Subjects, today: date) -> None:
    """A plan for 50 creditors: created, sent to every creditor, approved, filed."""
    org = s.large_case.organisation
    case = (
        Case.objects.filter(organisation=org, status=CaseStatus.AMICABLE_PHASE, plan_versions=None)
        .order_by("-admissibility_date", "pk")  # recent: a 5-year plan within the 7 years
        .first()
    )
    if case is None:
        print("plan: no case in the amicable phase without a plan; skipped")
        target("plan send + approve + file, 50 creditors", False, "skipped")
        return
    with transaction.atomic():
        have = set(case.claims.values_list("creditor_id", flat=True))
        extra = list(
            Creditor.objects.filter(organisation=org).exclude(pk__in=have)[: 50 - len(have)]
        )
        Claim.objects.bulk_create(
            Claim(
                case=case,
                creditor=creditor,
                principal=Decimal("1000.00") + n,
                declared_on=case.admissibility_date,
                status=ClaimStatus.ACCEPTED,
            )
            for n, creditor in enumerate(extra)
        )
        creditor_ids = sorted(set(case.claims.values_list("creditor_id", flat=True)))
        # a plan is mailed: every creditor needs a postal address (seed_scale gives them one)
        Creditor.objects.filter(pk__in=creditor_ids, address="").update(
            address="Rue de la Loi 1\n1000 Bruxelles"
        )
        by = case.mediator
        t0 = time.perf_counter()
        version = plan_create(
            case=case,
            data=PlanData(
                kind=PlanKind.AMICABLE,
                start_date=today,
                duration_months=60,
                monthly_available=Decimal("450.00"),
            ),
            by=by,
        )
        created = time.perf_counter() - t0
        job("plan create", created, None, f"{len(creditor_ids)} creditors")
        t0, c0 = time.perf_counter(), time.process_time()
        captured = CaptureQueriesContext(connection)
        captured.__enter__()
        plan_send(
            version=version,
            creditor_ids=creditor_ids,
            copy_to_applicants=True,
            sent_on=today,
            registered=False,
            postage=None,
            by=by,
            today=today,
        )
        plan_approve(
            version=version, decision_date=today, decision_reference="BENCH", by=by, today=today
        )
        version.refresh_from_db()
        plan_file(version=version, by=by, today=today)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        captured.__exit__(None, None, None)
        job(
            "plan send + approve + file, 50 creditors",
            seconds,
            5.0,
            f"{len(creditor_ids)} creditors, {len(captured)} queries, CPU {cpu:.2f} s",
        )
        transaction.set_rollback(True)


def bench_bank_import(s: Subjects, today: date) -> None:
    """10,000 incoming movements over the accounts of the largest organisation, then the same
    file again (every movement already known)."""
    org = s.large_case.organisation
    accounts = list(
        Account.objects.filter(case__organisation=org)
        .exclude(iban="")
        .select_related("case")
        .order_by("pk")[:200]
    )
    per = -(-MOVEMENTS // len(accounts))
    statements = []
    left = MOVEMENTS
    for k, account in enumerate(accounts):
        n = min(per, left)
        left -= n
        movements = [
            CodaMovement(
                amount=Decimal("10.00") + i,
                value_date=today,
                counterparty_name=f"BENCH PAYER {i}",
                counterparty_iban="BE48001123456727",
                communication=f"BENCH {k}-{i}",
                bank_reference=f"BENCH{k:04d}{i:05d}",
            )
            for i in range(n)
        ]
        statements.append(
            CodaStatement(
                iban=account.iban,
                number=900 + k % 50,
                old_balance=account.balance,
                statement_date=today,
                holder_name=f"MED {account.case.reference}"[:26],
                movements=movements,
            )
        )
        if not left:
            break
    content = write_coda(statements, created=today)
    user = s.large_org_user
    with transaction.atomic():
        t0 = time.perf_counter()
        try:
            result = statement_import(
                organisation=org, content=content, file_name="bench.cod", by=user, today=today
            )
            note = f"{MOVEMENTS} movements, {len(statements)} accounts: {result.summary}"
        except ValidationError as exc:
            note = f"refused: {exc}"
        job("bank import, 10,000 movements", time.perf_counter() - t0, 30.0, note[:120])
        t0 = time.perf_counter()
        try:
            again = statement_import(
                organisation=org, content=content, file_name="bench.cod", by=user, today=today
            )
            note = f"{again.summary}"
        except ValidationError as exc:
            note = f"refused: {'; '.join(exc.messages)[:100]}"
        job("bank re-import of the same file", time.perf_counter() - t0, None, note[:120])
        transaction.set_rollback(True)


def main() -> int:
    only = sys.argv[1] if len(sys.argv) > 1 else ""  # "pages" or "jobs": one half only
    started = time.monotonic()
    cases = Case.objects.count()
    entries = Account.objects.aggregate(n=Sum("entry_count"))["n"] or 0
    documents = Document.objects.filter(filed_at__isnull=False).count()
    print(
        f"Benchmark on {connection.settings_dict['NAME']}: {cases} cases, {entries} journal "
        f"lines, {documents} filed documents (PostgreSQL {connection.pg_version // 10000})"
    )
    s = subjects()
    print(
        f"large subjects: case {s.large_case.reference} ({s.large_case.account.entry_count} "
        f"entries), organisation of {s.large_org_user.username}, clerk {s.large_clerk.username}, "
        f"mediator {s.large_mediator.username}"
    )
    print()
    if only in ("", "pages"):
        try:
            with transaction.atomic():  # the audit trail of the pages read, the sessions
                bench_pages(s)
                raise RolledBack
        except RolledBack:
            pass
    if only in ("", "jobs"):
        bench_jobs(s)  # each job in a transaction of its own, rolled back
    held = sum(1 for t in TARGETS if t.held)
    missed = [t for t in TARGETS if not t.held]
    print()
    if missed:
        print("missed: " + "; ".join(f"{t.label} ({t.detail})" for t in missed))
    print(f"run time: {time.monotonic() - started:.0f} s")
    print(f"targets held: {held}/{len(TARGETS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
