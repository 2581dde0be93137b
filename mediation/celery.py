"""Celery application.

Without ``CELERY_BROKER_URL``/``REDIS_URL`` the settings make tasks run eagerly, in-process,
so that a fresh clone works without Redis. Production and CI use a real worker on Redis.
"""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

app = Celery("mediation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_up(**kwargs) -> None:
    """WeasyPrint loaded when a worker process starts, not by its first PDF job
    (core.pdf.warm_up)."""
    from django.conf import settings

    if settings.PDF_WARM_UP:
        from core.pdf import warm_up

        warm_up()
