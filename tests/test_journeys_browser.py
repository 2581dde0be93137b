"""Each role's main journey in a real browser (issue #16, "Every user"), screenshots kept as CI
artifacts in ``test-artifacts/screenshots/<role>-<step>.png``:

- the mediator finds a case with the navigation's search box, sends a letter from a template,
  prepares a payment and computes a fee statement whose PDF link gives a PDF; on a phone
  (390 px) the case page and the agenda fit the screen and the header stays on it;
- the supervisor goes from the counts per mediator, through a number's link, to a case;
- the clerk searches the filed documents by R.G. number, filters them by kind and downloads a
  PDF.
"""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from banking.models import Payment
from claims.models import Claim, ClaimStatus, Creditor
from core.roles import Role
from documents.models import DocumentKind
from documents.services import generated_pdf_file
from fees.models import FeeStatement
from fees.tests.db import income, open_account, service
from letters.models import Letter

from .browser_support import (
    DESKTOP,
    PHONE,
    assert_fits_the_window,
    browser_marks,
    chromium,  # noqa: F401 (fixture)
    empty_every_table_after,
    log_in,
    new_page,
    shot,
)
from .factories import PASSWORD, OrganisationFactory, UserFactory, make_case, make_clerk
from .pdf import MINIMAL_PDF

pytestmark = browser_marks

REFERENCE = "NAM-2022-0042"


@pytest.fixture
def emptied_after(live_server):
    """The journeys file fee statements and post to the journal (append-only on SQLite)."""
    with empty_every_table_after():
        yield


def header_fits(page, label: str) -> None:
    """Nothing of the navigation bar is beyond the window's right edge."""
    width = page.viewport_size["width"]
    beyond = page.evaluate(
        """(width) => [...document.querySelectorAll('nav.navbar *')]
            .filter((el) => el.offsetParent !== null)
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .map((el) => el.tagName + '.' + el.className)""",
        width,
    )
    assert beyond == [], f"{label}: the header runs off a {width} px screen: {beyond}"


@pytest.mark.django_db(transaction=True)
def test_mediator_search_case_letter_payment_statement_and_phone(
    live_server,
    chromium,  # noqa: F811
    legal_rows,
    emptied_after,
):
    from playwright.sync_api import expect

    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    mediator = UserFactory(
        username="mediatrice", organisation=org, first_name="Sophie", last_name="Lambert"
    )
    case = make_case(organisation=org, mediator=mediator, reference=REFERENCE)
    make_case(organisation=org, mediator=mediator, reference="NAM-2023-0007")
    creditor = Creditor.objects.create(
        organisation=org, name="Engie Electrabel", address="Bd Simon Bolivar 34\n1000 Bruxelles"
    )
    Claim.objects.create(
        case=case,
        creditor=creditor,
        principal=Decimal("1200.00"),
        declared_on=date(2022, 7, 1),
        status=ClaimStatus.ACCEPTED,
    )
    open_account(case)
    income(case, date(2022, 7, 1), "1500.00")
    service(case, "hearing", date(2022, 12, 20))

    base = live_server.url
    page = new_page(chromium)
    try:
        log_in(page, base, "mediatrice", PASSWORD)

        # 1. The search box of the navigation: the reference, Enter, the results grouped by
        # kind; the case's hit opens the case.
        page.fill("#nav-search-q", REFERENCE)
        page.press("#nav-search-q", "Enter")
        page.wait_for_url("**/recherche/?q=*")
        hit = page.locator("main a.list-group-item", has_text=REFERENCE)
        expect(hit).to_have_count(1)
        expect(page.locator("main")).not_to_contain_text("NAM-2023-0007")
        shot(page, "mediator", "01-search")
        hit.click()
        page.wait_for_url(f"**/dossiers/{case.pk}/")
        expect(page.locator("h1")).to_contain_text(REFERENCE)
        shot(page, "mediator", "02-case")

        # 2. A letter: the Letters tab, a new letter from the first template, to the creditor.
        page.click(".nav-tabs a[href$='/courriers/']")
        page.wait_for_url(f"**/dossiers/{case.pk}/courriers/")
        page.click(f"main a[href='{reverse('letters:compose', args=[case.pk])}']")
        page.wait_for_url("**/courriers/nouveau/**")
        page.check("#case-addressees input[type=checkbox] >> nth=0")
        shot(page, "mediator", "03-letter-compose")
        page.click("button[name=action][value=send]")
        page.wait_for_url(f"**/dossiers/{case.pk}/courriers/", timeout=120_000)
        expect(page.locator(".alert-success")).to_contain_text("Courrier envoyé à 1 destinataire")
        letter = Letter.objects.get(case=case)
        assert list(letter.addressees.values_list("name", flat=True)) == ["Engie Electrabel"]
        expect(page.locator("main")).to_contain_text(letter.addressees.get().subject[:30])
        shot(page, "mediator", "04-letter-sent")

        # 3. A payment: the living allowance to the applicant, prepared for approval.
        page.goto(base + reverse("banking:case_payments", args=[case.pk]))
        page.select_option("#id_category", "living_allowance")
        page.fill("#id_amount", "250,00")
        page.fill("#id_beneficiary_iban", "BE52 0630 0042 4209")
        page.click("#payment-form button[type=submit]")
        expect(page.locator(".alert-success")).to_contain_text("Paiement préparé")
        payment = Payment.objects.get(case=case)
        assert (payment.amount, payment.status) == (Decimal("250.00"), "pending")
        expect(page.locator("main")).to_contain_text("250,00")
        shot(page, "mediator", "05-payment-prepared")

        # 4. The fee statement: the Fees tab, compute the suggested period, save the draft, and
        # its PDF link gives a PDF.
        page.click(".nav-tabs a[href$='/honoraires/']")
        page.click(f"a[href='{reverse('fees:statement_new', args=[case.pk])}']")
        page.click("#statement-form button[type=submit]")
        expect(page.locator("#statement-preview")).to_be_visible(timeout=60_000)
        shot(page, "mediator", "06-statement-preview")
        page.click("#statement-preview button[type=submit]")
        page.wait_for_url(re.compile(r".*/honoraires/etats/\d+/$"))
        statement = FeeStatement.objects.get(case=case)
        pdf_link = page.locator(
            f"main a[href='{reverse('fees:statement_pdf', args=[case.pk, statement.pk])}']"
        )
        expect(pdf_link).to_have_count(1)
        shot(page, "mediator", "07-statement")
        pdf = page.request.get(base + pdf_link.get_attribute("href"), timeout=120_000)
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF-")

        # 5. On a phone: the case page and the agenda fit the screen; the header stays on it,
        # its menu opens and fits too.
        page.set_viewport_size(PHONE)
        for name, path in (
            ("08-phone-case", reverse("cases:detail", args=[case.pk])),
            ("09-phone-agenda", reverse("agenda:agenda")),
            ("10-phone-case-agenda", reverse("agenda:case_agenda", args=[case.pk])),
            ("11-phone-journal", reverse("ledger:journal", args=[case.pk])),
        ):
            page.goto(base + path)
            assert_fits_the_window(page, path)
            header_fits(page, path)
            shot(page, "mediator", name)
        page.click("nav .navbar-toggler")
        page.wait_for_selector("#nav.show:not(.collapsing)")  # the animation is over
        expect(page.locator("#nav-search-q")).to_be_visible()
        assert_fits_the_window(page, "the opened menu")
        header_fits(page, "the opened menu")
        shot(page, "mediator", "12-phone-menu")
        page.set_viewport_size(DESKTOP)
    except Exception:
        shot(page, "mediator", "failure")
        raise


@pytest.mark.django_db(transaction=True)
def test_supervisor_from_the_counts_to_a_case(live_server, chromium):  # noqa: F811
    from playwright.sync_api import expect

    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    lambert = UserFactory(username="mediatrice", organisation=org, last_name="Lambert")
    peeters = UserFactory(username="collegue", organisation=org, last_name="Peeters")
    UserFactory(username="superviseuse", organisation=org, role=Role.SUPERVISOR)
    # Admitted more than seven years ago: the "Plus de 7 ans" count (law of 26.03.2012).
    late = make_case(
        organisation=org,
        mediator=peeters,
        reference="NAM-2017-0099",
        admissibility_date=date(2017, 3, 1),
    )
    make_case(
        organisation=org,
        mediator=lambert,
        reference="NAM-2026-0001",
        admissibility_date=timezone.localdate(),
    )

    base = live_server.url
    page = new_page(chromium)
    try:
        log_in(page, base, "superviseuse", PASSWORD)
        page.click("nav a:has-text('Supervision')")
        page.wait_for_url("**/dossiers/supervision/")
        row = page.locator("#supervisor-table tbody tr", has_text="Peeters")
        flag = row.locator("a[href*='flag=over_seven_years']")
        expect(flag).to_have_text("1")
        shot(page, "supervisor", "01-overview")
        flag.click()
        page.wait_for_url("**flag=over_seven_years**")
        table = page.locator("#case-table")
        expect(table).to_contain_text("NAM-2017-0099")
        expect(table).not_to_contain_text("NAM-2026-0001")
        shot(page, "supervisor", "02-caseload")
        table.locator("a", has_text="NAM-2017-0099").first.click()
        page.wait_for_url(f"**/dossiers/{late.pk}/")
        expect(page.locator("h1")).to_contain_text("NAM-2017-0099")
        shot(page, "supervisor", "03-case")
    except Exception:
        shot(page, "supervisor", "failure")
        raise


@pytest.mark.django_db(transaction=True)
def test_clerk_filters_the_filed_documents_and_downloads_a_pdf(live_server, chromium):  # noqa: F811
    from playwright.sync_api import expect

    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    mediator = UserFactory(username="mediatrice", organisation=org)
    make_clerk("namur", username="greffe_namur")
    first = make_case(
        organisation=org, mediator=mediator, reference="NAM-2022-0042", role_number="22/2610/B"
    )
    second = make_case(
        organisation=org, mediator=mediator, reference="NAM-2023-0007", role_number="23/0115/B"
    )
    generated_pdf_file(
        case=first,
        kind=DocumentKind.TAXATION_STATEMENT,
        title="État de frais et honoraires du 15/06/2022 au 14/06/2023",
        filename="etat.pdf",
        content=MINIMAL_PDF,
        by=mediator,
        period_start=date(2022, 6, 15),
        period_end=date(2023, 6, 14),
    )
    generated_pdf_file(
        case=second,
        kind=DocumentKind.ANNUAL_REPORT,
        title="Rapport annuel du 01/02/2023 au 31/01/2024",
        filename="rapport.pdf",
        content=MINIMAL_PDF,
        by=mediator,
        period_start=date(2023, 2, 1),
        period_end=date(2024, 1, 31),
    )

    base = live_server.url
    page = new_page(chromium)
    try:
        log_in(page, base, "greffe_namur", PASSWORD)
        page.click("nav a:has-text('Documents déposés')")
        page.wait_for_url("**/greffe/")
        table = page.locator("#clerk-table")
        expect(table).to_contain_text("NAM-2022-0042")
        expect(table).to_contain_text("NAM-2023-0007")
        shot(page, "clerk", "01-filed-documents")

        # The search by R.G. number, as typed (htmx swaps the table in place and keeps the
        # filter in the address), then the kind filter instead.
        page.locator("#id_case").press_sequentially("23/0115", delay=30)
        expect(table).not_to_contain_text("NAM-2022-0042")
        expect(table).to_contain_text("NAM-2023-0007")
        page.wait_for_url("**case=23%2F0115**")
        shot(page, "clerk", "02-rg-search")
        page.fill("#id_case", "")
        page.select_option("#id_kind", DocumentKind.TAXATION_STATEMENT)
        expect(table).not_to_contain_text("NAM-2023-0007")
        expect(table).to_contain_text("NAM-2022-0042")
        page.wait_for_url(f"**kind={DocumentKind.TAXATION_STATEMENT}**")
        shot(page, "clerk", "03-kind-filter")

        link = table.locator("a[href*='/greffe/documents/']")
        expect(link).to_have_count(1)
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == (
            "RG-22-2610-B_etat-de-frais_2022-06-15_2023-06-14.pdf"
        )
        assert Path(download.path()).read_bytes().startswith(b"%PDF-")
        shot(page, "clerk", "04-downloaded")
    except Exception:
        shot(page, "clerk", "failure")
        raise
