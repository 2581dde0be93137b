"""Uploaded files (claim declarations, the applicant's agreement, documents filed with the
court): recognised by their first bytes, never by their name or the browser's content type,
and limited in size (``DOCUMENT_MAX_UPLOAD_BYTES``). What claims to be a PDF must parse as one
(pypdf), with no JavaScript, launch action or embedded file anywhere in it, and not locked by
a password; what claims to be a PNG or JPEG image must decode (Pillow) within
``UPLOAD_MAX_IMAGE_PIXELS`` (checked from its header before it is decoded). One check for every
upload, its messages keyed by the form field."""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

DEFAULT_MAX_IMAGE_PIXELS = 36_000_000  # an A4 page scanned at 600 dpi is 35 million pixels
MAX_PDF_OBJECTS = 200_000  # objects visited when looking for active content

# Names that mark active or embedded content in a PDF (keys or values).
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"})
ACTIVE_VALUES = frozenset({"/JavaScript", "/Launch", "/EmbeddedFile", "/FileAttachment"})

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
            content = upload.read()
            upload.seek(0)
            if suffix == ".pdf":
                check_pdf(content, field=field)
            else:
                check_image(content, field=field)
            return suffix
    raise ValidationError({field: refused})


class _Active(Exception):
    pass


def _walk(root, limit: int = MAX_PDF_OBJECTS) -> None:
    """Visit every object reachable from ``root``; :class:`_Active` at the first active or
    embedded content (streams' data is not decoded: a content stream cannot run anything)."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > limit:
            raise _Active("too many objects")
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(item.get_object())
        elif isinstance(item, DictionaryObject):  # streams too
            for name, value in item.items():
                if name in ACTIVE_KEYS:
                    raise _Active(name)
                if isinstance(value, NameObject) and value in ACTIVE_VALUES:
                    raise _Active(value)
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def check_pdf(content: bytes, *, field: str) -> None:
    """A ValidationError keyed ``field`` unless ``content`` parses as a PDF with at least one
    page, is not locked by a password, and holds no JavaScript, launch action or embedded
    file."""
    unreadable = _("Le fichier n'est pas un PDF lisible.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValidationError(
                    {field: _("Le PDF est protégé par un mot de passe : il n'est pas accepté.")}
                )
            if len(reader.pages) == 0:
                raise ValidationError({field: unreadable})
            _walk(reader.trailer)
    except _Active:
        raise ValidationError(
            {
                field: _(
                    "Le PDF contient du JavaScript, une action ou des fichiers joints : il "
                    "n'est pas accepté (imprimez-le en PDF pour en faire un document simple)."
                )
            }
        ) from None
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ValidationError({field: unreadable}) from exc


def check_image(content: bytes, *, field: str) -> None:
    """A ValidationError keyed ``field`` unless ``content`` decodes as an image of at most
    ``UPLOAD_MAX_IMAGE_PIXELS`` pixels (its size read from its header first)."""
    limit = getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > limit:
                    raise ValidationError(
                        {
                            field: _(
                                "L'image est trop grande (%(width)s × %(height)s pixels ; au "
                                "plus %(limit)s millions de pixels)."
                            )
                            % {"width": width, "height": height, "limit": limit // 10**6}
                        }
                    )
                image.verify()  # checksums (PNG) and structure
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # and every pixel decodes
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds on a damaged image
        raise ValidationError({field: _("L'image est illisible ou endommagée.")}) from exc
