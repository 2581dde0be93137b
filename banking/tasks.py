"""Background tasks of the banking app. Tasks are thin: they call a service."""

import logging

from celery import shared_task
from django.utils import timezone

from .services import allowance_payments_prepare_all, run_month

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
