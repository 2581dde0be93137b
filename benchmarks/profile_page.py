"""Profile one page the way benchmarks/bench.py measures it (issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rcd_scale \
        .venv/bin/python benchmarks/profile_page.py USERNAME URL [REQUESTS] [--sort tottime]

Logs USERNAME in with Django's test client (DEBUG off, as in the benchmark), requests URL once
to warm up, then REQUESTS times (10 by default) under cProfile, inside a transaction that is
rolled back. Prints the CPU time a request and its ratio to the empty layout page's (the
benchmark's reference), its query count and the 35 costliest functions.
Not run by CI; a tool for finding where a page's time goes.
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
os.environ["DEBUG"] = "0"
os.environ["MFA_REQUIRED"] = "0"
os.environ.setdefault("DJANGO_ENV", "development")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

import mediation.urls  # noqa: E402
from accounts.models import User  # noqa: E402


@login_required
def layout(request):
    """The benchmark's reference: the empty layout page base.html."""
    return render(request, "base.html", {})


mediation.urls.urlpatterns += [path("__profile__/layout/", layout)]
clear_url_caches()


def cpu_a_request(client: Client, url: str, n: int) -> tuple[float, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        client.get(url)
    return (time.process_time() - c0) / n, (time.perf_counter() - t0) / n


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sort = "tottime" if "--sort" in sys.argv and "tottime" in sys.argv else "cumulative"
    if len(args) < 2:
        print(__doc__)
        return 2
    username, url = args[0], args[1]
    n = int(args[2]) if len(args) > 2 and args[2].isdigit() else 10
    settings.ALLOWED_HOSTS = ["*"]
    with transaction.atomic():
        client = Client()
        client.force_login(User.objects.get(username=username))
        first = client.get(url)
        print(f"{url}: HTTP {first.status_code}, {len(first.content)} bytes")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        print(f"queries: {len(captured)}")
        client.get("/__profile__/layout/")
        cpu, wall = cpu_a_request(client, url, n)
        layout_cpu, layout_wall = cpu_a_request(client, "/__profile__/layout/", n)
        print(f"a request: CPU {cpu * 1000:.1f} ms, wall {wall * 1000:.1f} ms")
        print(
            f"layout page: CPU {layout_cpu * 1000:.1f} ms, wall {layout_wall * 1000:.1f} ms; "
            f"ratio CPU {cpu / layout_cpu:.2f} ×, wall {wall / layout_wall:.2f} ×"
        )
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            client.get(url)
        profiler.disable()
        transaction.set_rollback(True)
    pstats.Stats(profiler).strip_dirs().sort_stats(sort).print_stats(35)
    return 0


if __name__ == "__main__":
    sys.exit(main())
