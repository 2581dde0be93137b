"""Celery application.

Without ``CELERY_BROKER_URL``/``REDIS_URL`` the settings make tasks run eagerly, in-process,
so that a fresh clone works without Redis. Production and CI use a real worker on Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

app = Celery("mediation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker process loads WeasyPrint when it starts: core.apps connects
# core.pdf.warm_up_when_enabled to worker_process_init.
