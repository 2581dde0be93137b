"""Background tasks of the fees app. Tasks are thin: they call a service."""

from celery import shared_task

from .services.drafts import draft_batch_build


@shared_task(name="fees.prepare_fee_statement_drafts")
def prepare_fee_statement_drafts(batch_id: int) -> str:
    return draft_batch_build(batch_id=batch_id).state
