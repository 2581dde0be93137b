"""Background tasks of the banking app. Tasks are thin: they call a service."""

import logging

from celery import shared_task
from django.utils import timezone

from .services import allowance_payments_prepare_all, run_month, statement_upload_run

logger = logging.getLogger(__name__)


@shared_task(name="banking.prepare_allowance_payments")
def prepare_allowance_payments(month: str = "") -> dict[str, int]:
    """Prepare the living-allowance payments of ``month`` (``YYYY-MM``; default: next month) of
    every running case (``banking.services.allowance_payments_prepare_all``). Scheduled monthly
    by Celery beat (``CELERY_BEAT_SCHEDULE`` in ``mediation/settings.py``)."""
    year, number = run_month(month, today=timezone.localdate())
    run = allowance_payments_prepare_all(year=year, month=number)
    for reference, reason in run.failed.items():
        logger.warning("Pécule %02d/%s, dossier %s : %s", number, year, reference, reason)
    logger.info("Pécule %02d/%s : %s", number, year, run.summary)
    return run.summary


@shared_task(bind=True, name="banking.import_statement_upload")
def import_statement_upload(self, upload_id: int) -> str:
    """Import a large statement file recorded by ``statement_upload_request``; its progress
    (movements done / in the file) goes to the result backend for the progress bar."""

    def progress(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return statement_upload_run(upload_id=upload_id, progress=progress).state
