"""The daily run from several processes on PostgreSQL: two at once create each duty once, and a
process killed (SIGKILL) halfway leaves nothing that the next run does not complete exactly.

The processes run ``python -m tests.agenda_probe`` on pytest-django's test database, with the
tests' own duty kind (one duty per anniversary) slowed down so that they overlap.
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from agenda import registry
from agenda.models import DailyRun, Duty
from agenda.services import daily_run

from .agenda_probe import KIND, Probe
from .factories import OrganisationFactory, UserFactory, make_case
from .test_celery_worker import _database_url

BASE_DIR = Path(__file__).resolve().parent.parent
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES, reason="other processes cannot share SQLite's in-memory test database"
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("legal_rows"),
]

RUN_DATE, CATCH_UP = "2026-03-15", "800"  # window (2024-01-05, 2026-03-15]


def _cases(n: int) -> list:
    org = OrganisationFactory()
    mediator = UserFactory(organisation=org)
    return [
        make_case(
            organisation=org,
            mediator=mediator,
            reference=f"P-{i:03d}",
            admissibility_date=date(2020 + i % 4, 1 + i % 12, 1 + i % 28),
        )
        for i in range(n)
    ]


def _expected(cases) -> set[tuple[int, date]]:
    probe = Probe()
    start, end = date(2024, 1, 5), date(2026, 3, 15)
    return {(case.pk, spec.due_date) for case in cases for spec in probe.produce(case, start, end)}


def _start(slow: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "mediation.settings",
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.agenda_probe", RUN_DATE, CATCH_UP, slow],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _recorded() -> set[tuple[int, date]]:
    return set(Duty.objects.filter(kind=KIND).values_list("case_id", "due_date"))


def test_two_processes_at_once_create_each_duty_once():
    cases = _cases(40)
    expected = _expected(cases)
    first, second = _start("0.02"), _start("0.02")
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    for process, (_out, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err
    summaries = [json.loads(out.splitlines()[-1]) for out, _ in outputs]
    assert all(summary["errors"] == [] for summary in summaries)
    assert _recorded() == expected
    assert Duty.objects.filter(kind=KIND).count() == len(expected)
    # Between them the two runs created each duty exactly once.
    assert sum(summary["created"][KIND] for summary in summaries) == len(expected)
    assert DailyRun.objects.filter(state=DailyRun.State.SUCCEEDED).count() == 2


def test_a_process_killed_halfway_is_completed_by_the_next_run():
    cases = _cases(40)
    expected = _expected(cases)
    process = _start("0.1")  # about 4 s for 40 cases
    deadline = time.monotonic() + 60
    while Duty.objects.filter(kind=KIND).count() < 10 and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    done = _recorded()
    assert 10 <= len(done) < len(expected), "the process was not stopped halfway"
    assert not DailyRun.objects.filter(state=DailyRun.State.SUCCEEDED).exists()

    probe = Probe()
    registry.register_duty_kind(probe.kind())
    try:
        result = daily_run(run_date=date.fromisoformat(RUN_DATE), catch_up_days=int(CATCH_UP))
    finally:
        registry.unregister_duty_kind(KIND)
    assert result.errors == []
    assert result.created[KIND] == len(expected) - len(done)
    assert _recorded() == expected
