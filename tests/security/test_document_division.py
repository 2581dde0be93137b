"""A filed document keeps the division it was filed in (issue 13): when a case moves from one
division to another, the clerks of the new division do not get what was filed in the old one,
and the clerks of the old one keep it."""

import importlib
from dataclasses import fields
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.services import ApplicantData, CaseData, case_update
from documents.models import Document, DocumentKind
from documents.selectors import document_get_for_user, filed_documents_for_clerk
from documents.services import document_file, document_upload
from tests.pdf import MINIMAL_PDF

from ..factories import make_clerk

PDF = MINIMAL_PDF  # a real PDF: uploads are parsed (core.uploads)


def _move(case, division, by):
    data = CaseData(
        **{f.name: getattr(case, f.name) for f in fields(CaseData) if f.name != "extra"}
    )
    data.division = division
    applicants = [
        ApplicantData(
            last_name=a.last_name,
            first_name=a.first_name,
            national_number=a.national_number,
            birth_date=a.birth_date,
        )
        for a in case.applicants.order_by("position")
    ]
    return case_update(case=case, data=data, applicants=applicants, updated_by=by)


@pytest.fixture
def filed(world):
    document = document_upload(
        case=world.case,
        kind=DocumentKind.ANNUAL_REPORT,
        title="Rapport 2023",
        upload=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
        uploaded_by=world.mediator,
    )
    return document_file(document=document, filed_by=world.mediator)


def test_filing_records_the_case_division(world, filed):
    assert filed.filed_division == "namur"


def test_moving_the_case_does_not_hand_its_filed_documents_to_the_new_division(world, filed):
    dinant_clerk = make_clerk("dinant", username="clerk_dinant")
    moved = _move(world.case, "dinant", world.mediator)
    assert moved.division == "dinant"

    # the clerk of the new division: neither in the list nor downloadable (404)
    assert not filed_documents_for_clerk(dinant_clerk).filter(pk=filed.pk).exists()
    client = Client()
    client.force_login(dinant_clerk)
    url = reverse("documents:clerk_download", args=[filed.pk])
    assert client.get(url).status_code == 404
    assert filed.title not in client.get(reverse("documents:clerk_list")).content.decode()

    # the clerk of the division it was filed in keeps it
    assert document_get_for_user(world.clerk, filed.pk) == filed
    client.force_login(world.clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_document_filed_after_the_move_goes_to_the_new_division(world, filed):
    dinant_clerk = make_clerk("dinant", username="clerk_dinant")
    _move(world.case, "dinant", world.mediator)
    later = document_upload(
        case=world.case,
        kind=DocumentKind.ANNUAL_REPORT,
        title="Rapport 2024",
        upload=SimpleUploadedFile("r2.pdf", PDF, content_type="application/pdf"),
        uploaded_by=world.mediator,
    )
    later = document_file(document=later, filed_by=world.mediator)
    assert later.filed_division == "dinant"
    assert list(filed_documents_for_clerk(dinant_clerk)) == [later]
    assert list(filed_documents_for_clerk(world.clerk)) == [filed]


def test_the_migration_fills_the_division_of_documents_filed_before_it(world, filed):
    """Documents filed before migration 0003 take their case's division."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:  # rolled back with the test's transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks
            cursor.execute(
                "ALTER TABLE documents_document DROP CONSTRAINT document_filed_has_division"
            )
        cursor.execute(
            "UPDATE documents_document SET filed_division = '' WHERE id = %s", [filed.pk]
        )
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
    assert Document.objects.get(pk=filed.pk).filed_division == ""
    migration = importlib.import_module("documents.migrations.0003_filed_division")
    schema_editor = SimpleNamespace(connection=connection)
    migration.fill_filed_division(django_apps, schema_editor)
    assert Document.objects.get(pk=filed.pk).filed_division == "namur"
