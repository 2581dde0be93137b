"""The closure of a case in a real browser (Playwright, Debian's Chromium; issue 17): the
mediator opens the closure page, reads the end-of-plan checklist, files the final report and
sends the closure letters through its forms (the checklist follows), is refused the closure
while items stay open without a reason (the message next to the field), gives the reason and
closes the case. Screenshots go to ``test-artifacts/closure-*.png`` (git-ignored)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case
from claims.models import Claim, ClaimStatus, Creditor
from contacts.services import ThirdPartyData, third_party_create
from core.dates import format_date
from letters.models import Letter
from reports.models import FiledReport

from .factories import OrganisationFactory, UserFactory, make_case
from .test_browser import ARTIFACTS, CHROMIUM, browser_page, log_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"closure-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_closure_checklist_to_the_closed_case(live_server, browser_page):  # noqa: F811
    from playwright.sync_api import expect

    today = timezone.localdate()
    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    mediator = UserFactory(username="mediatrice", organisation=org, last_name="Lambert")
    case = make_case(
        organisation=org,
        mediator=mediator,
        reference="NAM-2022-0042",
        admissibility_date=date(today.year - 3, 6, 15),
    )
    Case.objects.filter(pk=case.pk).update(
        status="amicable_plan", homologation_date=date(today.year - 2, 1, 10)
    )
    creditor = Creditor.objects.create(
        organisation=org, name="Engie Electrabel", address="Bd Simon Bolivar 34\n1000 Bruxelles"
    )
    Claim.objects.create(
        case=case,
        creditor=creditor,
        principal=Decimal("1200.00"),
        declared_on=date(today.year - 3, 7, 1),
        status=ClaimStatus.ACCEPTED,
    )
    for data in (
        ThirdPartyData("employer", "Boulangerie Dupont", "Rue du Pain 3\n5000 Namur"),
        ThirdPartyData("bank", "Banque Populaire", "Avenue de la Gare 1\n5000 Namur"),
    ):
        third_party_create(case=case, data=data, by=mediator)

    page = browser_page
    page.set_default_timeout(120_000)  # filing a report prints its PDF and annexes (WeasyPrint)
    base = live_server.url
    try:
        log_in(page, base, "mediatrice")
        page.goto(f"{base}/dossiers/{case.pk}/")
        page.click(".nav-tabs a:has-text('Clôture')")
        page.wait_for_url(f"**/dossiers/{case.pk}/cloture/")
        expect(page.locator("#checklist-state")).to_contain_text("points ouverts")
        expect(page.locator('[data-item="final_report"]')).to_have_attribute("data-state", "todo")
        shot(page, "01-checklist")

        # The final report over the last period (the form is filled in with it).
        page.click("button[value=final_report]")
        expect(page.locator('[data-item="final_report"]')).to_have_attribute("data-state", "done")
        assert FiledReport.objects.get(case=case).final

        # The letters that end the procedure: creditors, employer, bank (pre-ticked).
        page.click("button[value=letters]")
        expect(page.locator('[data-item="closure_letters"]')).to_have_attribute(
            "data-state", "done"
        )
        assert Letter.objects.filter(case=case).count() == 3
        shot(page, "02-report-and-letters")

        # Closing while the plan and the fees are still open: the reason is asked for.
        page.fill("#id_decision_date", format_date(today))
        page.click("button[value=close]")
        expect(page.locator("#div_id_reason")).to_contain_text("indiquez pourquoi")
        assert Case.objects.get(pk=case.pk).status == "amicable_plan"
        shot(page, "03-reason-asked")

        page.fill("#id_reason", "Le tribunal clôture la procédure d'office.")
        page.click("button[value=close]")
        expect(page.locator("#closed-note")).to_contain_text("Clôturé")
        assert Case.objects.get(pk=case.pk).status == "closed"
        shot(page, "04-closed")
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
