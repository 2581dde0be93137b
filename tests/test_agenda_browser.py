"""The agenda in a real browser (Playwright, Debian's Chromium): the mediator follows the
navigation badge to the agenda, settles an item through its link, opens a case's Agenda tab and
makes then revokes the iCalendar address; a supervisor goes from the counts per mediator to the
list behind a number. Screenshots go to ``test-artifacts/agenda-*.png`` (git-ignored)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.dates import format_date
from core.roles import Role

from .agenda_helpers import LABEL, duty, follow_up, test_kind_fixture  # noqa: F401
from .factories import OrganisationFactory, UserFactory, make_case
from .test_browser import ARTIFACTS, CHROMIUM, browser_page, log_in, log_out  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"agenda-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_agenda_in_a_browser(live_server, browser_page, test_kind):  # noqa: F811
    from playwright.sync_api import expect

    today = timezone.localdate()
    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    mediator = UserFactory(username="mediatrice", organisation=org, last_name="Lambert")
    colleague = UserFactory(username="collegue", organisation=org, last_name="Peeters")
    UserFactory(username="superviseuse", organisation=org, role=Role.SUPERVISOR)
    case = make_case(organisation=org, mediator=mediator, reference="NAM-2022-0042")
    other = make_case(organisation=org, mediator=colleague, reference="NAM-2023-0007")
    late = duty(case, today - timedelta(days=4))
    duty(case, today)
    duty(case, today + timedelta(days=3))
    duty(other, today - timedelta(days=1))
    follow_up(case, mediator, today, creditor_name="Engie Electrabel")
    test_kind.offsets = [5]

    page = browser_page
    base = live_server.url
    try:
        log_in(page, base, "mediatrice")
        badge = page.locator("#nav-agenda-badge")
        expect(badge).to_contain_text("3")  # overdue + today's duty + today's follow-up
        page.click("nav a:has-text('Agenda')")
        page.wait_for_url("**/agenda/")
        expect(page.locator("h1")).to_contain_text("Agenda")
        expect(page.locator("#retard")).to_contain_text(format_date(late.deadline))
        expect(page.locator("#retard")).to_contain_text(LABEL)
        expect(page.locator("#aujourdhui")).to_contain_text("Rappel de négociation")
        expect(page.locator("#previsions")).to_contain_text("prévision")
        expect(page.locator("body")).not_to_contain_text("NAM-2023-0007")
        shot(page, "01-mediator")

        # the forecast comes after the page: if its request fails, the page says so and links
        # to the page with the forecast in it, instead of "Chargement…" for ever
        failing = re.compile(r"/agenda/previsions/")
        page.route(failing, lambda route: route.fulfill(status=500, body="erreur"))
        page.reload()
        expect(page.locator("#previsions")).to_contain_text(
            "Les prévisions n'ont pas pu être chargées."
        )
        fallback = page.locator("#previsions a")
        expect(fallback).to_have_attribute("href", "?previsions=1")
        expect(page.locator("#previsions .spinner-border")).to_have_count(0)
        page.unroute(failing)
        fallback.click()
        expect(page.locator("#previsions")).to_contain_text("prévision")
        page.goto(f"{base}/agenda/")

        page.locator("#retard a:has-text('Régler')").first.click()
        page.wait_for_url(f"**/dossiers/{case.pk}/honoraires/**")
        shot(page, "02-settling-screen")

        page.goto(f"{base}/dossiers/{case.pk}/agenda/")
        expect(page.locator(".nav-tabs .active")).to_have_text("Agenda")
        expect(page.locator("body")).to_contain_text("Échéances ouvertes")
        shot(page, "03-case-tab")

        page.goto(f"{base}/agenda/abonnement/")
        page.click('button:has-text("Créer l\'adresse")')
        page.wait_for_url("**/agenda/abonnement/")
        url = page.locator("#feed-url").input_value()
        assert url.startswith(f"{base}/agenda/ical/") and url.endswith(".ics")
        shot(page, "04-feed")
        feed = page.request.get(url)
        assert feed.status == 200 and b"BEGIN:VCALENDAR" in feed.body()
        page.click('button:has-text("Révoquer l\'adresse")')
        expect(page.locator("body")).to_contain_text("Aucune adresse active.")
        assert page.request.get(url).status == 404
        log_out(page)

        log_in(page, base, "superviseuse")
        page.click("nav a:has-text('Agenda')")
        page.wait_for_url("**/agenda/supervision/")
        row = page.locator("tr", has_text="Peeters")
        expect(row.locator("td").first).to_have_text("1")
        shot(page, "05-supervision")
        row.locator("td").first.locator("a").click()
        page.wait_for_url("**periode=retard**")
        expect(page.locator("#retard")).to_contain_text("NAM-2023-0007")
        expect(page.locator("table")).not_to_contain_text("NAM-2022-0042")
        shot(page, "06-supervision-list")
    except Exception:
        shot(page, "failure")
        raise
