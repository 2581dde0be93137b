"""Document services: upload (PDF only, size-limited) and filing with the court."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case

from .models import FILEABLE_KINDS, Document, fileable_kinds_label

PDF_MAGIC = b"%PDF-"


def validate_pdf_upload(upload: UploadedFile) -> bytes:
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("Le fichier dépasse la taille maximale de %(mb)s Mo.")
                % {"mb": limit // 2**20}
            }
        )
    content = upload.read()
    if not content.startswith(PDF_MAGIC):
        raise ValidationError({"file": _("Le fichier n'est pas un PDF.")})
    return content


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
def document_file(*, document: Document, filed_by: User) -> Document:
    """File the document with the court: from now on it is frozen and the clerks of the
    case's division can download it."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.kind not in FILEABLE_KINDS:
        raise ValidationError(
            _("Seuls ces documents se déposent au greffe : %(kinds)s.")
            % {"kinds": fileable_kinds_label()}
        )
    if document.filed_at:
        raise ValidationError(_("Ce document est déjà déposé."))
    document.filed_at = timezone.now()
    document.filed_by = filed_by
    document.save(update_fields=["filed_at", "filed_by"])
    return document


@transaction.atomic
def document_delete(*, document: Document) -> None:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.filed_at:
        raise ValidationError(_("Un document déposé ne peut plus être supprimé."))
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
