"""In a real browser (Debian's Chromium), under the Content-Security-Policy: the pages whose
scripts moved to static files behave as before, nothing is refused by the policy, and a user
enrols a second factor (QR code rendered by the server) and confirms an action through a
``data-confirm`` dialog."""

import re

import pytest
from django.urls import reverse

from accounts.models import AuthenticatorDevice
from tests.factories import OrganisationFactory, UserFactory, make_case
from tests.security.test_mfa import code
from tests.test_browser import CHROMIUM, browser_page, log_in, shot  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy(live_server, browser_page):  # noqa: F811
    from playwright.sync_api import expect

    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    mediator = UserFactory(username="mediatrice", organisation=org)
    case = make_case(organisation=org, mediator=mediator)

    page = browser_page
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    base = live_server.url
    try:
        log_in(page, base, "mediatrice")

        # Case form: "add an applicant" (static/js/case_form.js).
        page.goto(f"{base}{reverse('cases:create')}")
        expect(page.locator("#id_applicants-1-last_name")).to_have_count(0)
        page.click("#add-applicant")
        expect(page.locator("#id_applicants-1-last_name")).to_have_count(1)

        # Billable services: the columns follow the kind of service (service_form.js).
        page.goto(f"{base}{reverse('fees:case_services', args=[case.pk])}")
        hidden = page.locator("#service-form .js-kind:not(:visible)")
        assert hidden.count() > 0, "service_form.js did not hide the other kinds' columns"

        # Letters: changing the template submits its form (data-autosubmit).
        page.goto(f"{base}{reverse('letters:compose', args=[case.pk])}")
        options = page.locator("#modele option")
        assert options.count() > 1
        second = options.nth(1).get_attribute("value")
        page.select_option("#modele", second)
        page.wait_for_url(re.compile(rf"modele={second}"))
        shot(page, "csp-letters")

        # Second factor: the QR code is drawn by the server, the code confirms it.
        page.goto(f"{base}{reverse('accounts:mfa_setup')}")
        expect(page.locator("#mfa-qr svg")).to_be_visible()
        device = AuthenticatorDevice.objects.get(user=mediator, confirmed=False)
        page.fill("#id_token", code(device))
        page.click("button[type=submit]:has-text('Activer')")
        expect(page.locator("#recovery-codes li")).to_have_count(10)
        shot(page, "csp-recovery-codes")

        # data-confirm (static/js/app.js): dismissed, nothing happens; accepted, it posts.
        page.goto(f"{base}{reverse('accounts:account')}")
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click("button:has-text('Nouveaux codes de secours')")
        page.wait_for_timeout(500)
        assert page.url.endswith(reverse("accounts:account"))
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("button:has-text('Nouveaux codes de secours')")
        expect(page.locator("#recovery-codes li")).to_have_count(10)
    except Exception:
        shot(page, "csp-failure")
        raise
    assert not refused, refused
