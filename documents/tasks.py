"""Background tasks of the documents app. Tasks are thin: they call a service."""

from celery import shared_task

from .jobs import pdf_job_run


@shared_task(bind=True, name="documents.run_pdf_job")
def run_pdf_job(self, job_id: int) -> str:
    """Make a long PDF recorded by ``documents.services.pdf_job_request``; its progress (phase,
    per cent) goes to the result backend for the progress bar."""

    def progress(phase: str, percent: int) -> None:
        self.update_state(state="PROGRESS", meta={"phase": phase, "percent": percent})

    return pdf_job_run(job_id=job_id, progress=progress).state
