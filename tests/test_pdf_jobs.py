"""Long PDFs made in the background (issue 15): a fee statement or an annual report expected
longer than ``PDF_BACKGROUND_FROM_PAGES`` pages is made by the task ``documents.run_pdf_job``
(in-process here: no broker), the page polls its phase and percentage, the user downloads it
when done; a short one is still made at once. A filing in the background is one transaction:
refused or failed, nothing is filed and the job says why. Another organisation's job is a 404.
"""

import io
import time
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.pdf import html_to_pdf
from documents.jobs import pdf_job_run
from documents.models import Document, PdfJob
from fees.models import FeeStatement, StatementState
from fees.services.pdf_jobs import statement_pages
from fees.tests.db import creditors_with_claims, income, open_account, service
from reports.pdf_jobs import report_preview_request
from reports.services import ReportData, check_report

from .factories import OrganisationFactory, UserFactory, make_case
from .test_annual_report import filled, form, frozen_today  # noqa: F401 (fixtures)
from .test_annual_report import page as report_page
from .test_celery_worker import HAS_BROKER, ON_POSTGRES, WORKER_TIMEOUT, real_worker

pytestmark = pytest.mark.django_db

PERIOD = {"period_from": "15/06/2022", "period_to": "15/06/2023", "occasion": "annual_report"}


@pytest.fixture
def statement(client, world):
    case = world.case
    creditors_with_claims(case, 3, declared_on=date(2022, 7, 1))
    open_account(case)
    income(case, date(2022, 7, 1), "1500.00")
    service(case, "hearing", date(2022, 12, 20))
    client.force_login(world.mediator)
    client.post(reverse("fees:statement_new", args=[case.pk]), PERIOD)
    return FeeStatement.objects.get()


@pytest.fixture
def background(settings):
    """Every PDF counts as long."""
    settings.PDF_BACKGROUND_FROM_PAGES = 0


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


# -- the rendering's progress ---------------------------------------------------------------


def test_the_rendering_reports_its_progress_page_by_page():
    html = "<html><body>" + "".join(f'<p style="break-after: page">page {n}</p>' for n in range(6))
    seen = []
    content = html_to_pdf(
        html + "</body></html>", progress=lambda p, pc: seen.append((p, pc)), pages_expected=6
    )
    assert pages(content) == 6
    layout = [percent for phase, percent in seen if phase == "layout"]
    assert layout == sorted(layout) and len(layout) >= 5 and max(layout) < 75
    assert seen[-1] == ("write", 75)


# -- the fee statement ------------------------------------------------------------------------


def test_a_short_statement_is_still_printed_at_once(client, statement):
    assert statement_pages(statement) <= 30  # the default threshold
    response = client.get(reverse("fees:statement_pdf", args=[statement.case_id, statement.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert not PdfJob.objects.exists()


def test_a_long_draft_is_printed_in_the_background_and_downloaded(
    client, world, statement, background, django_capture_on_commit_callbacks
):
    case = world.case
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("fees:statement_pdf", args=[case.pk, statement.pk]))
    job = PdfJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("documents:pdf_job", args=[case.pk, job.pk])
    assert (job.state, job.kind, job.requested_by) == (
        "done",
        "fees.statement_preview",
        world.mediator,
    )
    html = client.get(response.url).content.decode()
    assert "Le PDF est prêt." in html and "every 1s" not in html  # done: no more polling
    download = client.get(reverse("documents:pdf_job_download", args=[case.pk, job.pk]))
    content = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF") and pages(content) >= 2
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT  # a preview files nothing
    assert not Document.objects.filter(case=case).exists()


def test_the_page_polls_while_the_job_waits(client, world, statement, background):
    case = world.case
    client.get(reverse("fees:statement_pdf", args=[case.pk, statement.pk]))  # no on-commit run
    job = PdfJob.objects.get()
    assert job.state == "pending"
    url = reverse("documents:pdf_job", args=[case.pk, job.pk])
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in polled and "En attente de traitement" in polled
    assert 'aria-valuenow="0"' in polled
    # not made yet: nothing to download
    assert (
        client.get(reverse("documents:pdf_job_download", args=[case.pk, job.pk])).status_code == 404
    )
    pdf_job_run(job_id=job.pk)
    assert "Le PDF est prêt." in client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_a_long_statement_is_filed_in_the_background(
    client, world, statement, background, django_capture_on_commit_callbacks
):
    case = world.case
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("fees:statement_file", args=[case.pk, statement.pk]))
    job = PdfJob.objects.get()
    assert response.url == reverse("documents:pdf_job", args=[case.pk, job.pk])
    statement.refresh_from_db()
    assert job.state == "done" and statement.state == StatementState.FILED
    assert job.document == statement.document and statement.document.is_filed
    html = client.get(response.url).content.decode()
    assert "Document déposé au greffe." in html
    download = client.get(reverse("documents:pdf_job_download", args=[case.pk, job.pk]))
    assert b"".join(download.streaming_content) == statement.document.file.open("rb").read()


def test_a_refused_filing_is_said_at_once_and_nothing_is_queued(
    client, world, statement, background
):
    service(world.case, "letter", date(2023, 2, 1))  # the facts changed since the draft
    response = client.post(reverse("fees:statement_file", args=[world.case.pk, statement.pk]))
    assert response.url == reverse("fees:statement_detail", args=[world.case.pk, statement.pk])
    assert not PdfJob.objects.exists()
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT


def test_a_filing_refused_when_the_job_runs_files_nothing_and_says_why(
    client, world, statement, background
):
    client.post(reverse("fees:statement_file", args=[world.case.pk, statement.pk]))
    job = PdfJob.objects.get()
    service(world.case, "letter", date(2023, 2, 1))  # changed while the job waited
    pdf_job_run(job_id=job.pk)
    job.refresh_from_db()
    statement.refresh_from_db()
    assert job.state == "failed" and "recalculez-le" in job.error
    assert statement.state == StatementState.DRAFT and statement.document is None
    assert not Document.objects.filter(case=world.case).exists()
    html = client.get(reverse("documents:pdf_job", args=[world.case.pk, job.pk])).content.decode()
    assert "Le PDF n'a pas été produit : rien n'est enregistré." in html and "recalculez-le" in html


def test_a_filing_whose_pdf_fails_files_nothing(client, world, statement, background, monkeypatch):
    client.post(reverse("fees:statement_file", args=[world.case.pk, statement.pk]))
    job = PdfJob.objects.get()

    def broken(*args, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr("fees.services.statements.statement_pdf", broken)
    pdf_job_run(job_id=job.pk)
    job.refresh_from_db()
    statement.refresh_from_db()
    assert job.state == "failed" and "Erreur interne" in job.error and not job.file
    assert statement.state == StatementState.DRAFT
    assert not Document.objects.filter(case=world.case).exists()
    pdf_job_run(job_id=job.pk)  # run again (a task delivered twice): nothing happens
    assert PdfJob.objects.get().state == "failed"


def test_another_organisation_never_sees_the_job(
    client, world, statement, background, django_capture_on_commit_callbacks
):
    case = world.case
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("fees:statement_pdf", args=[case.pk, statement.pk]))
    job = PdfJob.objects.get()
    urls = [
        reverse("documents:pdf_job", args=[case.pk, job.pk]),
        reverse("documents:pdf_job_download", args=[case.pk, job.pk]),
        # the job through another organisation's own case: not that case's job
        reverse("documents:pdf_job", args=[world.other_case.pk, job.pk]),
        reverse("documents:pdf_job_download", args=[world.other_case.pk, job.pk]),
    ]
    client.force_login(world.other_mediator)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    client.force_login(world.clerk)  # clerks see filed documents only
    assert client.get(urls[0]).status_code in (403, 404)
    client.force_login(world.colleague)  # same organisation, a case they may see
    assert client.get(urls[1]).status_code == 200


# -- the annual report -----------------------------------------------------------------------


def test_a_long_report_is_previewed_and_filed_in_the_background(
    client,
    world,
    filled,  # noqa: F811
    frozen_today,  # noqa: F811
    background,
    django_capture_on_commit_callbacks,
):
    client.force_login(world.mediator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_page(world), form())
    preview = PdfJob.objects.get()
    assert response.url == reverse("documents:pdf_job", args=[world.case.pk, preview.pk])
    assert preview.state == "done" and not Document.objects.filter(case=world.case).exists()
    download = client.get(reverse("documents:pdf_job_download", args=[world.case.pk, preview.pk]))
    assert pages(b"".join(download.streaming_content)) >= 4  # the report and three annexes
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_page(world), form(action="file", observations="RAS"))
    filing = PdfJob.objects.exclude(pk=preview.pk).get()
    assert filing.state == "done", filing.error
    assert filing.document.kind == "annual_report" and filing.document.is_filed
    assert filing.document.annual_report.observations == "RAS"


# -- a real worker (Redis and PostgreSQL, as in production) -----------------------------------


@pytest.mark.worker
@pytest.mark.skipif(
    not (HAS_BROKER and ON_POSTGRES),
    reason="needs CELERY_BROKER_URL=redis://... and DATABASE_URL=postgres://...",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_long_pdf(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))  # the worker writes the file there
    org = OrganisationFactory()
    mediator = UserFactory(organisation=org)
    case = make_case(organisation=org, mediator=mediator, reference="NAM-2022-0099")
    data = ReportData(period_from=date(2022, 6, 15), last_day=date(2023, 6, 14))
    period = check_report(case=case, data=data, today=date(2024, 1, 1))
    with real_worker(tmp_path) as (worker, _log):
        job = report_preview_request(
            case=case, data=data, period=period, by=mediator, language="fr"
        )
        deadline = time.monotonic() + WORKER_TIMEOUT
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if not job.is_running:
                break
            assert worker.poll() is None, f"worker exited with {worker.returncode}"
            time.sleep(0.5)
    assert job.state == PdfJob.State.DONE, job.error
    assert job.file.read().startswith(b"%PDF")


def test_the_daily_run_removes_background_pdfs_older_than_a_week(
    client, world, statement, background, django_capture_on_commit_callbacks
):
    """A preview holds the case's figures: it is kept ``PDF_JOB_KEEP_DAYS`` (7) days, then the
    daily run removes the job and its file; a filed document made in the background stays."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from agenda.services import daily_run

    case = world.case
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("fees:statement_pdf", args=[case.pk, statement.pk]))
        client.get(reverse("fees:statement_pdf", args=[case.pk, statement.pk]))
        client.post(reverse("fees:statement_file", args=[case.pk, statement.pk]))
    old, recent, filed = PdfJob.objects.order_by("pk")
    assert old.file and recent.file and filed.document is not None
    run_date = date(2026, 3, 20)
    midnight = timezone.make_aware(datetime(2026, 3, 20))
    PdfJob.objects.filter(pk__in=[old.pk, filed.pk]).update(
        finished_at=midnight - timedelta(days=8)
    )
    PdfJob.objects.filter(pk=recent.pk).update(finished_at=midnight - timedelta(days=6))
    storage, old_name = old.file.storage, old.file.name
    assert storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=True):
        result = daily_run(run_date=run_date)

    assert result.extra["pdf_jobs_purged"] == 2
    assert list(PdfJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not storage.exists(old_name) and storage.exists(recent.file.name)
    document = Document.objects.get(pk=filed.document_id)  # the filed document is kept
    assert document.is_filed and document.file.storage.exists(document.file.name)
    assert (
        client.get(reverse("documents:pdf_job_download", args=[case.pk, old.pk])).status_code == 404
    )


def test_rendering_pauses_the_collector_and_restores_it():
    """Issue 15: the garbage collector is off while WeasyPrint renders, back on after, even
    when the rendering fails; left off if it was off."""
    import gc

    from core.pdf import collector_paused, html_to_pdf

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert html_to_pdf("<p>x</p>").startswith(b"%PDF")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_renderings_of_a_thread_share_its_fonts():
    """Issue 15: one Fontconfig configuration and Pango font map a thread, given to every
    rendering (not one a document); another thread has its own. Documents rendered one after
    the other read the same."""
    import threading

    import weasyprint

    from core.pdf import font_config

    calls = []
    original = weasyprint.HTML.write_pdf

    def spy(self, *args, **kwargs):
        calls.append(kwargs.get("font_config"))
        return original(self, *args, **kwargs)

    weasyprint.HTML.write_pdf = spy
    try:
        first = html_to_pdf("<p>Un <b>deux</b> <i>trois</i></p>")
        second = html_to_pdf("<p>Un <b>deux</b> <i>trois</i></p>")
    finally:
        weasyprint.HTML.write_pdf = original
    assert calls == [font_config(), font_config()] and calls[0] is not None
    text = [PdfReader(io.BytesIO(pdf)).pages[0].extract_text() for pdf in (first, second)]
    assert text[0] == text[1] == "Un deux trois"
    other = []
    thread = threading.Thread(target=lambda: other.append(font_config()))
    thread.start()
    thread.join()
    assert other[0] is not font_config()


def test_warm_up_loads_weasyprint_and_this_threads_fonts(settings, caplog, monkeypatch):
    """Issue 15: the web and worker processes load WeasyPrint and compile the long PDFs'
    templates when they start (settings.PDF_WARM_UP), so that their first PDF does not pay for
    it; a failure is logged, the process still starts."""
    import sys

    from core import pdf

    pdf.warm_up()
    assert "weasyprint" in sys.modules and pdf._FONTS.config is pdf.font_config()
    assert settings.PDF_WARM_UP and "fees/statement_pdf.html" in settings.PDF_WARM_UP_TEMPLATES
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # every template found
    monkeypatch.setattr(settings, "PDF_WARM_UP_TEMPLATES", ("no/such_template.html",))
    pdf.warm_up()
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "PDF warm-up failed"
    ]
