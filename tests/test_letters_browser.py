"""The letter editor in a real browser (Playwright, Debian's Chromium; issue 16, "Letter
templates without template code"): the organisation's administrator clicks a field of the menu
into a template's text and sees the live preview render it; the mediator does the same on the
compose page, over the case and the addressee ticked. Screenshots go to
``test-artifacts/letters-*.png`` (git-ignored)."""

from datetime import date
from decimal import Decimal

import pytest

from claims.models import Claim, Creditor
from core.roles import Role
from letters.models import LetterTemplate

from .factories import OrganisationFactory, UserFactory, make_case
from .test_browser import ARTIFACTS, CHROMIUM, browser_page, log_in, log_out  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"letters-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_field_inserted_at_the_cursor_shows_in_the_live_preview(live_server, browser_page):  # noqa: F811
    from playwright.sync_api import expect

    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    UserFactory(username="admin_org", organisation=org, role=Role.ADMINISTRATOR)
    mediator = UserFactory(username="mediatrice", organisation=org)
    case = make_case(organisation=org, mediator=mediator, reference="NAM-2022-0042")
    creditor = Creditor.objects.create(
        organisation=org, name="Engie Electrabel", address="Bd Simon Bolivar 34\n1000 Bruxelles"
    )
    Claim.objects.create(
        case=case,
        creditor=creditor,
        principal=Decimal("1200.00"),
        declared_on=date(2022, 7, 1),
        creditor_reference="EN-77",
    )
    template = LetterTemplate.objects.get(organisation=org, language="fr", kind="other")

    page = browser_page
    base = live_server.url
    try:
        # 1. The administrator edits a template: the field goes where the cursor is.
        log_in(page, base, "admin_org")
        page.goto(f"{base}/courriers/modeles/{template.pk}/")
        preview = page.locator("#live-preview")
        expect(preview).to_contain_text("Marie DUBOIS")  # the sample values, at once
        page.fill("#id_body", "Madame, Monsieur,\n\nVotre dossier  est en cours.")
        body = page.locator("#id_body")
        body.evaluate(
            "el => { const at = el.value.indexOf('  ') + 1; el.setSelectionRange(at, at); }"
        )
        page.click("[data-insert-field=reference_creancier]")
        expect(body).to_have_value(
            "Madame, Monsieur,\n\nVotre dossier [reference_creancier] est en cours."
        )
        expect(preview).to_contain_text("Votre dossier DOS-2021-5587 est en cours.")
        # Over a case of the organisation: its data.
        page.select_option("#preview-case", str(case.pk))
        expect(preview).to_contain_text("pour Engie Electrabel")
        expect(preview).to_contain_text("Votre dossier EN-77 est en cours.")
        # A name that is not a field: the message names it, in the preview.
        body.press("End")
        body.type(" [solde]")
        expect(preview).to_contain_text("le champ [solde] n'existe pas")
        shot(page, "01-template-editor")
        log_out(page)

        # 2. The mediator composes a letter: the preview renders it for the addressee ticked.
        log_in(page, base, "mediatrice")
        page.goto(f"{base}/dossiers/{case.pk}/courriers/nouveau/?modele={template.pk}")
        page.check(f"#a-c{creditor.pk}")
        page.fill("#id_body", "Bonjour ")
        page.click("[data-insert-field=destinataire]")
        expect(page.locator("#id_body")).to_have_value("Bonjour [destinataire]")
        expect(page.locator("#live-preview")).to_contain_text("Bonjour Engie Electrabel")
        shot(page, "02-compose")
    except Exception:
        shot(page, "failure")
        raise
