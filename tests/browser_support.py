"""What the accessibility and journey tests in a real browser share (issue #16): one Chromium
per test (Debian's, ``/usr/bin/chromium``; Playwright never downloads a browser), a logged-in
context per role, the language switch of the navigation, screenshots kept under
``test-artifacts/screenshots/<role>-<step>.png`` (git-ignored; CI keeps the directory as an
artifact), and axe-core run in the page.

axe-core comes from the npm registry, pinned in ``tests/browser/package.json`` and
``package-lock.json``; ``make test`` installs it with ``npm ci``. Without it the accessibility
tests fail (they are not skipped): CI must never pass without having run them.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management.color import no_style
from django.db import connection, connections, transaction

from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_JS = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# WCAG 2.1 levels A and AA (axe's tags); a violation of impact "serious" or "critical" fails.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")
AXE_RUN = """async ([tags, impacts]) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      url: v.helpUrl,
      nodes: v.nodes.slice(0, 5).map((n) => ({
        target: n.target.join(' '),
        html: n.html.slice(0, 160),
        summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300),
      })),
      count: v.nodes.length,
    }));
}"""

browser_marks = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@contextmanager
def empty_every_table_after():
    """A committing test that wrote append-only rows beyond the journal and the audit trail
    (filed fee statements and their taxed services, fees migration 0005), with everything that
    refers to them: on SQLite, where Django's flush DELETEs and the triggers refuse, every table
    is emptied at the end with the triggers dropped, in one transaction (foreign keys are
    checked at its end), and the triggers are put back. PostgreSQL's TRUNCATE fires no row
    trigger: nothing to do there."""
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            tables = connection.introspection.django_table_names(
                only_existing=True, include_views=False
            )
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
                for sql in connection.ops.sql_flush(no_style(), tables):
                    cursor.execute(sql)
                for _name, sql in triggers:
                    cursor.execute(sql)


def axe_script() -> Path:
    """The path of ``axe.min.js``; the test fails (never skips) when it is not installed."""
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core is not installed ({AXE_JS} is missing): run `make test`, which installs "
            "it, or `npm ci --prefix tests/browser` (Node.js and npm: apt-get install npm).",
            pytrace=False,
        )
    return AXE_JS


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium for the test; its contexts are made by ``new_context``."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django then refuses ORM
    # calls as "async unsafe"; the test is sequential (see tests/test_browser.py).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # The ORM's connections opened while Playwright ran (another context): closed, or
            # PostgreSQL refuses to drop the test database at the end.
            connections.close_all()


def new_page(browser, *, axe: bool = False, viewport: dict | None = None):
    """A page in a context of its own (its own cookies: one role, one language). With
    ``axe``, axe-core is loaded into every document of the context as an init script: the
    Content-Security-Policy (script-src 'self') refuses an inline <script> that
    ``page.add_script_tag`` would add, and bypassing the policy would let the page be checked
    with styles a user's browser refuses."""
    context = browser.new_context(locale="fr-BE", viewport=viewport or DESKTOP)
    if axe:
        context.add_init_script(path=str(axe_script()))
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def shot(page, role: str, step: str) -> Path:
    path = SCREENSHOTS / f"{role}-{step}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/compte/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/compte/connexion/" not in page.url, f"login of {username} failed"


def switch_language(page, code: str) -> None:
    """The navigation's language buttons (Django's set_language: the language cookie)."""
    page.click(f"nav button[name=language][value={code}]")
    page.wait_for_function(f"document.documentElement.lang === '{code}'")


@dataclass
class Violation:
    page: str
    language: str
    rule: str
    impact: str
    help: str
    url: str
    nodes: list[dict]
    count: int

    def __str__(self) -> str:
        lines = [
            f"[{self.language}] {self.page}: {self.rule} ({self.impact}, {self.count} element(s))"
            f" — {self.help} <{self.url}>"
        ]
        for node in self.nodes:
            lines.append(f"    {node['target']}  {node['html']}")
            if node["summary"]:
                lines.append(f"      {node['summary']}")
        return "\n".join(lines)


def axe_violations(page, label: str, language: str) -> list[Violation]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations of the page as it stands."""
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.axe") == "object", f"axe-core not loaded in {label}"
    found = page.evaluate(AXE_RUN, [AXE_TAGS, list(FAILING_IMPACTS)])
    return [
        Violation(
            page=label,
            language=language,
            rule=v["id"],
            impact=v["impact"],
            help=v["help"],
            url=v["url"],
            nodes=v["nodes"],
            count=v["count"],
        )
        for v in found
    ]


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The elements that stick out of the window while their parent does not (the culprits).
WIDER_THAN_THE_WINDOW = """() => {
  const out = [];
  const limit = window.innerWidth + 1;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    if (r.right > limit && parent.right <= limit) {
      out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right) + 'px: '
        + (el.textContent || '').trim().slice(0, 60));
    }
  }
  return out.slice(0, 10);
}"""


def assert_fits_the_window(page, label: str) -> None:
    over = horizontal_overflow(page)
    assert over <= 0, (
        f"{label} scrolls sideways by {over} px at {page.viewport_size['width']} px: "
        + str(page.evaluate(WIDER_THAN_THE_WINDOW))
    )
