"""Headers: a strict Content-Security-Policy (django-csp; scripts and styles from the app's
static files only, no inline script, event handler or style in any page), and
``Cache-Control: no-store`` on every page and download (they hold personal data)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import MATRIX
from tests.test_access_matrix import objects as objects  # the matrix's objects (fixture)

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]


class ScriptAudit(HTMLParser):
    """Collects what a strict ``script-src 'self'`` would block: inline scripts, event-handler
    attributes, ``javascript:`` URLs; and the static scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.sources: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.sources.append(attributes["src"])
            else:
                self._in_inline_script = True
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
            if name.lower() == "style":
                self.problems.append(f"<{tag} style=…> (inline style)")
        if tag == "style":
            self.problems.append("<style> element (inline style)")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]}")


def audit(html: str) -> ScriptAudit:
    parser = ScriptAudit()
    parser.feed(html)
    return parser


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_no_template_holds_an_inline_script_or_handler():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text()
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
                offenders.append(f"{path}: inline <script>")
            if re.search(r"\son[a-z]+\s*=", text):
                offenders.append(f"{path}: event-handler attribute")
            # Pages are served under style-src 'self'; a PDF's template (rendered by WeasyPrint,
            # never served as a page) may style itself.
            is_pdf = "pdf" in str(path.relative_to(directory))  # *_pdf.html, */pdf/*.html
            if not is_pdf and re.search(r"\sstyle\s*=|<style[\s>]", text):
                offenders.append(f"{path}: inline style")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_policy_allows_scripts_from_the_app_only(world):
    client = Client()
    client.force_login(world.mediator)
    response = client.get(reverse("cases:list"))
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    # The login page (anonymous) has it too.
    assert csp_directives(Client().get(reverse("accounts:login")))["script-src"] == ["'self'"]


def _pages():
    """Every page of the access matrix that the mediator or the administrator opens."""
    for name, (method, args, expected) in MATRIX.items():
        if method != "get":
            continue
        for role in ("mediator", "administrator"):
            if expected.get(role) == 200:
                yield name, args, role
                break


@pytest.mark.django_db
def test_every_page_has_the_headers_and_no_inline_script(world, objects):
    """Each page the matrix knows (as its mediator or administrator): CSP, no-store, no inline
    script or handler, and every script it loads is one of the app's static files."""
    failures = []
    clients = {}
    for role in ("mediator", "administrator"):
        clients[role] = Client()
        clients[role].force_login(getattr(world, role))
    seen = 0
    for name, args, role in _pages():
        url = reverse(name, args=args(objects))
        response = clients[role].get(url)
        if response.status_code != 200:
            failures.append(f"{url} ({name}): {response.status_code}")
            continue
        seen += 1
        cache_control = response.get("Cache-Control", "")
        if "no-store" not in cache_control:
            failures.append(f"{url} ({name}): Cache-Control {cache_control!r}")
        if "Content-Security-Policy" not in response:
            failures.append(f"{url} ({name}): no Content-Security-Policy")
        if not response.get("Content-Type", "").startswith("text/html"):
            continue  # a download: its headers are checked above
        page = audit(response.content.decode())
        failures += [f"{url} ({name}): {problem}" for problem in page.problems]
        for src in page.sources:
            if not src.startswith("/" + settings.STATIC_URL.lstrip("/")):
                failures.append(f"{url} ({name}): script from {src}")
            elif not finders.find(src.split("/static/", 1)[1]):
                failures.append(f"{url} ({name}): missing static script {src}")
    assert seen > 50, seen
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_downloads_and_exports_are_not_stored(world, objects):
    client = Client()
    client.force_login(world.mediator)
    for url in (
        reverse("documents:case_document_download", args=[world.case.pk, objects["draft"].pk]),
        reverse("cases:export_download", args=[objects["export"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
