"""Document services: upload (PDF only, size-limited) and filing with the court."""

import hashlib
import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from core.uploads import PDF_ONLY, upload_suffix

from . import registry
from .models import FILEABLE_KINDS, Document, DocumentKind, PdfJob, fileable_kinds_label
from .tasks import run_pdf_job


def validate_pdf_upload(upload: UploadedFile) -> bytes:
    """The content of an uploaded PDF (recognised by its first bytes, within the size limit);
    a ValidationError keyed ``file`` otherwise."""
    upload_suffix(
        upload, field="file", accepted=PDF_ONLY, refused=_("Le fichier n'est pas un PDF.")
    )
    return upload.read()


@transaction.atomic
def document_upload(
    *, case: Case, kind: str, title: str, upload: UploadedFile, uploaded_by: User
) -> Document:
    content = validate_pdf_upload(upload)
    document = Document(
        case=case,
        kind=kind,
        title=title.strip(),
        original_name=upload.name[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=uploaded_by,
    )
    document.full_clean(exclude=["file"])
    upload.seek(0)
    document.file.save(upload.name, upload, save=False)
    document.save()
    return document


@transaction.atomic
def generated_pdf_file(
    *,
    case: Case,
    kind: str,
    title: str,
    filename: str,
    content: bytes,
    by: User,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Document:
    """A PDF the application produced (fee statement, plan, annual report), stored as a
    document of the case and filed with the court at once. ``period_start`` and ``period_end``
    (both included) are the period it covers, when it covers one."""
    if (period_start is None) != (period_end is None) or (
        period_start and period_end and period_end < period_start
    ):
        raise ValidationError({"period_end": _("La période du document est incomplète.")})
    document = document_upload(
        case=case,
        kind=kind,
        title=title,
        upload=SimpleUploadedFile(filename, content, "application/pdf"),
        uploaded_by=by,
    )
    if period_start is not None:
        document.period_start, document.period_end = period_start, period_end
        document.save(update_fields=["period_start", "period_end"])
    return document_file(document=document, filed_by=by)


@transaction.atomic
def document_record_taxation(*, document: Document, taxed_on: date) -> Document:
    """A filed fee statement was taxed by the judge (``fees.services.taxation``): the clerk's
    list shows it and filters on it (fees.md §8)."""
    if document.kind != DocumentKind.TAXATION_STATEMENT or not document.filed_at:
        raise ValidationError(_("Seul un état de frais déposé est taxé."))
    document.taxed_on = taxed_on
    document.save(update_fields=["taxed_on"])
    return document


@transaction.atomic
def document_file(*, document: Document, filed_by: User) -> Document:
    """File the document with the court: from now on it is frozen and the clerks of the
    case's division can download it: the division is recorded on the document, so that the
    clerks of a division the case later moves to do not see it."""
    document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
    if document.kind not in FILEABLE_KINDS:
        raise ValidationError(
            _("Seuls ces documents se déposent au greffe : %(kinds)s.")
            % {"kinds": fileable_kinds_label()}
        )
    if document.filed_at:
        raise ValidationError(_("Ce document est déjà déposé."))
    document.filed_at = timezone.now()
    document.filed_by = filed_by
    document.filed_division = document.case.division
    document.save(update_fields=["filed_at", "filed_by", "filed_division"])
    return document


@transaction.atomic
def document_delete(*, document: Document) -> None:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.filed_at:
        raise ValidationError(_("Un document déposé ne peut plus être supprimé."))
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def pdf_job_request(
    *,
    case: Case,
    kind: str,
    params: dict,
    title: str,
    filename: str,
    pages_expected: int,
    by: User,
    language: str = "fr",
) -> PdfJob:
    """Record a long PDF to make in the background (issue 15) and have the task
    ``documents.run_pdf_job`` make it once the record is committed. ``kind`` is a kind an app
    registered (``registry.register_pdf_job``); ``params`` what it needs (JSON)."""
    registry.pdf_job_kind(kind)  # a kind nobody registered is a programming error: KeyError
    job = PdfJob.objects.create(
        case=case,
        kind=kind,
        params=params,
        title=title[:200],
        filename=filename[:255],
        pages_expected=max(0, pages_expected),
        requested_by=by,
        language=(language or "fr")[:8],
        task_id=uuid.uuid4().hex,
    )
    transaction.on_commit(lambda: run_pdf_job.apply_async(args=[job.pk], task_id=job.task_id))
    return job


def pdf_jobs_purge(*, before: datetime) -> int:
    """Remove the background PDF jobs finished before ``before`` (issue 15): a preview's file
    holds a case's figures and is not kept for ever; a filing's job is only the record of how
    the document was made (the filed document itself stays, with its own file). Each job is
    removed in its own transaction, its file deleted once that is committed. Returns the number
    removed."""
    removed = 0
    stale = PdfJob.objects.filter(finished_at__lt=before).values_list("pk", flat=True)
    for pk in list(stale.iterator()):
        with transaction.atomic():
            job = PdfJob.objects.select_for_update().filter(pk=pk).first()
            if job is None:
                continue
            name = job.file.name if job.file else ""
            storage = job.file.storage
            job.delete()
            if name:
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
            removed += 1
    return removed


def purge_after_daily_run(run_date: date) -> dict[str, int]:
    """The daily run's after-run hook (``agenda.registry.register_after_run``)."""
    cutoff = timezone.make_aware(
        datetime.combine(run_date - timedelta(days=settings.PDF_JOB_KEEP_DAYS), time.min)
    )
    return {"pdf_jobs_purged": pdf_jobs_purge(before=cutoff)}
