"""Background tasks of the reports app. Tasks are thin: they call a service."""

from celery import shared_task

from .drafts import draft_batch_build


@shared_task(name="reports.build_draft_batch")
def build_draft_batch(batch_id: int) -> str:
    return draft_batch_build(batch_id=batch_id).state
