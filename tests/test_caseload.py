"""Caseload list (filters, sort, pagination) and the supervisor's overview."""

import importlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from cases.admin import CaseAdmin
from cases.models import Applicant, Case
from cases.selectors import supervisor_overview
from cases.services import (
    ApplicantData,
    CaseData,
    applicant_sort_names_refresh,
    case_change_status,
    case_update,
)
from core.dates import add_years
from plans.selectors import seven_years_over

from .factories import UserFactory, make_case


@pytest.fixture
def caseload(world):
    cases = {"base": world.case}
    cases["liege"] = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="LIE-2023-0007",
        division="liege",
        admissibility_date=date(2023, 3, 1),
        applicants=[ApplicantData(last_name="Peeters", first_name="Jan")],
    )
    cases["closed"] = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2015-0001",
        admissibility_date=date(2015, 5, 5),
        applicants=[ApplicantData(last_name="Zeller", first_name="Ana")],
    )
    case_change_status(
        case=cases["closed"],
        to_status="amicable_plan",
        decision_date=date(2015, 12, 1),
        by=world.mediator,
        history_replay=True,  # a recorded decision: the case has no plan here
    )
    case_change_status(
        case=cases["closed"], to_status="closed", decision_date=date(2022, 5, 5), by=world.mediator
    )
    return cases


def refs(response):
    return [c.reference for c in response.context["page"]]


def test_filters(client, world, caseload):
    client.force_login(world.mediator)
    url = reverse("cases:list")
    assert set(refs(client.get(url))) == {"NAM-2022-0042", "LIE-2023-0007", "NAM-2015-0001"}
    assert refs(client.get(url, {"status": "closed"})) == ["NAM-2015-0001"]
    assert refs(client.get(url, {"division": "liege"})) == ["LIE-2023-0007"]
    assert refs(client.get(url, {"mediator": world.colleague.pk})) == ["LIE-2023-0007"]
    assert refs(client.get(url, {"q": "peet"})) == ["LIE-2023-0007"]  # applicant's name
    assert refs(client.get(url, {"q": "2015"})) == ["NAM-2015-0001"]  # reference
    assert refs(client.get(url, {"q": "nobody"})) == []


def test_sorting(client, world, caseload):
    client.force_login(world.mediator)
    url = reverse("cases:list")
    assert refs(client.get(url, {"sort": "reference"})) == [
        "LIE-2023-0007",
        "NAM-2015-0001",
        "NAM-2022-0042",
    ]
    assert refs(client.get(url, {"sort": "-reference"}))[0] == "NAM-2022-0042"
    assert refs(client.get(url, {"sort": "admissibility"}))[0] == "NAM-2015-0001"
    assert refs(client.get(url, {"sort": "applicant"})) == [
        "NAM-2022-0042",
        "LIE-2023-0007",
        "NAM-2015-0001",  # Dubois, Peeters, Zeller
    ]
    # an unknown sort key falls back to the default order instead of failing
    assert client.get(url, {"sort": "password"}).status_code == 200


def test_pagination(client, world):
    for i in range(30):
        make_case(organisation=world.org, mediator=world.mediator, reference=f"P-{i:03d}")
    client.force_login(world.mediator)
    url = reverse("cases:list")
    first = client.get(url, {"sort": "reference"})
    assert len(first.context["page"]) == 25
    second = client.get(url, {"sort": "reference", "page": 2})
    assert len(second.context["page"]) == 6  # 30 + the world's case
    assert client.get(url, {"page": 99}).status_code == 200  # last page, not an error


def test_htmx_request_returns_the_table_only(client, world, caseload):
    client.force_login(world.mediator)
    response = client.get(reverse("cases:list"), {"q": "LIE"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "LIE-2023-0007" in body and "<html" not in body


def test_seven_years(world):
    # (the annual reports due are the reports app's: tests/test_annual_report_due.py; every
    # kind of start: tests/test_supervisor_seven_years.py)
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="SEVEN-1",
        admissibility_date=date(2019, 11, 24),
    )
    assert seven_years_over(case, date(2026, 11, 24))
    assert not seven_years_over(case, date(2026, 11, 23))


def test_supervisor_overview(client, world, caseload):
    today = timezone.localdate()
    due = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="DUE-1",
        admissibility_date=add_years(today + timedelta(days=10), -2),
    )
    old = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="OLD-1",
        admissibility_date=add_years(today - timedelta(days=40), -8),
    )
    rows = {row.mediator.username: row for row in supervisor_overview(world.supervisor, today)}
    colleague = rows["colleague"]
    assert colleague.total == 3
    assert colleague.by_status["amicable_phase"] == 3
    assert colleague.count("over_seven_years") == 1  # OLD-1
    mediator = rows["mediator"]
    assert mediator.by_status["closed"] == 1 and mediator.total == 2
    # the closed 2015 case is not "older than 7 years": it is no longer running
    assert mediator.count("over_seven_years") == 0
    client.force_login(world.supervisor)
    response = client.get(reverse("cases:overview"))
    body = response.content.decode()
    link = f"?mediator={world.colleague.pk}&amp;flag=over_seven_years"
    assert link in body
    # the number links to the list behind it
    listed = client.get(reverse("cases:list") + link.replace("&amp;", "&"))
    assert [c.reference for c in listed.context["page"]] == [old.reference]
    assert due.reference not in [c.reference for c in listed.context["page"]]


def test_caseload_export_with_progress(client, world, caseload, django_capture_on_commit_callbacks):
    client.force_login(world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:export_request"))
    assert response.status_code == 302
    status = client.get(response["Location"])
    assert "Télécharger" in status.content.decode()
    export = status.context["export"]
    download = client.get(reverse("cases:export_download", args=[export.pk]))
    content = download.content.decode("utf-8-sig")
    assert download["Content-Type"].startswith("text/csv")
    lines = content.strip().splitlines()
    assert lines[0].startswith("Référence;")
    assert len(lines) == 4  # header + the organisation's 3 cases, not the other organisation's
    assert "LIE-2021-0001" not in content


def test_mediators_of_the_same_name_keep_one_order(client, world):
    """Mediators called alike are listed by their id in the overview, a former member still
    holding cases too (the 5,000-case benchmark had two "Laura Vermeulen" swapping places)."""
    twins = [
        UserFactory(username=f"twin{i}", organisation=world.org, first_name="Laura", last_name="Aa")
        for i in range(3)
    ]
    for twin in twins:
        make_case(organisation=world.org, mediator=twin, reference=f"TW-{twin.pk}")
    twins[0].is_active = False  # has left: read after the active members, shown in its place
    twins[0].save()
    rows = supervisor_overview(world.supervisor, timezone.localdate())
    assert [r.mediator.pk for r in rows[:3]] == [t.pk for t in twins]
    client.force_login(world.supervisor)
    body = client.get(reverse("cases:overview")).content.decode()
    positions = [body.index(f"?mediator={twin.pk}&amp;status=") for twin in twins]
    assert positions == sorted(positions)


def test_search_matches_each_way_once_and_only_in_the_organisation(client, world, caseload):
    """The search (a UNION of the cases and the applicants that match, issue 15) finds a case
    by its reference, its R.G. number, either applicant's last or first name (any case), or
    the national number; a case matching several ways is listed once; another organisation's
    case matching the same term is not listed."""
    both = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="MARTIN-2024-1",
        role_number="24/777/B",
        applicants=[
            ApplicantData(last_name="Martin", first_name="Luc"),
            ApplicantData(last_name="Lambert", first_name="Martine", national_number="90020199803"),
        ],
    )
    make_case(
        organisation=world.other_org,
        mediator=world.other_mediator,
        reference="MARTIN-2024-1",
        applicants=[ApplicantData(last_name="Martin", first_name="Luc")],
    )
    client.force_login(world.mediator)
    url = reverse("cases:list")
    for term in ["martin", "MARTIN-2024", "24/777", "lamb", "luc", "90020199803"]:
        response = client.get(url, {"q": term})
        assert refs(response) == [both.reference], term
        assert response.context["page"].paginator.count == 1, term
    assert refs(client.get(url, {"q": "dubois", "sort": "reference"})) == ["NAM-2022-0042"]


def _sort_names_agree_with_the_applicants(organisation) -> None:
    """``Case.applicant_sort_name`` is each case's first applicant's last name (None: none)."""
    for case in Case.objects.filter(organisation=organisation).prefetch_related("applicants"):
        first = next((a for a in case.applicants.all() if a.position == 1), None)
        assert case.applicant_sort_name == (first.last_name if first else None), case.reference


def test_the_sort_by_applicant_follows_the_first_applicant(client, world, caseload):
    """The sort by applicant reads the first applicant's last name kept on the case (issue 15):
    ``case_create`` writes it, ``case_update`` follows a renamed, removed or added applicant."""
    _sort_names_agree_with_the_applicants(world.org)
    client.force_login(world.mediator)
    url = reverse("cases:list")
    liege = caseload["liege"]
    data = CaseData(
        reference=liege.reference, division="liege", admissibility_date=liege.admissibility_date
    )
    peeters = liege.applicants.get()
    # the first applicant renamed: Adams comes first
    case_update(
        case=liege,
        data=data,
        applicants=[
            ApplicantData(last_name=" Adams ", first_name="Jan", pk=peeters.pk),
            ApplicantData(last_name="Zorro", first_name="Lea"),
        ],
        updated_by=world.mediator,
    )
    _sort_names_agree_with_the_applicants(world.org)
    assert refs(client.get(url, {"sort": "applicant"}))[0] == "LIE-2023-0007"
    assert refs(client.get(url, {"sort": "-applicant"}))[-1] == "LIE-2023-0007"
    # the first applicant removed: the second (Zorro) becomes the first, the case comes last
    zorro = liege.applicants.get(position=2)
    case_update(
        case=liege,
        data=data,
        applicants=[ApplicantData(last_name="Zorro", first_name="Lea", pk=zorro.pk)],
        updated_by=world.mediator,
    )
    _sort_names_agree_with_the_applicants(world.org)
    assert refs(client.get(url, {"sort": "applicant"})) == [
        "NAM-2022-0042",
        "NAM-2015-0001",
        "LIE-2023-0007",  # Dubois, Zeller, Zorro
    ]


def test_applicant_sort_names_refresh_rewrites_them_from_the_applicants(world, caseload):
    """For rows written without the services (the scale seed's copy, the admin's inlines)."""
    Case.objects.filter(organisation=world.org).update(applicant_sort_name="stale")
    Applicant.objects.filter(case=caseload["liege"]).update(last_name="Renamed")
    assert applicant_sort_names_refresh(cases=Case.objects.filter(organisation=world.org)) == 3
    _sort_names_agree_with_the_applicants(world.org)
    assert Case.objects.get(pk=caseload["liege"].pk).applicant_sort_name == "Renamed"


def test_the_migration_fills_the_sort_names_of_existing_cases(world, caseload):
    migration = importlib.import_module("cases.migrations.0007_case_applicant_sort_name")
    Case.objects.update(applicant_sort_name=None)
    migration.fill_applicant_sort_names(django_apps, None)
    _sort_names_agree_with_the_applicants(world.org)
    assert Case.objects.filter(applicant_sort_name__isnull=True).count() == 0


def test_the_admin_s_inline_applicants_keep_the_sort_name(world, caseload, rf):
    """The admin edits applicants inline, without the services: it refreshes the sort name."""
    liege = caseload["liege"]
    Applicant.objects.filter(case=liege).update(last_name="Aardvark")  # as the inline saves it
    form = SimpleNamespace(instance=liege, save_m2m=lambda: None)
    CaseAdmin(Case, admin.site).save_related(rf.post("/"), form, [], change=True)
    assert Case.objects.get(pk=liege.pk).applicant_sort_name == "Aardvark"
    _sort_names_agree_with_the_applicants(world.org)
