"""Background tasks of the agenda app. Tasks are thin: they call a service."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from .services import DEFAULT_CATCH_UP_DAYS, daily_run


@shared_task(name="agenda.run_daily_jobs")
def run_daily_jobs(run_date: str = "", catch_up_days: int = DEFAULT_CATCH_UP_DAYS) -> dict:
    """Each day's duties of every case (``agenda.services.daily_run``). Scheduled daily by
    Celery beat (``CELERY_BEAT_SCHEDULE`` in ``mediation/settings.py``, editable in the admin)."""
    when = date.fromisoformat(run_date) if run_date else timezone.localdate()
    return daily_run(run_date=when, catch_up_days=catch_up_days).as_json()
