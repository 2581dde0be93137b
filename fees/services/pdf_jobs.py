"""A long fee statement made in the background (issue 15): its draft's PDF (preview) or its
filing, run by ``documents.run_pdf_job`` for the kinds registered here (``fees.apps``). The
mediator asks from the statement's page; a statement expected longer than
``documents.registry.background_from_pages()`` pages goes there, a shorter one is printed at
once."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.pdf import Progress
from documents.models import PdfJob
from documents.registry import PdfJobKind, PdfJobResult, background_from_pages
from documents.services import pdf_job_request

from .. import selectors
from ..models import FeeStatement
from ..pdf import statement_filename, statement_pages_estimate, statement_pdf
from .statements import statement_file, statement_file_check

PREVIEW = "fees.statement_preview"
FILE = "fees.statement_file"


def statement_pages(statement: FeeStatement) -> int:
    return statement_pages_estimate(statement, statement.lines.count())


def in_background(statement: FeeStatement) -> bool:
    """Whether the statement's PDF is too long to be made while the user waits."""
    return statement_pages(statement) > background_from_pages()


def _statement(job: PdfJob) -> FeeStatement:
    return FeeStatement.objects.select_related("case", "document").get(
        pk=job.params["statement_id"], case=job.case
    )


def statement_preview_request(*, statement: FeeStatement, by: User, language: str) -> PdfJob:
    """The draft's PDF ("PROJET"), made in the background."""
    return pdf_job_request(
        case=statement.case,
        kind=PREVIEW,
        params={"statement_id": statement.pk},
        title=_("État de frais et honoraires (projet) — période %(period)s")
        % {"period": statement.period_label},
        filename=statement_filename(statement),
        pages_expected=statement_pages(statement),
        by=by,
        language=language,
    )


def statement_file_request(
    *, statement: FeeStatement, by: User, confirm_early: bool, language: str
) -> PdfJob:
    """File the draft in the background, once everything filing checks passed now (a refusal
    is raised here, as for a filing at once)."""
    statement_file_check(statement=statement, by=by, confirm_early=confirm_early)
    return pdf_job_request(
        case=statement.case,
        kind=FILE,
        params={"statement_id": statement.pk, "confirm_early": confirm_early},
        title=_("Dépôt de l'état de frais et honoraires — période %(period)s")
        % {"period": statement.period_label},
        filename=statement_filename(statement),
        pages_expected=statement_pages(statement),
        by=by,
        language=language,
    )


def _run_preview(*, job: PdfJob, progress: Progress | None) -> PdfJobResult:
    statement = _statement(job)
    lines = list(statement.lines.order_by("position"))
    warnings = [m.message for m in selectors.justrestart_mismatches(statement, lines)]
    return PdfJobResult(
        content=statement_pdf(statement, lines, warnings=warnings, progress=progress)
    )


def _run_file(*, job: PdfJob, progress: Progress | None) -> PdfJobResult:
    statement = statement_file(
        statement=_statement(job),
        by=job.requested_by,
        confirm_early=bool(job.params.get("confirm_early")),
        progress=progress,
    )
    return PdfJobResult(document=statement.document)


def _back(job: PdfJob) -> str:
    return reverse(
        "fees:statement_detail",
        kwargs={"pk": job.case_id, "statement_pk": job.params["statement_id"]},
    )


KINDS = (
    PdfJobKind(key=PREVIEW, run=_run_preview, back=_back),
    PdfJobKind(key=FILE, run=_run_file, back=_back, files=True),
)
