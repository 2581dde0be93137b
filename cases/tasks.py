"""Background tasks of the cases app. Tasks are thin: they call a service."""

from celery import shared_task

from .exports import caseload_export_build


@shared_task(name="cases.build_caseload_export")
def build_caseload_export(export_id: int) -> str:
    export = caseload_export_build(export_id=export_id)
    return export.state
