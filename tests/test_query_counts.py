"""The main pages run a number of queries constant in the number of rows they show (issue 15):
each page is rendered for a small and a larger dataset (2 against 12 cases, claims, journal
entries, services, documents, contacts) and both counts must be equal, so that an N+1 query
fails ``make test``. Timing targets stay in the benchmark (``benchmarks/bench.py``).

A page whose count grows today is marked ``xfail(strict=True)`` with the reason: the fix that
makes it constant turns the test red until the mark is removed."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agenda.services import daily_run
from claims.models import Creditor
from claims.services import ClaimData, claim_create
from contacts.services import ContactData, contact_record
from core.case_views import case_tabs
from documents.services import document_file, document_upload
from fees.services.billable import service_record
from ledger.services import EntryData, account_open, entry_post

from .factories import make_case
from .pdf import MINIMAL_PDF

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 12

# Pages whose count grows with the rows today (found by this module; the screens' fix for issue
# 15 flips them): page -> reason.
GROWING: dict[str, str] = {}


def xfail_if_growing(page: str):
    if page in GROWING:
        return pytest.param(page, marks=pytest.mark.xfail(strict=True, reason=GROWING[page]))
    return page


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def query_count(client: Client, url: str) -> int:
    client.get(url)  # once before: sessions, caches and lazy registries are warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_cases(world, count: int, *, start: int = 0) -> list:
    today = timezone.localdate()
    return [
        make_case(
            organisation=world.org,
            mediator=world.mediator,
            reference=f"NAM-2023-{start + n:04d}",
            admissibility_date=today - timedelta(days=400 + n),
        )
        for n in range(count)
    ]


def fill(case, count: int, *, by) -> None:
    """``count`` claims, journal entries, billable services, filed documents and contacts."""
    today = timezone.localdate()
    day = case.admissibility_date + timedelta(days=10)
    account_open(case=case, opened_on=case.admissibility_date)
    for n in range(count):
        creditor = Creditor.objects.create(
            organisation=case.organisation,
            name=f"Créancier {case.pk}-{n}",
            address="Rue de la Loi 1\n1000 Bruxelles",
        )
        claim_create(
            case=case,
            data=ClaimData(creditor=creditor, principal=Decimal("500.00") + n, declared_on=day),
            by=by,
        )
        entry_post(
            case=case,
            data=EntryData(
                value_date=day + timedelta(days=n),
                direction="in",
                amount=Decimal("100.00") + n,
                category="income",
                counterparty=f"Employeur {n}",
            ),
            by=by,
            today=today,
        )
        service_record(
            case=case, kind="letter", service_date=day + timedelta(days=n), mediator=by, by=by
        )
        document = document_upload(
            case=case,
            kind="annual_report",
            title=f"Rapport annuel {n}",
            upload=SimpleUploadedFile(f"r{n}.pdf", MINIMAL_PDF),
            uploaded_by=by,
        )
        document_file(document=document, filed_by=by)
        contact_record(
            case=case,
            data=ContactData(
                creditor=creditor,
                date=day + timedelta(days=n),
                channel="phone",
                summary=f"Appel {n}",
                outcome="no_answer",
                follow_up_on=today + timedelta(days=n + 1),
            ),
            by=by,
            today=today,
        )


# -- lists of cases -----------------------------------------------------------------------

CASELOAD = {
    "caseload list": "",
    "caseload sorted by applicant": "?sort=applicant",
    "caseload searched": "?q=Dubois",
    "caseload last page": "?page=100000",
}


@pytest.mark.parametrize("page", [xfail_if_growing(page) for page in CASELOAD])
def test_caseload_queries_are_constant_in_the_number_of_cases(world, page):
    url = reverse("cases:list") + CASELOAD[page]
    client = client_for(world.supervisor)
    add_cases(world, SMALL - 1)
    few = query_count(client, url)
    add_cases(world, LARGE - SMALL, start=100)
    many = query_count(client, url)
    assert many == few, f"{page}: {few} queries for {SMALL} cases, {many} for {LARGE}"


@pytest.mark.parametrize("page", [xfail_if_growing("supervisor overview")])
def test_supervisor_overview_queries_are_constant(world, page):
    client = client_for(world.supervisor)
    url = reverse("cases:overview")
    for case in add_cases(world, SMALL - 1):
        fill(case, 1, by=world.mediator)
    few = query_count(client, url)
    for case in add_cases(world, LARGE - SMALL, start=100):
        fill(case, 1, by=world.mediator)
    many = query_count(client, url)
    assert many == few, f"{page}: {few} queries for {SMALL} cases, {many} for {LARGE}"


AGENDA_URLS = {"agenda": "agenda:agenda", "agenda forecast": "agenda:forecast"}


@pytest.mark.parametrize("page", [xfail_if_growing(page) for page in AGENDA_URLS])
def test_agenda_queries_are_constant(world, page):
    """The agenda page and its forecast fragment, loaded after it (issue 15)."""
    client = client_for(world.mediator)
    url = reverse(AGENDA_URLS[page])
    today = timezone.localdate()
    add_cases(world, SMALL - 1)
    daily_run(run_date=today)
    few = query_count(client, url)
    add_cases(world, LARGE - SMALL, start=100)
    daily_run(run_date=today + timedelta(days=1))
    many = query_count(client, url)
    assert many == few, f"{page}: {few} queries for {SMALL} cases, {many} for {LARGE}"


@pytest.mark.parametrize("page", [xfail_if_growing("clerk list")])
def test_clerk_list_queries_are_constant_in_the_number_of_documents(world, page):
    client = client_for(world.clerk)
    url = reverse("documents:clerk_list")
    fill(world.case, SMALL, by=world.mediator)
    few = query_count(client, url)
    (other,) = add_cases(world, 1, start=100)
    fill(other, LARGE - SMALL, by=world.mediator)
    many = query_count(client, url)
    assert many == few, f"{page}: {few} queries for {SMALL} documents, {many} for {LARGE}"


# -- the case page and its tabs -----------------------------------------------------------

TABS = [key for key, _label, _url in case_tabs(SimpleNamespace(pk=1))]
# The agenda tab's forecast is loaded after the tab (htmx): measured on its own, as the bench.
CASE_PAGES = [
    "case page",
    *(f"case tab: {key}" for key in TABS),
    "case tab: agenda forecast",
    "journal last page",
]


def case_url(page: str, case) -> str:
    if page == "case page":
        return reverse("cases:detail", args=[case.pk])
    if page == "case tab: agenda forecast":
        return reverse("agenda:case_agenda_forecast", args=[case.pk])
    if page == "journal last page":
        return reverse("ledger:journal", args=[case.pk]) + "?page=100000"
    tabs = {key: url for key, _label, url in case_tabs(case)}
    return tabs[page.removeprefix("case tab: ")]


@pytest.mark.parametrize("page", [xfail_if_growing(page) for page in CASE_PAGES])
def test_case_page_queries_are_constant_in_the_case_s_size(world, page):
    client = client_for(world.mediator)
    fill(world.case, SMALL, by=world.mediator)
    (large,) = add_cases(world, 1, start=100)
    fill(large, LARGE, by=world.mediator)
    few = query_count(client, case_url(page, world.case))
    many = query_count(client, case_url(page, large))
    assert many == few, f"{page}: {few} queries for {SMALL} rows of each kind, {many} for {LARGE}"
