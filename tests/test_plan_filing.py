"""The court's decision on a plan moves the case (cases.status), and the plan filed with the
court (a filed document of kind "plan" that the clerks of the case's division download)."""

import importlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, StatusChange
from cases.services import case_change_status
from cases.status import CaseStatus
from claims.models import Claim, ClaimStatus, Creditor
from documents.models import Document, DocumentKind
from plans import selectors, services
from plans.models import PlanState, PlanVersion
from plans.services import PlanData

D = Decimal
TODAY = date(2023, 3, 1)
DECIDED = date(2022, 8, 20)


@pytest.fixture
def creditors(world):
    """Three creditors with accepted claims in ``world.case`` (admissibility 15/06/2022)."""
    found = {}
    for key, name, principal in (
        ("a", "Banque A", "5000.00"),
        ("b", "Banque B", "3000.00"),
        ("c", "Energie C", "2000.00"),
    ):
        creditor = Creditor.objects.create(
            organisation=world.org, name=name, address=f"Rue {name} 1\n5000 Namur"
        )
        Claim.objects.create(
            case=world.case,
            creditor=creditor,
            principal=D(principal),
            declared_on=date(2022, 7, 1),
            status=ClaimStatus.ACCEPTED,
        )
        found[key] = creditor
    return found


def data(**kw) -> PlanData:
    values = {
        "kind": "amicable",
        "start_date": date(2022, 9, 1),
        "duration_months": 12,
        "monthly_available": D("1000.00"),
        "fee_provision": D("1200.00"),
    }
    values.update(kw)
    return PlanData(**values)


def approve(world, version, *, on=DECIDED, reference="Rép. 2022/1234"):
    return services.plan_approve(
        version=version,
        decision_date=on,
        decision_reference=reference,
        by=world.mediator,
        today=TODAY,
    )


def send(world, version, creditors):
    return services.plan_send(
        version=version,
        creditor_ids=[c.pk for c in creditors.values()],
        copy_to_applicants=False,
        sent_on=date(2022, 8, 1),
        registered=True,
        postage=D("8.40"),
        by=world.mediator,
        today=TODAY,
    )


def case_of(world) -> Case:
    return Case.objects.get(pk=world.case.pk)


def stored_documents(case) -> list[Path]:
    """The documents' files of the case (the plan mailings are in a sub-folder)."""
    folder = Path(settings.MEDIA_ROOT) / "cases" / str(case.pk)
    return list(folder.glob("*.pdf")) if folder.exists() else []


# --- the decision moves the case ---------------------------------------------------------------


def test_homologation_from_the_amicable_phase_moves_the_case(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    approve(world, version)
    case = case_of(world)
    assert case.status == CaseStatus.AMICABLE_PLAN
    assert case.homologation_date == DECIDED
    change = case.status_changes.order_by("-id").first()
    assert (change.from_status, change.to_status, change.decision_date, change.recorded_by) == (
        CaseStatus.AMICABLE_PHASE,
        CaseStatus.AMICABLE_PLAN,
        DECIDED,
        world.mediator,
    )
    assert "version 1" in change.note and "Rép. 2022/1234" in change.note
    version.refresh_from_db()
    assert version.state == PlanState.APPROVED and version.decision_date == DECIDED


def test_a_judicial_plan_imposed_moves_the_case_to_judicial_plan(world, creditors):
    version = services.plan_create(case=world.case, data=data(kind="judicial"), by=world.mediator)
    approve(world, version, reference="")
    case = case_of(world)
    assert case.status == CaseStatus.JUDICIAL_PLAN and case.homologation_date == DECIDED
    assert case.status_changes.order_by("-id").first().note == "Plan judiciaire imposé (version 1)"


def test_a_revision_approved_keeps_the_status(world, creditors):
    v1 = services.plan_create(case=world.case, data=data(), by=world.mediator)
    approve(world, v1)
    v2 = services.plan_revise(version=v1, reason="Nouvel emploi", by=world.mediator)
    services.plan_update(version=v2, data=data(start_date=date(2023, 1, 1)), by=world.mediator)
    changes = StatusChange.objects.filter(case=world.case).count()
    effect = selectors.approval_effect(PlanVersion.objects.get(pk=v2.pk))
    assert effect.to_status is None and effect.revision and "1675/14" in effect.message
    approve(world, v2, on=date(2022, 12, 15), reference="Rép. 2022/2000")
    case = case_of(world)
    assert case.status == CaseStatus.AMICABLE_PLAN
    assert case.homologation_date == DECIDED  # the first homologation
    assert StatusChange.objects.filter(case=world.case).count() == changes
    v2.refresh_from_db()
    assert (v2.state, v2.decision_date, v2.decision_reference) == (
        PlanState.APPROVED,
        date(2022, 12, 15),
        "Rép. 2022/2000",
    )


def _move(world, *statuses):
    for status, day in statuses:
        case_change_status(case=world.case, to_status=status, decision_date=day, by=world.mediator)


@pytest.mark.parametrize(
    "path",
    [
        [(CaseStatus.TOTAL_REMISSION, date(2022, 8, 1))],
        [(CaseStatus.REVOKED, date(2022, 8, 1))],
        [(CaseStatus.AMICABLE_PLAN, date(2022, 7, 1)), (CaseStatus.CLOSED, date(2022, 8, 1))],
    ],
    ids=["total_remission", "revoked", "closed"],
)
def test_no_decision_on_a_case_without_a_plan_left(world, creditors, path):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    _move(world, *path)
    before = case_of(world)
    changes = StatusChange.objects.filter(case=world.case).count()
    with pytest.raises(ValidationError) as exc:
        approve(world, version)
    assert f"« {CaseStatus(before.status).label} »" in " ".join(exc.value.messages)
    version.refresh_from_db()
    assert version.state == PlanState.DRAFT and not version.snapshot
    after = case_of(world)
    assert (after.status, after.homologation_date) == (before.status, before.homologation_date)
    assert StatusChange.objects.filter(case=world.case).count() == changes


def test_a_transition_the_cases_app_refuses_is_reported_on_the_decision_date(
    client, world, creditors
):
    # The last status change is recorded on 01/09/2022 (e.g. an imported history): a decision
    # of 20/08/2022 cannot move the case, and nothing is saved.
    StatusChange.objects.filter(case=world.case).update(decision_date=date(2022, 9, 1))
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    with pytest.raises(ValidationError) as exc:
        approve(world, version)
    assert "01/09/2022" in " ".join(exc.value.message_dict["decision_date"])
    version.refresh_from_db()
    assert version.state == PlanState.DRAFT and not version.snapshot
    case = case_of(world)
    assert case.status == CaseStatus.AMICABLE_PHASE and case.homologation_date is None
    # through the form: the message under the date, nothing saved
    client.force_login(world.mediator)
    url = reverse("plans:version_approve", args=[world.case.pk, 1])
    page = client.get(url)
    assert "(01/09/2022)" in page.content.decode()  # announced before posting
    response = client.post(url, {"decision_date": "20/08/2022", "decision_reference": "R"})
    assert response.status_code == 200
    assert "01/09/2022" in " ".join(response.context["form"].errors["decision_date"])
    assert PlanVersion.objects.get().state == PlanState.DRAFT
    assert case_of(world).status == CaseStatus.AMICABLE_PHASE


def test_the_decision_cannot_precede_the_sending_to_the_creditors(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    send(world, version, creditors)  # on 01/08/2022
    with pytest.raises(ValidationError) as exc:
        approve(world, version, on=date(2022, 7, 20))
    assert "01/08/2022" in " ".join(exc.value.message_dict["decision_date"])
    assert case_of(world).status == CaseStatus.AMICABLE_PHASE
    assert PlanVersion.objects.get(pk=version.pk).state == PlanState.SENT


def test_the_approve_page_and_the_plan_page_say_what_will_happen(client, world, creditors):
    services.plan_create(case=world.case, data=data(), by=world.mediator)
    client.force_login(world.mediator)
    expected = "passera du statut « Phase amiable » au statut « Plan amiable homologué »"
    page = client.get(reverse("plans:version_approve", args=[world.case.pk, 1]))
    assert expected in page.content.decode()
    page = client.get(reverse("plans:version_detail", args=[world.case.pk, 1]))
    assert expected in page.content.decode()
    response = client.post(
        reverse("plans:version_approve", args=[world.case.pk, 1]),
        {"decision_date": "20/08/2022", "decision_reference": "Rép. 1"},
    )
    assert response.status_code == 302
    assert case_of(world).status == CaseStatus.AMICABLE_PLAN


def test_the_approve_page_refuses_on_a_revoked_case(client, world, creditors):
    services.plan_create(case=world.case, data=data(), by=world.mediator)
    _move(world, (CaseStatus.REVOKED, date(2022, 8, 1)))
    client.force_login(world.mediator)
    page = client.get(reverse("plans:version_approve", args=[world.case.pk, 1]))
    content = page.content.decode()
    assert "« Révoqué »" in content and "disabled" in content


# --- filing the plan with the court -------------------------------------------------------------


def test_filing_a_sent_plan_makes_a_filed_document(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    send(world, version, creditors)
    version = services.plan_file(version=version, by=world.administrator, today=TODAY)
    document = Document.objects.get(kind=DocumentKind.PLAN)
    assert version.filed_document == document
    assert PlanVersion.objects.get(pk=version.pk).filed_document_id == document.pk
    assert document.is_filed and document.filed_by == world.administrator
    assert document.title == "Plan de règlement amiable — version 1 (requête en homologation)"
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF") and document.size == len(content)
    # once only
    with pytest.raises(ValidationError) as exc:
        services.plan_file(version=version, by=world.mediator, today=TODAY)
    assert "déjà déposée" in " ".join(exc.value.messages)
    assert Document.objects.filter(kind=DocumentKind.PLAN).count() == 1
    # then homologated: the filed version is the one the court decides on
    approve(world, version)
    assert case_of(world).status == CaseStatus.AMICABLE_PLAN


def test_filing_an_imposed_judicial_plan(world, creditors):
    version = services.plan_create(case=world.case, data=data(kind="judicial"), by=world.mediator)
    approve(world, version)
    version = services.plan_file(version=version, by=world.mediator, today=TODAY)
    assert version.filed_document.title == (
        "Plan de règlement judiciaire — version 1 (imposé le 20/08/2022)"
    )


def test_a_draft_is_not_filed(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    with pytest.raises(ValidationError) as exc:
        services.plan_file(version=version, by=world.mediator, today=TODAY)
    assert "Un projet ne se dépose pas" in " ".join(exc.value.messages)
    assert not Document.objects.exists()
    version.refresh_from_db()
    assert version.is_draft and not version.snapshot


@pytest.mark.parametrize("fault", ["frequency", "no_claim"])
def test_a_plan_with_errors_is_not_filed_and_nothing_is_saved(world, creditors, fault):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    approve(world, version)
    # Rows written outside the services (admin, shell, an import): the plan no longer computes.
    if fault == "frequency":
        PlanVersion.objects.filter(pk=version.pk).update(frequency_months=5)
    else:
        PlanVersion.objects.filter(pk=version.pk).update(snapshot={}, frozen_at=None)
        Claim.objects.filter(case=world.case).update(status=ClaimStatus.REJECTED)
    with pytest.raises(ValidationError) as exc:
        services.plan_file(version=version, by=world.mediator, today=TODAY)
    expected = "aucune créance admise" if fault == "no_claim" else "Périodicité inconnue"
    assert expected in " ".join(exc.value.messages)
    assert not Document.objects.exists()
    assert stored_documents(world.case) == []
    fresh = PlanVersion.objects.get(pk=version.pk)
    assert fresh.filed_document_id is None
    if fault == "no_claim":
        assert fresh.snapshot == {}


def test_a_failing_pdf_files_nothing(world, creditors, monkeypatch):
    from plans import pdf

    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf, "render_court_pdf", broken)
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    approve(world, version)
    with pytest.raises(ValidationError) as exc:
        services.plan_file(version=version, by=world.mediator, today=TODAY)
    assert "rien n'a été déposé" in " ".join(exc.value.messages)
    assert not Document.objects.exists() and stored_documents(world.case) == []
    assert PlanVersion.objects.get(pk=version.pk).filed_document_id is None


def test_no_filing_on_a_closed_case(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    approve(world, version)
    _move(world, (CaseStatus.CLOSED, date(2022, 12, 1)))
    with pytest.raises(ValidationError) as exc:
        services.plan_file(version=version, by=world.mediator, today=TODAY)
    assert "« Clôturé »" in " ".join(exc.value.messages)
    assert not Document.objects.exists()


def test_the_clerk_of_the_division_downloads_the_filed_plan(client, world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    approve(world, version)
    document = services.plan_file(version=version, by=world.mediator, today=TODAY).filed_document

    client.force_login(world.clerk)  # clerk of Namur, the case's division
    body = client.get(reverse("documents:clerk_list")).content.decode()
    assert "Plan de règlement amiable — version 1 (homologué le 20/08/2022)" in body
    download = client.get(reverse("documents:clerk_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    client.force_login(world.other_clerk)  # clerk of Liège
    body = client.get(reverse("documents:clerk_list")).content.decode()
    assert "Plan de règlement amiable — version 1" not in body  # (the filter lists the kind)
    assert client.get(reverse("documents:clerk_download", args=[document.pk])).status_code == 404


# --- the filing view ----------------------------------------------------------------------------


def test_the_mediator_files_through_the_version_page(client, world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    client.force_login(world.mediator)
    page = client.get(reverse("plans:version_detail", args=[world.case.pk, 1]))
    url = reverse("plans:version_file", args=[world.case.pk, 1])
    assert url not in page.content.decode()  # a draft: no button
    send(world, version, creditors)
    page = client.get(reverse("plans:version_detail", args=[world.case.pk, 1]))
    assert url in page.content.decode() and "Déposer au greffe" in page.content.decode()
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "plans:version_detail", args=[world.case.pk, 1]
    )
    document = PlanVersion.objects.get(pk=version.pk).filed_document
    assert document is not None and document.is_filed
    content = response.content.decode()
    assert "Plan déposé au greffe" in content  # the message
    assert f"Déposé au greffe le {timezone.localtime(document.filed_at):%d/%m/%Y}" in content
    assert reverse("documents:case_document_download", args=[world.case.pk, document.pk]) in (
        content
    )
    assert url not in content  # filed once: the button is gone
    # a second post (another tab): refused with a message, nothing more filed
    response = client.post(url, follow=True)
    assert "déjà déposée" in response.content.decode()
    assert Document.objects.filter(kind=DocumentKind.PLAN).count() == 1


@pytest.mark.parametrize(
    "role,status",
    [
        ("other_mediator", 404),
        ("colleague", 403),
        ("supervisor", 403),
        ("clerk", 403),
        ("administrator", 302),
    ],
)
def test_who_may_file(client, world, creditors, role, status):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    approve(world, version)
    client.force_login(getattr(world, role))
    response = client.post(reverse("plans:version_file", args=[world.case.pk, 1]))
    assert response.status_code == status
    assert Document.objects.exists() == (status == 302)


def test_the_seven_years_run_from_the_admissibility_not_the_designation(world, creditors):
    """Issue 12 (docs/plan-rules.md): an amicable plan's seven years run from the admissibility
    order (art. 1675/10, § 6 C.J.; domain/README.md, step 4), not from the editable designation
    date: a later designation does not lengthen the limit; nothing is saved."""
    Case.objects.filter(pk=world.case.pk).update(mediator_designation_date=date(2022, 9, 1))
    world.case.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.plan_create(case=world.case, data=data(duration_months=84), by=world.mediator)
    assert "15/06/2029" in " ".join(error.value.message_dict["duration_months"])
    assert not PlanVersion.objects.exists()
    version = services.plan_create(
        case=world.case, data=data(duration_months=81), by=world.mediator
    )
    send(world, version, creditors)
    version.refresh_from_db()
    assert version.state == PlanState.SENT


def test_once_filed_the_version_page_offers_the_filed_copy(client, world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    send(world, version, creditors)
    client.force_login(world.mediator)
    url = reverse("plans:version_detail", args=[world.case.pk, 1])
    live = reverse("plans:court_pdf", args=[world.case.pk, 1])
    assert live in client.get(url).content.decode()
    version = services.plan_file(version=version, by=world.mediator, today=TODAY)
    content = client.get(url).content.decode()
    filed = reverse(
        "documents:case_document_download", args=[world.case.pk, version.filed_document.pk]
    )
    assert filed in content and "Version déposée au greffe (PDF)" in content
    assert live not in content  # not a copy re-rendered today beside the filed one


def test_a_revision_links_to_its_own_filed_copy_not_the_revised_ones(client, world, creditors):
    """Issue 12: version 2 linked to version 1's filed PDF (the revision copied the link)."""
    v1 = services.plan_create(case=world.case, data=data(), by=world.mediator)
    send(world, v1, creditors)
    v1 = services.plan_file(version=v1, by=world.mediator, today=TODAY)
    v2 = services.plan_revise(version=v1, reason="Nouvel emploi", by=world.mediator)
    assert PlanVersion.objects.get(pk=v2.pk).filed_document_id is None
    client.force_login(world.mediator)
    first = reverse("documents:case_document_download", args=[world.case.pk, v1.filed_document.pk])
    page = client.get(reverse("plans:version_detail", args=[world.case.pk, 2])).content.decode()
    assert first not in page
    assert reverse("plans:court_pdf", args=[world.case.pk, 2]) in page
    send(world, PlanVersion.objects.get(pk=v2.pk), creditors)
    v2 = services.plan_file(
        version=PlanVersion.objects.get(pk=v2.pk), by=world.mediator, today=TODAY
    )
    assert v2.filed_document_id not in (None, v1.filed_document_id)
    assert "version 2" in v2.filed_document.title
    page = client.get(reverse("plans:version_detail", args=[world.case.pk, 2])).content.decode()
    own = reverse("documents:case_document_download", args=[world.case.pk, v2.filed_document.pk])
    assert own in page and first not in page


def test_the_data_migration_unlinks_the_copied_filed_documents(world, creditors):
    """Migration plans.0004: a revision made before the fix holds its revised version's filed
    document; the copy is unlinked, the version the document was filed for keeps it."""
    v1 = services.plan_create(case=world.case, data=data(), by=world.mediator)
    send(world, v1, creditors)
    v1 = services.plan_file(version=v1, by=world.mediator, today=TODAY)
    v2 = services.plan_revise(version=v1, reason="Nouvel emploi", by=world.mediator)
    PlanVersion.objects.filter(pk=v2.pk).update(filed_document=v1.filed_document)  # as before
    migration = importlib.import_module("plans.migrations.0004_unlink_copied_filed_documents")
    migration.unlink_copies(apps, None)
    assert PlanVersion.objects.get(pk=v2.pk).filed_document_id is None
    assert PlanVersion.objects.get(pk=v1.pk).filed_document_id == v1.filed_document_id
