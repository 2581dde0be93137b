"""Background tasks, both ways they run.

- With a broker (Redis) and PostgreSQL, as in production and in CI's second pass: a real
  Celery worker, started as a subprocess on pytest-django's test database, builds a caseload
  export requested by the application.
- Without a broker (a fresh clone, the SQLite pass): the same request is built in-process,
  eagerly, so that ``make run`` works without Redis or a worker.
"""

import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from agenda.models import DailyRun
from agenda.tasks import run_daily_jobs
from cases.models import CaseloadExport
from cases.services import caseload_export_request
from fees.models import JustRestartInvoice
from mediation.celery import app as celery_app

from .factories import OrganisationFactory, UserFactory, make_case

BASE_DIR = Path(__file__).resolve().parent.parent
WORKER_TIMEOUT = 60  # seconds for the worker to start and finish the export
SUCCEEDED = re.compile(r"Task cases\.build_caseload_export\[[0-9a-f-]+\] succeeded")

HAS_BROKER = settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _database_url() -> str:
    """The URL of the database the test runs on, i.e. pytest-django's ``test_<name>``."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or ""
    if db.get("PORT"):
        host += f":{db['PORT']}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


def _worker_output(log_path: Path) -> str:
    return log_path.read_text(errors="replace")


@contextmanager
def real_worker(tmp_path):
    """A Celery worker process on pytest-django's test database and the configured broker;
    yields the path of its log (printed when the test fails)."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "DJANGO_SETTINGS_MODULE": "mediation.settings",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    log_path = tmp_path / "celery-worker.log"
    with log_path.open("wb") as log:  # the worker writes to its own copy of the descriptor
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mediation",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"pytest-{os.getpid()}@%h",
                "-l",
                "info",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ok = False
    try:
        yield worker, log_path
        ok = True
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if not ok:
            print(f"--- celery worker output ({log_path}) ---")
            print(_worker_output(log_path))


@pytest.mark.worker
@pytest.mark.skipif(
    not (HAS_BROKER and ON_POSTGRES),
    reason="needs CELERY_BROKER_URL=redis://... and DATABASE_URL=postgres://... "
    "(a worker process cannot share SQLite's test database)",
)
@pytest.mark.django_db(transaction=True)
def test_real_worker_builds_caseload_export(tmp_path):
    assert celery_app.conf.task_always_eager is False
    org = OrganisationFactory()
    mediator = UserFactory(organisation=org)
    make_case(organisation=org, mediator=mediator, reference="NAM-2023-0815")

    with real_worker(tmp_path) as (worker, log_path):
        # Committed at once (transaction=True), so on_commit enqueues the task right away.
        # Requested in Dutch: the worker process builds it in the requester's language.
        export = caseload_export_request(user=mediator, language="nl")
        deadline = time.monotonic() + WORKER_TIMEOUT
        while time.monotonic() < deadline:
            export.refresh_from_db()
            if export.state in (CaseloadExport.State.DONE, CaseloadExport.State.FAILED):
                break
            assert worker.poll() is None, f"worker exited with {worker.returncode}"
            time.sleep(0.5)
        assert export.state == CaseloadExport.State.DONE, (
            f"export is {export.state!r} after {WORKER_TIMEOUT} s; error: {export.error!r}"
        )
        assert "NAM-2023-0815" in export.content
        assert export.content.splitlines()[0].startswith("Referentie;")
        assert export.progress == 100
        # Built by the worker process, not in this one (its log line may lag the commit).
        log_deadline = time.monotonic() + 10
        while not SUCCEEDED.search(_worker_output(log_path)) and time.monotonic() < log_deadline:
            time.sleep(0.2)
        assert SUCCEEDED.search(_worker_output(log_path)), "no 'succeeded' in the worker's log"


@pytest.mark.skipif(HAS_BROKER, reason="a broker is configured: tasks go to the worker")
@pytest.mark.django_db
def test_without_broker_export_is_built_in_process(django_capture_on_commit_callbacks):
    assert celery_app.conf.task_always_eager is True
    org = OrganisationFactory()
    mediator = UserFactory(organisation=org)
    make_case(organisation=org, mediator=mediator, reference="NAM-2023-0815")

    with django_capture_on_commit_callbacks(execute=True):
        export = caseload_export_request(user=mediator)

    export.refresh_from_db()
    assert export.state == CaseloadExport.State.DONE
    assert "NAM-2023-0815" in export.content


@pytest.mark.worker
@pytest.mark.skipif(
    not (HAS_BROKER and ON_POSTGRES),
    reason="needs CELERY_BROKER_URL=redis://... and DATABASE_URL=postgres://...",
)
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_daily_jobs(tmp_path, legal_rows):
    """Celery beat's daily task (``agenda.run_daily_jobs``) run by a real worker on Redis: the
    case admitted on 29/02/2020 has its anniversary on 29/02/2024 (a leap year), in the period."""
    org = OrganisationFactory()
    mediator = UserFactory(organisation=org)
    case = make_case(
        organisation=org,
        mediator=mediator,
        reference="NAM-2020-0229",
        admissibility_date=date(2020, 2, 29),
    )
    with real_worker(tmp_path) as (worker, log_path):
        result = celery_app.send_task(
            "agenda.run_daily_jobs", kwargs={"run_date": "2024-03-01", "catch_up_days": 31}
        )
        summary = result.get(timeout=WORKER_TIMEOUT)
        assert summary["date"] == "2024-03-01"
        assert summary["from"] == "2024-01-30"
        assert summary["cases"] == 1
        assert summary["errors"] == []
        run = DailyRun.objects.get()
        assert run.state == DailyRun.State.SUCCEEDED
        assert run.summary == summary
        assert "Task agenda.run_daily_jobs" in _worker_output(log_path)
    assert summary["created"]["justrestart_fee"] == 1
    invoice = JustRestartInvoice.objects.get(case=case)
    assert (invoice.anniversary, invoice.amount) == (date(2024, 2, 29), Decimal("75.00"))
    assert set(case.duties.values_list("due_date", flat=True)) == {date(2024, 2, 29)}


@pytest.mark.skipif(HAS_BROKER, reason="a broker is configured: tasks go to the worker")
@pytest.mark.django_db
def test_without_broker_the_daily_jobs_run_in_process():
    org = OrganisationFactory()
    make_case(organisation=org, mediator=UserFactory(organisation=org))
    summary = run_daily_jobs.delay(run_date="2024-03-01").get()
    assert summary["date"] == "2024-03-01"
    assert DailyRun.objects.get().state == DailyRun.State.SUCCEEDED
