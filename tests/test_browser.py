"""End-to-end check in a real browser (the issue's "Browser check").

Playwright drives Debian's Chromium (``/usr/bin/chromium``); no browser is ever downloaded.
A mediator logs in through the form, is refused an invalid national register number with the
French message (nothing saved), creates a case, lands on its page and finds it in the
caseload; a clerk of another division and a mediator of another organisation then open the
case's URL and are shown nothing of it. Screenshots go to ``test-artifacts/`` (git-ignored).
"""

import re
from pathlib import Path

import pytest
from django.db import connections

from cases.models import Case
from core.roles import Role

from .factories import PASSWORD, OrganisationFactory, UserFactory, make_case, make_clerk

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

REFERENCE = "NAM-2024-0777"
APPLICANT_LAST_NAME = "Vandermeulen"
VALID_NN = "85.07.30-033.28"
INVALID_NN = "85.07.30-033.29"  # wrong check digits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django then refuses ORM
    # calls as "async unsafe". The test is sequential, so the standard opt-out is safe; it is
    # set for this test only (a module-level os.environ would leak into every later test and
    # subprocess, e.g. make ``check --deploy`` fail with async.E001).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("browser-*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(locale="fr-BE", viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()
            # While Playwright runs, the ORM uses connections of its own (another context):
            # close them here, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/compte/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_load_state()
    assert "/compte/connexion/" not in page.url, f"login of {username} failed"


def log_out(page) -> None:
    page.click(".user-menu")  # the user's menu in the navigation holds "Se déconnecter"
    page.click("button:has-text('Se déconnecter')")
    page.wait_for_url("**/compte/connexion/**")


@pytest.mark.django_db(transaction=True)
def test_mediator_creates_and_finds_case_other_roles_do_not_see_it(live_server, browser_page):
    from playwright.sync_api import expect

    # Every database object is created before the browser acts.
    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    mediator = UserFactory(username="mediatrice", organisation=org)
    # Another case of the same organisation, which the search must filter out.
    make_case(organisation=org, mediator=mediator, reference="NAM-2020-0001")
    make_clerk("liege", username="greffe_liege")
    UserFactory(username="autre_mediateur", organisation=OrganisationFactory(), role=Role.MEDIATOR)

    page = browser_page
    base = live_server.url
    try:
        # 1. The mediator logs in through the login form.
        log_in(page, base, "mediatrice")
        shot(page, "01-logged-in")

        # 2. "Nouveau dossier": an invalid national number is refused with the French message.
        page.goto(f"{base}/dossiers/")
        page.click("a:has-text('Nouveau dossier')")
        page.wait_for_url("**/dossiers/nouveau/")
        page.fill("#id_reference", REFERENCE)
        page.select_option("#id_division", "namur")
        page.fill("#id_admissibility_date", "15/03/2024")
        page.fill("#id_applicants-0-last_name", APPLICANT_LAST_NAME)
        page.fill("#id_applicants-0-first_name", "Camille")
        page.fill("#id_applicants-0-national_number", INVALID_NN)
        page.click("button[type=submit]:has-text('Enregistrer')")
        page.wait_for_load_state()
        expect(page.locator("body")).to_contain_text(
            "n'est pas un numéro de registre national valide"
        )
        assert page.url.endswith("/dossiers/nouveau/")
        shot(page, "02-invalid-national-number")
        assert not Case.objects.filter(reference=REFERENCE).exists(), "half-saved case"

        # 3. Corrected, the case is created and the browser lands on its page.
        page.fill("#id_applicants-0-national_number", VALID_NN)
        page.click("button[type=submit]:has-text('Enregistrer')")
        page.wait_for_url("**/dossiers/*/")
        case = Case.objects.get(reference=REFERENCE)
        assert page.url == f"{base}/dossiers/{case.pk}/"
        expect(page.locator("h1")).to_contain_text(REFERENCE)
        expect(page.locator("body")).to_contain_text(APPLICANT_LAST_NAME, ignore_case=True)
        shot(page, "03-case-page")

        # 4. The caseload's search finds it (and only it).
        page.goto(f"{base}/dossiers/")
        expect(page.locator("#case-table")).to_contain_text("NAM-2020-0001")
        page.fill("#id_q", REFERENCE)
        page.press("#id_q", "Enter")
        expect(page.locator("#case-table")).not_to_contain_text("NAM-2020-0001")
        row = page.locator("#case-table tbody tr", has_text=REFERENCE)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(APPLICANT_LAST_NAME, ignore_case=True)
        shot(page, "04-caseload-search")
        log_out(page)

        # 5. A clerk of another division opens the case's URL: nothing of it is shown. Case
        # pages are refused to the clerk role as a whole (403, see core/access.py and
        # tests/test_access_matrix.py), the same response as for a case that does not exist,
        # so the case's existence does not leak either.
        log_in(page, base, "greffe_liege")
        response = page.goto(f"{base}/dossiers/{case.pk}/")
        shot(page, "05-clerk-other-division")
        assert response.status in (403, 404), response.status
        body = page.locator("body").inner_text().lower()
        assert REFERENCE.lower() not in body
        assert APPLICANT_LAST_NAME.lower() not in body
        missing = page.goto(f"{base}/dossiers/{case.pk + 10_000}/")
        assert missing.status == response.status
        assert page.locator("h1").inner_text().lower() in body
        log_out(page)

        # 6. A mediator of another organisation gets the 404 page.
        log_in(page, base, "autre_mediateur")
        response = page.goto(f"{base}/dossiers/{case.pk}/")
        shot(page, "06-other-organisation-404")
        assert response.status == 404
        expect(page.locator("h1")).to_contain_text("Page introuvable")
        body = page.locator("body").inner_text().lower()
        assert REFERENCE.lower() not in body
        assert APPLICANT_LAST_NAME.lower() not in body
    except Exception:
        shot(page, "failure")
        raise


# The elements that stick out of a 390 px screen while their parent does not (the culprits).
WIDER_THAN_THE_SCREEN = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    if (r.right > 391 && parent.right <= 391) {
      out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right) + 'px: '
        + (el.textContent || '').trim().slice(0, 60));
    }
  }
  return out.slice(0, 10);
}"""


@pytest.mark.django_db(transaction=True)
def test_a_phone_never_scrolls_sideways_and_the_search_box_works(
    live_server, browser_page, ledger_emptied_after
):
    """Issue #16: at 390 px (a phone) the main pages fit the screen (wide tables scroll inside
    their own frame); the navigation's search box finds a case by its applicant with the
    keyboard alone ("/" then the arrows and Enter)."""
    from datetime import date
    from decimal import Decimal

    from claims.services import ClaimData, ContactData, claim_create, creditor_create
    from ledger.services import EntryData, account_open, entry_post

    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    mediator = UserFactory(username="mediatrice", organisation=org)
    case = make_case(organisation=org, mediator=mediator, reference="NAM-2023-0390")
    creditor = creditor_create(
        organisation=org, data=ContactData(name="Société Anonyme Des Créances Très Longues")
    )
    claim_create(
        case=case,
        data=ClaimData(
            creditor=creditor,
            principal=Decimal("12345.67"),
            declared_on=date(2022, 7, 1),
            creditor_reference="CONTRAT-2019-000123456789",
        ),
    )
    account_open(case=case, iban="BE41 0630 1234 5610", opened_on=date(2022, 6, 15))
    entry_post(
        case=case,
        data=EntryData(
            value_date=date(2022, 7, 1),
            direction="in",
            amount=Decimal("1500.00"),
            category="income",
            counterparty="Employeur avec une raison sociale très longue SPRL",
            communication="Salaire de juin 2022 versé sur le compte de médiation",
        ),
        by=mediator,
        today=date(2022, 7, 2),
    )
    page = browser_page
    base = live_server.url
    log_in(page, base, "mediatrice")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (
        "/dossiers/",
        f"/dossiers/{case.pk}/",
        f"/dossiers/{case.pk}/creances/",
        f"/dossiers/{case.pk}/compte/",
        f"/dossiers/{case.pk}/honoraires/",
    ):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen: " + str(
            page.evaluate(WIDER_THAN_THE_SCREEN)
        )
    shot(page, "phone-journal")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(base + "/dossiers/")
    page.keyboard.press("/")
    page.keyboard.type("Dubois", delay=20)
    page.wait_for_selector(".search-suggestions .search-hit")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/dossiers/{case.pk}/")
    shot(page, "search-to-case")


@pytest.mark.django_db(transaction=True)
def test_a_pdf_link_shows_that_the_pdf_is_being_generated(live_server, browser_page):
    """Issue #16, "long work shows progress": a link producing a PDF in a new tab (data-busy,
    static/js/app.js) shows a spinner and "Génération du PDF…" once clicked, refuses a second
    click meanwhile, and comes back afterwards."""
    from playwright.sync_api import expect

    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    mediator = UserFactory(username="mediatrice", organisation=org)
    case = make_case(organisation=org, mediator=mediator, reference="NAM-2023-0391")
    page = browser_page
    base = live_server.url
    log_in(page, base, "mediatrice")
    page.goto(f"{base}/dossiers/{case.pk}/creances/")
    link = page.locator("a[data-busy]", has_text="Liste des créances (PDF)")
    expect(link).to_have_attribute("data-busy", "Génération du PDF…")
    with page.context.expect_page() as popup:
        link.click()
    busy = page.locator("a.is-busy[data-busy]")
    expect(busy).to_have_count(1)
    expect(busy).to_contain_text("Génération du PDF…")
    expect(busy.locator(".spinner-border")).to_have_count(1)
    expect(busy).to_have_attribute("aria-disabled", "true")
    shot(page, "pdf-busy")
    popup.value.close()
    # back after a while (or when the user returns to this tab): the link as it was
    expect(link).not_to_have_class(re.compile("is-busy"), timeout=20_000)
    expect(link).to_have_text("Liste des créances (PDF)")
    expect(link.locator(".spinner-border")).to_have_count(0)
