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
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from cases.models import CaseloadExport
from cases.services import caseload_export_request
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
