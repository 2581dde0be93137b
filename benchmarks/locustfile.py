"""Locust users of the load test (run by benchmarks/load_test.py, never on its own against a
real server): each logs in through the real login form as one of the demo users, then browses
the pages of the cases its own case list shows."""

import itertools
import random
import re

from locust import HttpUser, between, task

DEMO_PASSWORD = "demo-rcd-2026"  # cases/management/commands/seed_demo.py
# Mediators of both organisations, the CPAS supervisor and its administrator: correct
# passwords only, so django-axes never locks anyone out.
USERNAMES = ["slambert", "jdupont", "mkaya", "crenard", "tmaes", "acollard", "pgodart"]
SEARCHES = ["Dubois", "Lambert", "Namur", "Martin", "2023"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')
CASE_LINK = re.compile(r'href="/dossiers/(\d+)/"')

_next_username = itertools.cycle(USERNAMES)


class DemoUser(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.username = next(_next_username)
        page = self.client.get("/compte/connexion/", name="login (form)")
        token = CSRF.search(page.text)
        self.assets = STATIC.findall(page.text)
        with self.client.post(
            "/compte/connexion/",
            data={
                "username": self.username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/compte/connexion/"},
            name="login (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.username} refused ({response.status_code})")
        self.cases = self._case_ids()

    def _case_ids(self) -> list[int]:
        with self.client.get("/dossiers/", name="case list", catch_response=True) as response:
            if "connexion" in response.url:
                response.failure(f"{self.username} not logged in")
                return []
            return sorted({int(pk) for pk in CASE_LINK.findall(response.text)})

    def _case(self) -> int | None:
        return random.choice(self.cases) if self.cases else None

    @task(3)
    def case_list(self) -> None:
        self.client.get("/dossiers/", name="case list")

    @task(3)
    def case_overview(self) -> None:
        if (pk := self._case()) is not None:
            self.client.get(f"/dossiers/{pk}/", name="case overview")

    @task(2)
    def claims(self) -> None:
        if (pk := self._case()) is not None:
            self.client.get(f"/dossiers/{pk}/creances/", name="claims")

    @task(2)
    def journal(self) -> None:
        if (pk := self._case()) is not None:
            self.client.get(f"/dossiers/{pk}/compte/", name="journal")

    @task(1)
    def fees(self) -> None:
        if (pk := self._case()) is not None:
            self.client.get(f"/dossiers/{pk}/honoraires/", name="fees")

    @task(2)
    def agenda(self) -> None:
        self.client.get("/agenda/", name="agenda")

    @task(1)
    def search(self) -> None:
        self.client.get("/recherche/", params={"q": random.choice(SEARCHES)}, name="search")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(1)
    def static_file(self) -> None:
        if self.assets:
            self.client.get(random.choice(self.assets), name="static file")
