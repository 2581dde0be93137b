"""The audit trail (issue 13): who viewed a case, downloaded a document or an export, revealed a
national number, logged in or failed to, and who changed what, with the values before and after;
append-only in the database itself; read by the organisation's administrator and supervisors
(their own organisation only), edited by nobody."""

import json
from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from cases.services import ApplicantData, CaseData, case_change_status, case_update
from claims.services import ClaimData, ContactData, claim_create, claim_update, creditor_create
from documents.models import DocumentKind
from documents.services import document_file, document_upload
from tests.pdf import MINIMAL_PDF

from ..factories import PASSWORD

PDF = MINIMAL_PDF  # a real PDF: uploads are parsed (core.uploads)
NUMBER = "85073003328"
NEW_NUMBER = "90010100123"  # 01/01/1990, a valid checksum


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def case_data(case) -> CaseData:
    return CaseData(
        **{f.name: getattr(case, f.name) for f in fields(CaseData) if f.name != "extra"}
    )


def applicant_data(case, **changes) -> list[ApplicantData]:
    rows = []
    for a in case.applicants.order_by("position"):
        row = ApplicantData(
            last_name=a.last_name,
            first_name=a.first_name,
            national_number=a.national_number,
            birth_date=a.birth_date,
            address=a.address,
            phone=a.phone,
            email=a.email,
        )
        for name, value in changes.items():
            setattr(row, name, value)
        rows.append(row)
    return rows


# --- append-only, in the database -----------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_an_event(world):
    event = audit_record(action=AuditAction.CASE_VIEWED, actor=world.mediator, case=world.case)
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: connection.cursor().execute(
            "UPDATE audit_auditevent SET actor_name = 'nobody' WHERE id = %s", [event.pk]
        ),
        lambda: connection.cursor().execute("DELETE FROM audit_auditevent"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert (event.detail, event.actor_name) == ("", world.mediator.username)


def test_nobody_edits_the_trail_in_the_admin(world, rf):
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/")
    request.user = world.administrator
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


# --- what is recorded -----------------------------------------------------------------------


def test_a_changed_national_number_leaves_a_trace_before_and_after(world):
    case_update(
        case=world.case,
        data=case_data(world.case),
        applicants=applicant_data(world.case, national_number=NEW_NUMBER, birth_date=None),
        updated_by=world.mediator,
    )
    [event] = events(action=AuditAction.CHANGED, case_id=world.case.pk)
    assert event.actor_id == world.mediator.pk
    assert event.organisation_id == world.org.pk
    before, after = event.changes["applicant1.national_number"]
    assert before.startswith("••••28 #") and after.startswith("••••23 #")
    assert before != after
    assert event.changes["applicant1.birth_date"] == ["1985-07-30", "1990-01-01"]
    # the trail never holds a national number in clear
    assert NUMBER not in json.dumps(event.changes) and NEW_NUMBER not in json.dumps(event.changes)


def test_a_case_saved_unchanged_records_nothing_and_a_status_change_its_values(world):
    case_update(
        case=world.case,
        data=case_data(world.case),
        applicants=applicant_data(world.case),
        updated_by=world.mediator,
    )
    assert events(action=AuditAction.CHANGED) == []
    case_change_status(
        case=world.case,
        to_status="amicable_plan",
        decision_date=date(2023, 1, 5),
        by=world.mediator,
        history_replay=True,  # a recorded decision: the case has no plan here
    )
    [event] = events(action=AuditAction.CHANGED)
    assert event.changes["status"] == ["amicable_phase", "amicable_plan"]
    assert event.changes["decision_date"] == [None, "2023-01-05"]


def test_a_claim_change_records_the_amounts_before_and_after(world):
    creditor = creditor_create(organisation=world.org, data=ContactData(name="Proximus"))
    data = ClaimData(creditor=creditor, principal=Decimal("100.00"), declared_on=date(2022, 7, 1))
    claim = claim_create(case=world.case, data=data, by=world.mediator)
    data.principal = Decimal("250.50")
    claim_update(claim=claim, data=data, by=world.colleague)
    created, changed = events(object_type="claims.claim")
    assert created.action == AuditAction.CREATED
    assert changed.action == AuditAction.CHANGED
    assert changed.actor_id == world.colleague.pk
    assert changed.changes == {"principal": ["100.00", "250.50"]}


def test_reading_a_case_and_revealing_national_numbers_are_recorded(world):
    client_for(world.supervisor).get(reverse("cases:detail", args=[world.case.pk]))
    [viewed] = events(action=AuditAction.CASE_VIEWED)
    assert (viewed.actor_id, viewed.case_id, viewed.case_reference) == (
        world.supervisor.pk,
        world.case.pk,
        world.case.reference,
    )
    assert events(action=AuditAction.NATIONAL_NUMBER_REVEALED) == []  # masked for a supervisor

    client_for(world.mediator).get(reverse("cases:detail", args=[world.case.pk]))
    [revealed] = events(action=AuditAction.NATIONAL_NUMBER_REVEALED)
    assert revealed.actor_id == world.mediator.pk and revealed.case_id == world.case.pk

    # another organisation's case: a 404, nothing read, nothing recorded
    response = client_for(world.other_mediator).get(reverse("cases:detail", args=[world.case.pk]))
    assert response.status_code == 404
    assert len(events(case_id=world.case.pk, actor_id=world.other_mediator.pk)) == 0


def test_downloads_of_documents_and_exports_are_recorded(world):
    document = document_upload(
        case=world.case,
        kind=DocumentKind.ANNUAL_REPORT,
        title="Rapport 2023",
        upload=SimpleUploadedFile("rapport.pdf", PDF),
        uploaded_by=world.mediator,
    )
    document_file(document=document, filed_by=world.mediator)
    response = client_for(world.clerk).get(reverse("documents:clerk_download", args=[document.pk]))
    assert response.status_code == 200
    [clerk_download] = events(action=AuditAction.DOWNLOADED)
    assert clerk_download.actor_id == world.clerk.pk
    assert clerk_download.organisation_id == world.org.pk  # the case's organisation reads it
    assert (clerk_download.object_type, clerk_download.object_id) == (
        "documents.document",
        str(document.pk),
    )

    response = client_for(world.colleague).get(reverse("claims:export_csv", args=[world.case.pk]))
    assert response.status_code == 200
    export = events(action=AuditAction.DOWNLOADED)[-1]
    assert export.actor_id == world.colleague.pk and export.case_id == world.case.pk
    assert export.object_type == "claims:export_csv"
    assert export.detail.endswith(".csv")


def test_logins_and_failed_logins_are_recorded_with_the_address(world):
    url = reverse("accounts:login")
    Client().post(url, {"username": world.mediator.username, "password": "wrong"})
    Client().post(url, {"username": world.mediator.username, "password": PASSWORD})
    failed, succeeded = events(action__in=[AuditAction.LOGIN_FAILED, AuditAction.LOGIN])
    assert failed.action == AuditAction.LOGIN_FAILED
    assert (failed.actor_id, failed.actor_name) == (None, world.mediator.username)
    assert failed.organisation_id == world.org.pk
    assert failed.ip_address == "127.0.0.1"
    assert succeeded.action == AuditAction.LOGIN
    assert succeeded.actor_id == world.mediator.pk and succeeded.ip_address == "127.0.0.1"
    assert "wrong" not in json.dumps(failed.changes) + failed.detail


def test_a_logout_is_recorded_with_the_user_and_address(world):
    client = Client()
    client.post(
        reverse("accounts:login"), {"username": world.mediator.username, "password": PASSWORD}
    )
    assert not events(action=AuditAction.LOGOUT)
    client.post(reverse("accounts:logout"))
    (logout,) = events(action=AuditAction.LOGOUT)
    assert logout.actor_id == world.mediator.pk and logout.ip_address == "127.0.0.1"
    assert logout.organisation_id == world.org.pk
    # A second logout, without a session, records nothing more.
    client.post(reverse("accounts:logout"))
    assert len(events(action=AuditAction.LOGOUT)) == 1


# --- who reads it ---------------------------------------------------------------------------


def test_the_administrator_and_supervisor_read_their_organisation_only(world):
    audit_record(action=AuditAction.CASE_VIEWED, actor=world.mediator, case=world.case)
    audit_record(action=AuditAction.CASE_VIEWED, actor=world.other_mediator, case=world.other_case)
    url = reverse("audit:list")
    for reader in (world.administrator, world.supervisor):
        page = client_for(reader).get(url).content.decode()
        assert world.case.reference in page
        assert world.other_case.reference not in page
    page = client_for(world.other_supervisor).get(url).content.decode()
    assert world.other_case.reference in page and world.case.reference not in page
    for outsider in (world.mediator, world.clerk):
        assert client_for(outsider).get(url).status_code == 403


def test_the_trail_filters_by_case_user_and_action_and_pages(world):
    for _ in range(55):
        audit_record(action=AuditAction.CASE_VIEWED, actor=world.mediator, case=world.case)
    audit_record(action=AuditAction.DOWNLOADED, actor=world.colleague, detail="only-colleague.csv")
    client = client_for(world.administrator)
    url = reverse("audit:list")

    total = AuditEvent.objects.filter(organisation_id=world.org.pk).count()  # + creation, login
    first = client.get(url)
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == total
    assert len(client.get(url, {"page": 2}).context["page"]) == total - 50

    by_user = client.get(url, {"actor": world.colleague.pk}).context["page"]
    assert [e.detail for e in by_user] == ["only-colleague.csv"]
    by_action = client.get(url, {"action": AuditAction.DOWNLOADED}).context["page"]
    assert by_action.paginator.count == 1
    viewed = {"action": AuditAction.CASE_VIEWED}
    by_case = client.get(url, {"case": world.case.reference, **viewed}).context["page"]
    assert by_case.paginator.count == 55
    by_number = client.get(url, {"case": str(world.case.pk), **viewed}).context["page"]
    assert by_number.paginator.count == 55
    assert client.get(url, {"case": "NOPE-1"}).context["page"].paginator.count == 0
