"""Load test (issue #13, "Proof"): 50 users for 60 seconds against gunicorn and PostgreSQL,
all on the loopback interface.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make loadtest

DATABASE_URL is an admin connection to a PostgreSQL server: the script creates a database of
its own there (``rcd_load_<pid>_<time>``), migrates it, loads the demo data (``seed_demo``),
serves it with gunicorn (2 workers, DEBUG off, static files collected and served by
whitenoise) on a free port of 127.0.0.1, runs locust
headless (``benchmarks/locustfile.py``) and prints requests per second, the p95 latency and
the number of errors. It stops gunicorn and drops its database whatever happens, and exits
non-zero when any request failed. Nothing but 127.0.0.1 is ever contacted.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
USERS, SPAWN_RATE, DURATION, WORKERS = 50, 10, "60s", 2


def admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit(
            "The load test needs PostgreSQL: set DATABASE_URL to an admin connection, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make loadtest"
        )
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("The load test runs on the loopback interface only: DATABASE_URL must be local.")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError as error:
            if time.monotonic() > deadline:
                message = f"gunicorn did not answer {url} within {timeout:.0f} s"
                raise RuntimeError(message) from error
            time.sleep(0.5)


def summary(stats_json: Path) -> tuple[int, float, int, int]:
    """Requests, requests per second, p95 (ms) and failures over every endpoint, from locust's
    final stats (merged as locust merges its "Aggregated" row)."""
    entries = json.loads(stats_json.read_text())
    requests = sum(entry["num_requests"] for entry in entries)
    failures = sum(entry["num_failures"] for entry in entries)
    times: Counter[int] = Counter()
    for entry in entries:
        times.update({int(ms): count for ms, count in entry["response_times"].items()})
    start = min(entry["start_time"] for entry in entries)
    end = max(entry["last_request_timestamp"] or start for entry in entries)
    rps = requests / (end - start) if end > start else 0.0
    return requests, rps, percentile(times, requests, 0.95), failures


def per_page(stats_json: Path) -> list[str]:
    rows = []
    for entry in sorted(json.loads(stats_json.read_text()), key=lambda e: e["name"]):
        times = Counter({int(ms): n for ms, n in entry["response_times"].items()})
        p95 = percentile(times, entry["num_requests"], 0.95)
        rows.append(
            f"    {entry['name']:<15} {entry['num_requests']:>5} requests, "
            f"p95 {p95:>6} ms, {entry['num_failures']} errors"
        )
    return rows


def percentile(times: Counter[int], requests: int, percent: float) -> int:
    """locust.stats.calculate_response_time_percentile (locust is not imported here: it
    monkey-patches the standard library with gevent)."""
    within = int(requests * percent)
    processed = 0
    for response_time in sorted(times, reverse=True):
        processed += times[response_time]
        if requests - processed <= within:
            return response_time
    return 0


def main() -> int:
    admin = admin_url()
    with tempfile.TemporaryFile(mode="w+") as server_log:  # gunicorn's log, shown on errors
        return run(admin, server_log)


def run(admin: str, server_log: IO[str]) -> int:
    name = f"rcd_load_{os.getpid()}_{int(time.time())}"
    env = {
        **os.environ,
        "DATABASE_URL": with_database(admin, name),
        "DJANGO_ENV": "development",
        "DEBUG": "0",
        "MFA_REQUIRED": "0",
    }
    env.pop("MIGRATION_DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn = None
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"Database {name} created.", flush=True)
    try:
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        started = time.monotonic()
        subprocess.run([*manage, "seed_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"Demo data loaded in {time.monotonic() - started:.0f} s.", flush=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mediation.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(WORKERS), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stderr=server_log,
        )
        wait_until_up(f"{host}/healthz")
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "stats"
            locust = subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py")]
                + ["--headless", "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", DURATION]
                + ["--host", host, "--json-file", str(prefix), "--only-summary"],
                cwd=ROOT,
                check=False,
            )
            requests, rps, p95, failures = summary(Path(f"{prefix}.json"))
            pages = per_page(Path(f"{prefix}.json"))
        # A task that raised (not a failed request) only shows in locust's exit code.
        errors = failures + (1 if locust.returncode and not failures else 0)
        print()
        print(f"Load test: {USERS} users for {DURATION}, gunicorn {WORKERS} workers, PostgreSQL")
        print(f"  requests:      {requests}")
        print(f"  requests/s:    {rps:.1f}")
        print(f"  p95 latency:   {p95} ms")
        print(f"  errors:        {errors}")
        print("  per page:", *pages, sep="\n")
        if errors:
            server_log.seek(0)
            print("Server log:\n" + server_log.read()[-20000:])
        return 1 if errors else 0
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        with psycopg.connect(admin, autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))
        print(f"Database {name} dropped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
