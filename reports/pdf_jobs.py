"""A long annual report made in the background (issue 15): its preview or its filing, run by
``documents.run_pdf_job`` for the kinds registered here (``reports.apps``). A report expected
longer than ``documents.registry.background_from_pages()`` pages (a long journal annex) goes
there, a shorter one is printed while the mediator waits."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from core.dates import format_date
from core.pdf import Progress
from documents.models import PdfJob
from documents.registry import PdfJobKind, PdfJobResult, background_from_pages
from documents.services import pdf_job_request
from ledger.selectors import account_of, entry_count

from . import pdf, selectors
from .services import ReportData, report_file, report_file_check, report_preview

PREVIEW = "reports.report_preview"
FILE = "reports.report_file"


def report_pages(case: Case, period: selectors.ReportPeriod) -> int:
    """About how many pages the report of ``period`` and its annexes will have (two queries)."""
    account = account_of(case)
    entries = entry_count(account, period.start, period.end) if account else 0
    claims = case.claims.count()
    return 4 + 2 + entries // pdf.ENTRIES_A_PAGE + 1 + claims // pdf.CLAIMS_A_PAGE + 2


def in_background(case: Case, period: selectors.ReportPeriod) -> bool:
    return report_pages(case, period) > background_from_pages()


def _params(data: ReportData) -> dict:
    return {
        "period_from": data.period_from.isoformat(),
        "last_day": data.last_day.isoformat(),
        "observations": data.observations or "",
        "confirm_early": data.confirm_early,
    }


def _data(job: PdfJob) -> ReportData:
    params = job.params
    return ReportData(
        period_from=parse_date(params["period_from"]),
        last_day=parse_date(params["last_day"]),
        observations=params.get("observations", ""),
        confirm_early=bool(params.get("confirm_early")),
    )


def _title(template: str, period: selectors.ReportPeriod) -> str:
    return template % {"start": format_date(period.start), "end": format_date(period.last_day)}


def report_preview_request(
    *, case: Case, data: ReportData, period: selectors.ReportPeriod, by: User, language: str
) -> PdfJob:
    return pdf_job_request(
        case=case,
        kind=PREVIEW,
        params=_params(data),
        title=_title(_("Rapport du médiateur (aperçu) — période du %(start)s au %(end)s"), period),
        filename=f"rapport-{case.pk}-{period.start:%Y%m%d}.pdf",
        pages_expected=report_pages(case, period),
        by=by,
        language=language,
    )


def report_file_request(
    *, case: Case, data: ReportData, by: User, today: date, language: str
) -> PdfJob:
    """File the report in the background, once everything filing checks passed now (a refusal
    is raised here, as for a filing at once)."""
    period = report_file_check(case=case, data=data, today=today)
    return pdf_job_request(
        case=case,
        kind=FILE,
        params=_params(data),
        title=_title(_("Dépôt du rapport du médiateur — période du %(start)s au %(end)s"), period),
        filename=f"rapport-{case.pk}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.pdf",
        pages_expected=report_pages(case, period),
        by=by,
        language=language,
    )


def _run_preview(*, job: PdfJob, progress: Progress | None) -> PdfJobResult:
    content = report_preview(
        case=job.case,
        data=_data(job),
        today=timezone.localdate(),
        now=timezone.now(),
        progress=progress,
    )
    return PdfJobResult(content=content)


def _run_file(*, job: PdfJob, progress: Progress | None) -> PdfJobResult:
    filed = report_file(
        case=job.case,
        data=_data(job),
        by=job.requested_by,
        today=timezone.localdate(),
        now=timezone.now(),
        progress=progress,
    )
    return PdfJobResult(document=filed.document)


def _back(job: PdfJob) -> str:
    return reverse("reports:annual_report", args=[job.case_id])


KINDS = (
    PdfJobKind(key=PREVIEW, run=_run_preview, back=_back),
    PdfJobKind(key=FILE, run=_run_file, back=_back, files=True),
)
