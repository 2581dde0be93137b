"""Documents: PDF-only uploads, filing with the court, and the clerk's view."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document
from documents.services import document_delete, document_file, document_upload

from .pdf import MINIMAL_PDF

PDF = MINIMAL_PDF


def upload(client, case, content=PDF, name="rapport.pdf", kind="annual_report"):
    return client.post(
        reverse("documents:case_documents", args=[case.pk]),
        {"kind": kind, "title": "Rapport annuel 2023", "file": SimpleUploadedFile(name, content)},
    )


def test_upload_and_file(client, world):
    client.force_login(world.mediator)
    assert upload(client, world.case).status_code == 302
    document = Document.objects.get()
    assert document.size == len(PDF) and len(document.sha256) == 64
    response = client.post(
        reverse("documents:case_document_file", args=[world.case.pk, document.pk])
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.filed_at is not None and document.filed_by == world.mediator


def test_a_file_that_is_not_a_pdf_is_refused(client, world):
    client.force_login(world.mediator)
    response = upload(client, world.case, content=b"GIF89a....", name="scan.pdf")
    assert response.status_code == 200
    assert "n&#x27;est pas un PDF" in response.content.decode()
    assert not Document.objects.exists()


def test_an_oversized_file_is_refused(client, world, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    client.force_login(world.mediator)
    response = upload(client, world.case, content=PDF + b"0" * 2048)
    assert "taille maximale" in response.content.decode()
    assert not Document.objects.exists()


def test_a_filed_document_is_frozen(world):
    document = document_upload(
        case=world.case,
        kind="taxation_statement",
        title="État",
        upload=SimpleUploadedFile("e.pdf", PDF),
        uploaded_by=world.mediator,
    )
    document_file(document=document, filed_by=world.mediator)
    with pytest.raises(ValidationError):
        document_delete(document=document)
    with pytest.raises(ValidationError):
        document_file(document=document, filed_by=world.mediator)
    assert Document.objects.filter(pk=document.pk).exists()


def test_other_documents_cannot_be_filed(world):
    document = document_upload(
        case=world.case,
        kind="other",
        title="Note interne",
        upload=SimpleUploadedFile("n.pdf", PDF),
        uploaded_by=world.mediator,
    )
    with pytest.raises(ValidationError) as exc:
        document_file(document=document, filed_by=world.mediator)
    # the message lists every fileable kind
    message = " ".join(exc.value.messages)
    assert "« État de frais et honoraires », « Rapport annuel », « Plan de règlement »" in message


def test_a_settlement_plan_can_be_filed(world):
    document = document_upload(
        case=world.case,
        kind="plan",
        title="Plan de règlement amiable — version 1 (requête en homologation)",
        upload=SimpleUploadedFile("p.pdf", PDF),
        uploaded_by=world.mediator,
    )
    document_file(document=document, filed_by=world.mediator)
    document.refresh_from_db()
    assert document.is_filed


def test_clerk_sees_only_filed_documents_of_their_divisions(client, world):
    filed_namur = document_upload(
        case=world.case,
        kind="annual_report",
        title="Rapport Namur",
        upload=SimpleUploadedFile("a.pdf", PDF),
        uploaded_by=world.mediator,
    )
    document_file(document=filed_namur, filed_by=world.mediator)
    document_upload(
        case=world.case,
        kind="annual_report",
        title="Brouillon Namur",
        upload=SimpleUploadedFile("b.pdf", PDF),
        uploaded_by=world.mediator,
    )
    filed_liege = document_upload(
        case=world.other_case,
        kind="taxation_statement",
        title="État Liège",
        upload=SimpleUploadedFile("c.pdf", PDF),
        uploaded_by=world.other_mediator,
    )
    document_file(document=filed_liege, filed_by=world.other_mediator)

    client.force_login(world.clerk)
    body = client.get(reverse("documents:clerk_list")).content.decode()
    assert "Rapport Namur" in body
    assert "Brouillon Namur" not in body and "État Liège" not in body
    download = client.get(reverse("documents:clerk_download", args=[filed_namur.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client.get(reverse("documents:clerk_download", args=[filed_liege.pk])).status_code == 404

    client.force_login(world.other_clerk)
    body = client.get(reverse("documents:clerk_list")).content.decode()
    assert "État Liège" in body and "Rapport Namur" not in body
