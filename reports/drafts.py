""" "Draft all annual reports due this month": a batch built in the background with its
progress recorded (the pattern of ``cases.exports``). Requested by
``reports.services.draft_batch_request``, built by the task ``reports.build_draft_batch``
(:func:`draft_batch_build`).

Each report due in the month (``reports.due.due_in_month``: the anniversary falls in the month,
no report covering the year is filed) gets a draft: the report of its follow-up year printed as
it would be filed, stored as an **unfiled** document of kind « Rapport annuel » on the case (the
clerks never see it). Nothing is filed: the mediator checks the draft, writes the evolution and
files the report from the annual report page. A draft already made for the same year is kept,
not made twice. A case whose draft cannot be made is reported in the batch and does not stop
the others.
"""

import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from cases.models import Case
from core.dates import format_date
from documents.models import Document, DocumentKind
from documents.services import document_upload

from . import due, pdf, selectors
from .models import DraftBatch

logger = logging.getLogger(__name__)


DRAFT_TITLE = gettext_noop("Projet de rapport — période du %(start)s au %(end)s")


def draft_title(period: selectors.ReportPeriod) -> str:
    return _(DRAFT_TITLE) % {
        "start": format_date(period.start),
        "end": format_date(period.last_day),
    }


def draft_batch_build(*, batch_id: int) -> DraftBatch:
    batch = DraftBatch.objects.select_related("requested_by").get(pk=batch_id)
    with translation.override(batch.language):
        return _build(batch)


def _draft(case: Case, period: selectors.ReportPeriod, by: User) -> tuple[Document, bool]:
    """The case's draft of the year: the existing one, or a new one (True)."""
    title = draft_title(period)
    existing = Document.objects.filter(
        case=case, kind=DocumentKind.ANNUAL_REPORT, title=title, filed_at__isnull=True
    ).first()
    if existing is not None:
        return existing, False
    report = selectors.annual_report(case, period)
    content = pdf.annual_report_pdf(
        report, observations="", on=timezone.localdate(), now=timezone.now()
    )
    filename = f"projet-rapport-{case.pk}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.pdf"
    document = document_upload(
        case=case,
        kind=DocumentKind.ANNUAL_REPORT,
        title=title,
        upload=SimpleUploadedFile(filename, content, "application/pdf"),
        uploaded_by=by,
    )
    return document, True


def _build(batch: DraftBatch) -> DraftBatch:
    batch.state = DraftBatch.State.RUNNING
    batch.save(update_fields=["state"])
    try:
        todo = due.due_in_month(batch.requested_by, batch.month)
        batch.total = len(todo)
        DraftBatch.objects.filter(pk=batch.pk).update(total=batch.total)
        items = []
        for index, (case, period) in enumerate(todo, start=1):
            item = {
                "case_id": case.pk,
                "reference": case.reference,
                "period_from": period.start.isoformat(),
                "period_to": period.end.isoformat(),
                "document_id": None,
                "note": "",
            }
            try:
                with transaction.atomic():
                    document, created = _draft(case, period, batch.requested_by)
            except Exception:  # one case's failure never stops the others
                logger.exception("draft report of case %s failed", case.pk)
                item["note"] = _("Le projet n'a pas pu être produit.")
            else:
                item["document_id"] = document.pk
                if created:
                    batch.drafted += 1
                else:
                    item["note"] = _("Projet déjà préparé.")
            items.append(item)
            DraftBatch.objects.filter(pk=batch.pk).update(
                progress=int(index * 100 / max(batch.total, 1)),
                drafted=batch.drafted,
                items=items,
            )
        batch.items = items
        batch.state = DraftBatch.State.DONE
        batch.progress = 100
    except Exception:  # the user sees a plain message; the worker's log has the traceback
        logger.exception("draft batch %s failed", batch.pk)
        batch.state = DraftBatch.State.FAILED
        batch.error = _("Erreur interne lors de la préparation des projets.")
        batch.finished_at = timezone.now()
        batch.save()
        raise
    batch.finished_at = timezone.now()
    batch.save()
    return batch
