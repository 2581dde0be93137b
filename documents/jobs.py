"""Long PDFs made in the background (issue 15): the job a view records
(``services.pdf_job_request``) is run by the task ``documents.run_pdf_job``
(:func:`pdf_job_run`), with the kind of PDF its app registered
(``registry.register_pdf_job``).

The job's state is on its row; its progress (phase and percentage) goes to Celery's result
backend while it runs, like the bank import in the background, so that it is seen while a
filing's transaction is still open. A filing and the job's "done" are committed together: a
job that fails or is refused leaves nothing filed, and says why."""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.pdf import Progress

from . import registry
from .models import PdfJob

logger = logging.getLogger(__name__)


def pdf_job_run(*, job_id: int, progress: Progress | None = None) -> PdfJob:
    """Make the job's PDF. Run twice (a task delivered again), it does nothing."""
    with transaction.atomic():
        job = PdfJob.objects.select_for_update().get(pk=job_id)
        if job.state != PdfJob.State.PENDING:
            return job
        job.state = PdfJob.State.RUNNING
        job.save(update_fields=["state"])
    job = PdfJob.objects.select_related("case", "requested_by").get(pk=job_id)
    try:
        with transaction.atomic(), translation.override(job.language):
            kind = registry.pdf_job_kind(job.kind)
            result = kind.run(job=job, progress=progress)
            if result.content is not None:
                job.file.save(
                    job.filename or "document.pdf", ContentFile(result.content), save=False
                )
            job.document = result.document
            job.state = PdfJob.State.DONE
            job.finished_at = timezone.now()
            job.save()
    except ValidationError as exc:  # refused: the service's own messages
        _failed(job, "\n".join(exc.messages))
    except Exception:  # the user sees a plain message; the worker's log has the traceback
        logger.exception("PDF job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language):
            _failed(job, _("Erreur interne : le PDF n'a pas pu être produit."))
    return job


def _failed(job: PdfJob, error: str) -> None:
    job.state = PdfJob.State.FAILED
    job.error = error
    job.file = None
    job.document = None
    job.finished_at = timezone.now()
    PdfJob.objects.filter(pk=job.pk).update(
        state=job.state, error=error, file="", document=None, finished_at=job.finished_at
    )
