"""An upload that claims to be a PDF must parse as one, with no JavaScript, action or embedded
file, and not locked by a password; an image must decode within the pixel limit. Every upload
(documents, claim declarations, allowance agreements) goes through core.uploads."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from budget.services import agreement_suffix
from claims.services import declaration_suffix
from documents.models import Document
from documents.services import document_upload

from ..pdf import MINIMAL_PDF, TINY_JPEG, TINY_PNG


def pdf(change=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def javascript(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.launchURL('http://127.0.0.1/');"),
        }
    )


def launch(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x")}
            )
        }
    )


def attachment(writer):
    writer.add_attachment("facture.exe", b"MZ\x90\x00")


def password(writer):
    writer.encrypt(user_password="secret", owner_password="owner")


def png(width, height, mode="1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(world, content: bytes, name="piece.pdf") -> Document:
    return document_upload(
        case=world.case,
        kind="other",
        title="Pièce",
        upload=SimpleUploadedFile(name, content),
        uploaded_by=world.mediator,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (javascript, "JavaScript"),
        (launch, "action"),
        (attachment, "fichiers joints"),
        (password, "mot de passe"),
    ],
)
def test_a_pdf_with_active_content_is_refused_and_nothing_is_stored(world, change, message):
    content = pdf(change)
    with pytest.raises(ValidationError) as error:
        upload(world, content)
    assert message in error.value.message_dict["file"][0]
    assert not Document.objects.filter(case=world.case).exists()
    checks = ((declaration_suffix, "declaration_file"), (agreement_suffix, "agreement_file"))
    for check, field in checks:
        with pytest.raises(ValidationError) as error:
            check(SimpleUploadedFile("x.pdf", content))
        assert message in error.value.message_dict[field][0]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n<script>alert(1)</script>\n",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    ],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(world, content):
    with pytest.raises(ValidationError) as error:
        upload(world, content)
    assert "PDF lisible" in error.value.message_dict["file"][0]
    assert not Document.objects.exists()
    # a real PDF and real images are accepted
    assert upload(world, MINIMAL_PDF).size == len(MINIMAL_PDF)
    assert declaration_suffix(SimpleUploadedFile("scan", TINY_PNG)) == ".png"
    assert agreement_suffix(SimpleUploadedFile("scan", TINY_JPEG)) == ".jpg"


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 25_000_000
    bomb = png(8000, 8000)  # a few kilobytes for 64 million pixels
    with pytest.raises(ValidationError) as error:
        declaration_suffix(SimpleUploadedFile("scan.png", bomb))
    assert "trop grande" in error.value.message_dict["declaration_file"][0]


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, b"\xff\xd8\xff\xe0" + b"\x00" * 32, TINY_PNG[:-20]],
)
def test_an_image_that_does_not_decode_is_refused(content):
    with pytest.raises(ValidationError) as error:
        agreement_suffix(SimpleUploadedFile("accord.png", content))
    assert "illisible" in error.value.message_dict["agreement_file"][0]
