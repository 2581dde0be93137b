"""Uploaded files (claim declarations, the applicant's agreement, documents filed with the
court): recognised by their first bytes, never by their name or the browser's content type,
and limited in size (``DOCUMENT_MAX_UPLOAD_BYTES``). One check for every upload, its messages
keyed by the form field."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = (b"%PDF-", ".pdf")
PNG = (b"\x89PNG\r\n\x1a\n", ".png")
JPEG = (b"\xff\xd8\xff", ".jpg")
PDF_ONLY = (PDF,)
PDF_OR_IMAGE = (PDF, PNG, JPEG)


def size_label(size: int) -> str:
    """10485760 -> '10 Mo' (Belgian usage), else Django's file size format."""
    if size >= 2**20 and size % 2**20 == 0:
        return _("%(n)s Mo") % {"n": size // 2**20}
    return filesizeformat(size)


def upload_suffix(
    upload: UploadedFile, *, field: str, accepted: tuple = PDF_OR_IMAGE, refused: str
) -> str:
    """The file's suffix ('.pdf', '.png', '.jpg') from its first bytes, or a ValidationError
    keyed ``field``: over the size limit, empty, or not one of ``accepted`` (``refused`` is
    that message). Nothing is stored; the file is left at its start."""
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                field: _("Le fichier dépasse la taille maximale (%(size)s).")
                % {"size": size_label(limit)}
            }
        )
    if upload.size == 0:
        raise ValidationError({field: _("Le fichier est vide.")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, suffix in accepted:
        if head.startswith(signature):
            return suffix
    raise ValidationError({field: refused})
