"""Accessibility (issue #16, "Every user"): axe-core, run in Chromium on every main page of each
role, in French and in Dutch, reports no serious or critical violation of WCAG 2.1 A/AA; every
page has a skip link that takes the keyboard to the content.

One world, built once (a case with creditors, a journal, a fee statement, duties, filed
documents; a case over seven years for the supervisor's counts: the demo of ``seed_demo`` takes
minutes to load); each role logs in once, in a browser context of its own, and reads its pages
in French, then switches to Dutch with the navigation's language buttons and reads them again.
Every violation is collected before the test fails, with the rule, the elements (CSS selector
and HTML) and axe's help. Screenshots:
``test-artifacts/screenshots/a11y-*.png``."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from claims.models import Claim, ClaimStatus, Creditor
from contacts.models import Channel, Outcome
from contacts.services import ContactData, contact_record
from core.roles import Role
from documents.models import DocumentKind
from documents.services import generated_pdf_file
from fees.models import FeeStatement, Occasion
from fees.services import statement_create
from fees.tests.db import income, open_account, post, service
from ledger.models import Category
from letters.models import LetterTemplate

from .browser_support import (
    WIDER_THAN_THE_WINDOW,
    Violation,
    axe_violations,
    browser_marks,
    chromium,  # noqa: F401 (fixture)
    empty_every_table_after,
    horizontal_overflow,
    log_in,
    new_page,
    shot,
    switch_language,
)
from .factories import PASSWORD, OrganisationFactory, UserFactory, make_case, make_clerk
from .pdf import MINIMAL_PDF

pytestmark = browser_marks

LANGUAGES = ("fr", "nl")


@pytest.fixture
def world(legal_rows, live_server):
    """The pages' data, committed for the live server; emptied afterwards (the journal, the
    audit trail and filed fee statements refuse DELETE on SQLite)."""
    with empty_every_table_after():
        org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
        mediator = UserFactory(
            username="mediatrice", organisation=org, first_name="Sophie", last_name="Lambert"
        )
        colleague = UserFactory(username="collegue", organisation=org, last_name="Peeters")
        UserFactory(username="superviseuse", organisation=org, role=Role.SUPERVISOR)
        UserFactory(username="administratrice", organisation=org, role=Role.ADMINISTRATOR)
        make_clerk("namur", username="greffe_namur")
        case = make_case(
            organisation=org, mediator=mediator, reference="NAM-2022-0042", role_number="22/2610/B"
        )
        old = make_case(
            organisation=org,
            mediator=colleague,
            reference="NAM-2017-0099",
            admissibility_date=date(2017, 3, 1),
        )
        for name in ("Engie Electrabel", "Proximus SA"):
            creditor = Creditor.objects.create(
                organisation=org, name=name, address="Bd Simon Bolivar 34\n1000 Bruxelles"
            )
            Claim.objects.create(
                case=case,
                creditor=creditor,
                principal=Decimal("1200.00"),
                declared_on=date(2022, 7, 1),
                status=ClaimStatus.ACCEPTED,
            )
        contact_record(
            case=case,
            data=ContactData(
                creditor=creditor,
                date=date(2023, 1, 10),
                channel=Channel.PHONE,
                summary="Proposition de plan.",
                outcome=Outcome.COUNTER_PROPOSAL,
                follow_up_on=timezone.localdate(),
            ),
            by=mediator,
        )
        open_account(case)
        income(case, date(2022, 7, 1), "1500.00")
        post(case, date(2022, 9, 1), Category.PAYMENT_ON_BEHALF, "450.00")
        service(case, "hearing", date(2022, 12, 20))
        statement = statement_create(
            case=case,
            period_from=date(2022, 6, 15),
            period_to=date(2023, 6, 15),
            occasion=Occasion.ANNUAL_REPORT,
            reason="",
            by=mediator,
        )
        for filed_case, kind in (
            (case, DocumentKind.TAXATION_STATEMENT),
            (old, DocumentKind.ANNUAL_REPORT),
        ):
            generated_pdf_file(
                case=filed_case,
                kind=kind,
                title="Document déposé",
                filename="document.pdf",
                content=MINIMAL_PDF,
                by=filed_case.mediator,
                period_start=date(2023, 6, 15),
                period_end=date(2024, 6, 14),
            )
        call_command("seed_demo_agenda", verbosity=0)  # the daily run: the cases' duties
        yield case, statement


def mediator_pages(case: Case, statement: FeeStatement) -> list[tuple[str, str]]:
    applicant = case.applicants.order_by("position", "pk").first()
    return [
        ("caseload", reverse("cases:list")),
        ("agenda", reverse("agenda:agenda")),
        ("search", reverse("search:results") + f"?q={applicant.last_name}"),
        ("creditors", reverse("claims:creditor_list")),
        ("bank", reverse("banking:bank")),
        ("letter-compose", reverse("letters:compose", args=[case.pk])),
        ("payments", reverse("banking:case_payments", args=[case.pk])),
        ("fee-statement", reverse("fees:statement_detail", args=[case.pk, statement.pk])),
    ]


def check_pages(page, base: str, role: str, pages, found: list) -> None:
    """Every page in French, then (language switched in the navigation) in Dutch."""
    for language in LANGUAGES:
        if language != "fr":
            switch_language(page, language)
        for name, path in pages:
            response = page.goto(base + path)
            assert response.status == 200, f"{role} {name} ({path}): HTTP {response.status}"
            assert page.evaluate("document.documentElement.lang") == language, (
                f"{role} {name} is not in {language}"
            )
            assert page.locator("a.skip-link[href='#main']").count() == 1, (
                f"{role} {name}: no skip link"
            )
            label = f"{role} {name} ({path})"
            found += axe_violations(page, label, language)
            if (over := horizontal_overflow(page)) > 0:  # e.g. a navigation pushed off-screen
                found.append(wider_than_the_window(page, label, language, over))
            shot(page, f"a11y-{role}", f"{name}-{language}")
    switch_language(page, "fr")


def tab_name(href: str) -> str:
    """``/dossiers/7/creances/`` → ``creances``; the case's own page → ``overview``."""
    last = href.rstrip("/").rsplit("/", 1)[-1]
    return "overview" if last.isdigit() else last


def wider_than_the_window(page, label: str, language: str, over: int) -> Violation:
    """Sideways scrolling at 1366 px (WCAG 1.4.10 asks for none at 320 CSS px; the phone test
    checks 390 px): reported with the elements that stick out."""
    culprits = page.evaluate(WIDER_THAN_THE_WINDOW)
    return Violation(
        page=label,
        language=language,
        rule="page-wider-than-window",
        impact="serious",
        help=f"The page is {over} px wider than the window",
        url="https://www.w3.org/WAI/WCAG21/Understanding/reflow.html",
        nodes=[{"target": c, "html": "", "summary": ""} for c in culprits],
        count=len(culprits),
    )


def report(violations) -> str:
    """One paragraph per rule and elements, with the pages where they were found."""
    where = defaultdict(list)
    first = {}
    for v in violations:
        key = (v.rule, tuple(n["target"] for n in v.nodes))
        where[key].append(f"{v.page} [{v.language}]")
        first.setdefault(key, v)
    parts = [f"{len(violations)} serious or critical WCAG 2.1 A/AA violation(s) (axe-core):"]
    for key, v in first.items():
        parts.append(str(v) + "\n    on: " + "; ".join(where[key]))
    return "\n\n".join(parts)


@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_serious_violation_on_the_main_pages_of_each_role(
    live_server,
    chromium,  # noqa: F811
    world,
):
    case, statement = world
    base = live_server.url
    found: list = []

    # Login page, logged out (the language switch is in the navigation there too).
    page = new_page(chromium, axe=True)
    check_pages(page, base, "anonymous", [("login", reverse("accounts:login"))], found)
    page.context.close()

    # Mediator: the caseload, the agenda, the search, the letter, payments, fee statement,
    # and every tab of the case.
    page = new_page(chromium, axe=True)
    log_in(page, base, "mediatrice", PASSWORD)

    # Skip link: the first Tab reaches it, shown above the navigation; Enter moves the focus
    # to the content.
    page.goto(base + reverse("cases:list"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = page.locator("a.skip-link").bounding_box()
    assert box["width"] > 20 and box["height"] > 20, box
    shot(page, "a11y-mediator", "skip-link")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")

    page.goto(base + reverse("cases:detail", args=[case.pk]))
    tabs = page.eval_on_selector_all(
        ".nav-tabs a.nav-link", "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(tabs) >= 10, tabs
    pages = mediator_pages(case, statement) + [(f"case-{tab_name(href)}", href) for href in tabs]
    check_pages(page, base, "mediator", pages, found)
    page.context.close()

    # Supervisor: the counts per mediator, the caseload, the agenda's supervision.
    page = new_page(chromium, axe=True)
    log_in(page, base, "superviseuse", PASSWORD)
    supervisor_pages = [
        ("overview", reverse("cases:overview")),
        ("caseload", reverse("cases:list")),
        ("agenda", reverse("agenda:supervision")),
    ]
    check_pages(page, base, "supervisor", supervisor_pages, found)
    page.context.close()

    # Clerk of the Namur division: the filed documents.
    page = new_page(chromium, axe=True)
    log_in(page, base, "greffe_namur", PASSWORD)
    check_pages(page, base, "clerk", [("filed-documents", reverse("documents:clerk_list"))], found)
    page.context.close()

    # The organisation's administrator: the letter templates.
    template = LetterTemplate.objects.filter(organisation=case.organisation).order_by("pk").first()
    page = new_page(chromium, axe=True)
    log_in(page, base, "administratrice", PASSWORD)
    admin_pages = [
        ("letter-templates", reverse("letters:template_list")),
        ("letter-template", reverse("letters:template_edit", args=[template.pk])),
    ]
    check_pages(page, base, "administrator", admin_pages, found)
    page.context.close()

    assert not found, report(found)
