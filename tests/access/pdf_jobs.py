"""Access rows of the long PDFs made in the background (documents app, issue 15): the job's
page and its download are read by whoever may read the case; another organisation's job is a
404 (also through that organisation's own case), a clerk a 403."""

from django.core.files.base import ContentFile

from documents.models import PdfJob
from tests.pdf import MINIMAL_PDF

from . import CASE_READ

# another organisation's case: its members reach the case, but the job is not that case's
NOT_THIS_CASE = {
    **CASE_READ,
    **dict.fromkeys(["mediator", "colleague", "supervisor", "administrator"], 404),
    "other_mediator": 404,
    "other_supervisor": 404,
}


def objects(world) -> dict:
    job = PdfJob(
        case=world.case,
        kind="fees.statement_preview",
        params={"statement_id": 0},
        title="État de frais (projet)",
        filename="etat.pdf",
        requested_by=world.mediator,
        state=PdfJob.State.DONE,
    )
    job.file.save("etat.pdf", ContentFile(MINIMAL_PDF), save=False)
    job.save()
    return {"pdf_job": job}


MATRIX = {
    "documents:pdf_job": ("get", lambda o: [o["case"].pk, o["pdf_job"].pk], CASE_READ),
    "documents:pdf_job_download": (
        "get",
        lambda o: [o["case"].pk, o["pdf_job"].pk],
        CASE_READ,
    ),
}

EXTRA = [
    ("documents:pdf_job", "get", lambda o: [o["other_case"].pk, o["pdf_job"].pk], NOT_THIS_CASE),
    (
        "documents:pdf_job_download",
        "get",
        lambda o: [o["other_case"].pk, o["pdf_job"].pk],
        NOT_THIS_CASE,
    ),
]
