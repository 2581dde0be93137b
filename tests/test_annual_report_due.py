"""The annual report's clock (reports.clocks, duty kind ``annual_report_due``): daily runs over
years and leap years, a filed report settles its own year only (from the filing service, or the
kind's hook when filed otherwise), due then overdue on the case and the supervisor's overviews,
missed reports never forgotten, and the bulk drafting task with its progress endpoint."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agenda import registry
from agenda.models import Duty
from agenda.services import daily_run
from core.dates import add_years
from documents.models import Document, DocumentKind
from documents.services import document_file, document_upload
from reports import clocks, due, services
from reports.models import DraftBatch, FiledReport

from .factories import make_case
from .pdf import MINIMAL_PDF

PDF = MINIMAL_PDF  # a real PDF: uploads are parsed (core.uploads)
KIND = clocks.KIND


@pytest.fixture
def only_reports_kind():
    """The daily run with this kind alone (the other apps' kinds are tested with their apps)."""
    saved = {k.code: k for k in registry.duty_kinds()}
    assert KIND in saved  # registered by ReportsConfig.ready
    for code in saved:
        if code != KIND:
            registry.unregister_duty_kind(code)
    yield
    for kind in saved.values():
        registry.register_duty_kind(kind)


def file_directly(case, start, end, by):
    """A report filed otherwise than through the filing service (a bundle import, the admin)."""
    document = document_upload(
        case=case,
        kind=DocumentKind.ANNUAL_REPORT,
        title=f"Rapport {start}",
        upload=SimpleUploadedFile("r.pdf", PDF),
        uploaded_by=by,
    )
    document = document_file(document=document, filed_by=by)
    return FiledReport.objects.create(
        case=case, period_from=start, period_to=end, document=document, filed_by=by
    )


def report_duties(case):
    return list(
        Duty.objects.filter(case=case, kind=KIND)
        .order_by("due_date")
        .values_list("due_date", "deadline", "settled_on")
    )


def test_daily_runs_over_six_years_one_duty_per_anniversary_leap_years_and_closure(
    world, only_reports_kind
):
    leap = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="LEAP",
        admissibility_date=date(2020, 2, 29),
    )
    closing = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="CLOSING",
        admissibility_date=date(2021, 3, 10),
        closure_date=date(2026, 3, 10),  # the closure day itself is not "after" it
    )
    daily_run(run_date=date(2023, 1, 1), catch_up_days=0)
    day = date(2023, 1, 1)
    created = 0
    while day < date(2029, 3, 31):
        day += timedelta(days=1)
        created += daily_run(run_date=day).created[KIND]
    got = [d for d, _deadline, _settled in report_duties(leap)]
    assert got == [
        date(2023, 2, 28),
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
    ]
    assert [d for d, _, _ in report_duties(closing)] == [
        date(2023, 3, 10),
        date(2024, 3, 10),
        date(2025, 3, 10),
        date(2026, 3, 10),
    ]
    mine = Duty.objects.filter(kind=KIND, case__in=[leap, closing])
    assert mine.count() == 11
    assert created == Duty.objects.filter(kind=KIND).count()  # each recorded once
    duty = Duty.objects.get(case=leap, due_date=date(2024, 2, 29))
    # the year it asks for, and 30 days to file it before it is overdue
    assert duty.deadline == date(2024, 3, 30)
    assert duty.data == {"k": 4, "period_from": "2023-02-28", "period_to": "2024-02-29"}
    assert clocks.url(duty).endswith("?annee=2023-02-28")
    # nothing was filed: every report is still open, the missed ones included
    assert mine.filter(settled_on__isnull=True).count() == 11


def test_a_filed_report_settles_its_own_year_only(world, only_reports_kind):
    # world.case: admissibility 15/06/2022 -> years ending 15/06/2023 and 15/06/2024
    case = world.case
    daily_run(run_date=date(2024, 7, 1), catch_up_days=800)
    assert [d for d, _, _ in report_duties(case)] == [date(2023, 6, 15), date(2024, 6, 15)]
    # a report at the court's request that stops before the year's last day settles nothing
    file_directly(case, date(2023, 6, 15), date(2024, 1, 1), world.mediator)
    # year 2 filed otherwise (no service call): the kind's hook settles it at the next run
    year_2 = file_directly(case, date(2023, 6, 15), date(2024, 6, 15), world.mediator)
    FiledReport.objects.filter(pk=year_2.pk).update(filed_at=datetime(2024, 7, 2, 8, tzinfo=UTC))
    result = daily_run(run_date=date(2024, 7, 3))
    assert result.settled[KIND] == 1
    assert report_duties(case) == [
        (date(2023, 6, 15), date(2023, 7, 15), None),  # year 1: still open, overdue
        (date(2024, 6, 15), date(2024, 7, 15), date(2024, 7, 2)),
    ]
    # year 1 filed through the service: settled at once, by whom and with the report's title
    filed = services.report_file(
        case=case,
        data=services.ReportData(date(2022, 6, 15), date(2023, 6, 14)),
        by=world.mediator,
        today=date(2024, 7, 5),
        now=datetime(2024, 7, 5, 9, tzinfo=UTC),
    )
    first = Duty.objects.get(case=case, kind=KIND, due_date=date(2023, 6, 15))
    assert first.settled_on == date(2024, 7, 5)
    assert first.settled_by == world.mediator
    assert first.settled_note == filed.document.title
    assert daily_run(run_date=date(2024, 7, 6)).settled[KIND] == 0


def test_covers_is_the_years_last_day():
    year = clocks.year_of(date(2020, 2, 29), 1)
    assert (year.start, year.end) == (date(2020, 2, 29), date(2021, 2, 28))
    assert clocks.covers(date(2020, 2, 29), date(2021, 2, 28), year)
    assert clocks.covers(date(2020, 9, 1), date(2021, 2, 28), year)  # up to the anniversary
    assert not clocks.covers(date(2020, 2, 29), date(2021, 2, 27), year)
    assert not clocks.covers(date(2021, 2, 28), date(2022, 2, 28), year)  # the next year


@pytest.fixture
def late_case(world, only_reports_kind):
    """A case of the colleague whose last two anniversaries passed 40 days and a year and 40
    days ago: two reports missed, both overdue."""
    today = timezone.localdate()
    case = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="LATE-1",
        admissibility_date=add_years(today - timedelta(days=40), -2),
    )
    daily_run(run_date=today, catch_up_days=800)
    assert Duty.objects.filter(case=case, kind=KIND).count() == 2
    return case


def test_overdue_reports_are_shown_to_the_supervisor_and_missed_ones_are_not_forgotten(
    client, world, late_case
):
    today = timezone.localdate()
    client.force_login(world.supervisor)
    items, per_mediator = due.reports_due_by_mediator(world.supervisor, today)
    items = [i for i in items if i.case == late_case]
    assert [(i.due_date, i.state) for i in items] == [
        (add_years(today - timedelta(days=40), -1), due.OVERDUE),
        (today - timedelta(days=40), due.OVERDUE),
    ]
    per_mediator = {r.mediator.username: r for r in per_mediator}
    assert per_mediator["colleague"].overdue == 2
    # the supervisor's overview counts the case (one case, two reports overdue) and links to it
    response = client.get(reverse("cases:overview"))
    rows = {row.mediator.username: row for row in response.context["rows"]}
    assert rows["colleague"].count("overdue_reports") == 1
    link = f"?mediator={world.colleague.pk}&flag=overdue_reports"
    assert link.replace("&", "&amp;") in response.content.decode()
    listed = client.get(reverse("cases:list") + link)
    assert [c.reference for c in listed.context["page"]] == ["LATE-1"]
    # the last year's report is filed: the earlier, missed one stays overdue
    last_year = clocks.year_of(late_case.admissibility_date, 2)
    file_directly(late_case, last_year.start, last_year.end, world.colleague)
    daily_run(run_date=today)  # the same day again: settles, creates nothing
    items = [
        i for i in due.reports_due_by_mediator(world.supervisor, today)[0] if i.case == late_case
    ]
    assert [(i.year.start, i.state) for i in items] == [(late_case.admissibility_date, due.OVERDUE)]
    # another organisation's supervisor sees none of it
    client.force_login(world.other_supervisor)
    response = client.get(reverse("cases:overview"))
    assert world.colleague not in [row.mediator for row in response.context["rows"]]
    assert "LATE-1" not in client.get(reverse("cases:list") + link).content.decode()


def test_the_reports_due_page_and_the_case_overview(client, world, late_case):
    client.force_login(world.colleague)  # the case's mediator: their own cases
    body = client.get(reverse("reports:due")).content.decode()
    assert "LATE-1" in body and "En retard" in body
    client.force_login(world.mediator)  # not their case: not in their list
    assert "LATE-1" not in client.get(reverse("reports:due")).content.decode()
    response = client.get(reverse("cases:detail", args=[late_case.pk]))
    # the two missed reports, then the next anniversary (the case page looks a year ahead)
    states = [i.state for i in response.context["case_reports_due"]]
    assert states == [due.OVERDUE, due.OVERDUE, due.UPCOMING]
    assert reverse("reports:annual_report", args=[late_case.pk]) + "?annee=" in (
        response.content.decode()
    )


def test_an_upcoming_anniversary_is_forecast_until_recorded(world):
    today = timezone.localdate()
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="SOON-1",
        admissibility_date=add_years(today + timedelta(days=10), -3),
    )
    items = due.case_reports_due(case, today)
    assert [(i.due_date, i.state, i.duty_id) for i in items] == [
        (today + timedelta(days=10), due.UPCOMING, None)
    ]


@pytest.fixture
def month_cases(world):
    """Reports whose anniversary falls in this month: two of the mediator's (one already
    filed), one of the colleague's."""
    today = timezone.localdate()
    first = today.replace(day=1)
    mine = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="MONTH-1",
        admissibility_date=add_years(first, -2),
    )
    filed = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="MONTH-FILED",
        admissibility_date=add_years(first, -1),
    )
    year = clocks.year_of(filed.admissibility_date, 1)
    file_directly(filed, year.start, year.end, world.mediator)
    theirs = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="MONTH-2",
        admissibility_date=add_years(first + timedelta(days=1), -1),
    )
    return mine, filed, theirs


def test_draft_all_reports_due_this_month(
    client, world, month_cases, django_capture_on_commit_callbacks
):
    mine, filed, theirs = month_cases
    client.force_login(world.mediator)
    page = client.get(reverse("reports:due"))
    assert [c.reference for c, _year in page.context["month_items"]] == ["MONTH-1"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:draft_batch_request"))
    assert response.status_code == 302
    batch = DraftBatch.objects.get()
    assert response["Location"] == reverse("reports:draft_batch", args=[batch.pk])
    # the progress endpoint (htmx): done, so it stops polling
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and "hx-get" not in body
    assert "1 projet préparé" in body
    batch.refresh_from_db()
    assert (batch.state, batch.total, batch.drafted, batch.progress) == ("done", 1, 1, 100)
    drafts = Document.objects.filter(kind=DocumentKind.ANNUAL_REPORT, filed_at__isnull=True)
    assert [d.case for d in drafts] == [mine]  # a draft, not filed; the filed case skipped
    assert drafts[0].title.startswith("Projet de rapport")
    assert not FiledReport.objects.filter(case=mine).exists()
    # a second batch keeps the draft: nothing twice
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:draft_batch_request"))
    second = DraftBatch.objects.order_by("-pk").first()
    assert (second.state, second.drafted, second.items[0]["note"]) == (
        "done",
        0,
        "Projet déjà préparé.",
    )
    assert Document.objects.filter(kind=DocumentKind.ANNUAL_REPORT, case=mine).count() == 1
    # the administrator drafts for the whole organisation: the colleague's case too
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(world.administrator)
        client.post(reverse("reports:draft_batch_request"))
    third = DraftBatch.objects.order_by("-pk").first()
    assert sorted(item["reference"] for item in third.items) == ["MONTH-1", "MONTH-2"]
    assert third.drafted == 1


def test_the_progress_endpoint_polls_while_running(client, world):
    batch = DraftBatch.objects.create(
        organisation=world.org,
        requested_by=world.mediator,
        month=date(2024, 6, 1),
        state=DraftBatch.State.RUNNING,
        progress=40,
        total=5,
    )
    client.force_login(world.mediator)
    body = client.get(
        reverse("reports:draft_batch", args=[batch.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in body and "40 %" in body
    client.force_login(world.colleague)
    assert client.get(reverse("reports:draft_batch", args=[batch.pk])).status_code == 404


def test_a_draft_that_fails_is_reported_and_does_not_stop_the_others(
    world, month_cases, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("fonts")

    monkeypatch.setattr("reports.pdf.annual_report_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.draft_batch_request(user=world.administrator, today=timezone.localdate())
    batch.refresh_from_db()
    assert batch.state == "done" and batch.drafted == 0 and batch.total == 2
    assert {item["note"] for item in batch.items} == {"Le projet n'a pas pu être produit."}
    assert not Document.objects.filter(kind=DocumentKind.ANNUAL_REPORT, filed_at=None).exists()


def test_a_supervisor_may_not_draft(world):
    with pytest.raises(PermissionDenied):
        services.draft_batch_request(user=world.supervisor, today=date(2024, 6, 1))
