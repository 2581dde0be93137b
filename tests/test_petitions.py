"""Requests to the court (issue 17): drafted from the case's data, rendered in the language of
the procedure (French in Namur, Dutch in Gent), filed (visible to the division's clerk), the
court's answer; an authorised expense unlocks its payment; bad input names its field and saves
nothing; the "Requêtes" tab. The PDFs are read back as text (pdftotext)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.services import case_change_status
from cases.status import CaseStatus
from documents.models import Document
from ledger.models import Category, Entry
from ledger.services import EntryData, account_open, entry_post
from petitions import pdf
from petitions.models import Decision, Petition, PetitionKind, RevocationGround
from petitions.services import (
    petition_draft,
    petition_file,
    petition_pay_expense,
    petition_record_decision,
)
from plans.models import PlanVersion

from .factories import make_case
from .life_helpers import admitted_claims, amicable_plan, filed, house, today
from .pdf import pdf_text

D = Decimal


def draft(case, kind, data):
    return petition_draft(case=case, kind=kind, data=data, by=case.mediator, today=today())


def grant(petition, reference="Rép. 2026/9"):
    return petition_record_decision(
        petition=petition,
        decision=Decision.GRANTED,
        decision_date=today(),
        decision_reference=reference,
        by=petition.case.mediator,
        today=today(),
    )


@pytest.mark.parametrize(
    "kind,data,field",
    [
        (PetitionKind.EXCEPTIONAL_EXPENSE, {"purpose": "Lunettes", "payee": "Opticien"}, "amount"),
        (
            PetitionKind.EXCEPTIONAL_EXPENSE,
            {"purpose": "Lunettes", "payee": "Opticien", "amount": "-5"},
            "amount",
        ),
        (
            PetitionKind.EXCEPTIONAL_EXPENSE,
            {"purpose": "Lunettes", "payee": "Opti\ncien", "amount": "50"},
            "payee",
        ),
        (PetitionKind.REVOCATION, {"ground": "lazy", "facts": "…"}, "ground"),
        (PetitionKind.REVOCATION, {"ground": "false_statements", "facts": " "}, "facts"),
        (PetitionKind.ASSET_SALE, {"asset": 999, "expected_price": "5", "reasons": "x"}, "asset"),
        (PetitionKind.CLOSURE, {}, "reasons"),
        ("letter", {}, "kind"),
    ],
)
def test_bad_request_names_its_field_and_saves_nothing(world, kind, data, field):
    with pytest.raises(ValidationError) as exc:
        draft(world.case, kind, data)
    assert field in exc.value.message_dict
    assert not Petition.objects.exists()


def test_revision_needs_a_plan_in_force(world):
    with pytest.raises(ValidationError) as exc:
        draft(
            world.case,
            PetitionKind.PLAN_REVISION,
            {"change_date": date(2023, 1, 1), "circumstances": "Perte d'emploi"},
        )
    assert "1675/14" in exc.value.messages[0]
    assert not Petition.objects.exists()


def test_failure_report_needs_a_proposal(world):
    with pytest.raises(ValidationError) as exc:
        draft(world.case, PetitionKind.FAILURE_REPORT, {"reasons": "Refus"})
    assert "aucun plan" in exc.value.messages[0]


def test_revocation_is_filed_in_french_with_its_legal_ground(world, tmp_path):
    petition = filed(
        world.case,
        PetitionKind.REVOCATION,
        {"ground": RevocationGround.INSOLVENCY_ORGANISED, "facts": "Donation de la voiture."},
    )
    document = petition.filed_document
    assert document.filed_division == "namur" and petition.language == "fr"
    text = " ".join(pdf_text(document.file.read(), tmp_path).split())
    assert "REQUÊTE EN RÉVOCATION" in text
    assert "Article 1675/15, § 1er, 4°, du Code judiciaire" in text
    assert "a organisé son insolvabilité" in text
    assert "Donation de la voiture." in text
    assert "DUBOIS Marie" in text and "NAM-2022-0042" in text
    assert "division Namur" in text
    # filed once; a filed request does not change
    with pytest.raises(ValidationError):
        petition_file(petition=petition, by=world.mediator, today=today())
    with pytest.raises(ValidationError):
        petition_draft(
            case=world.case,
            kind=petition.kind,
            data=petition.data,
            by=world.mediator,
            today=today(),
            petition=petition,
        )
    assert Document.objects.filter(case=world.case).count() == 1


def test_dutch_division_files_in_dutch(world, tmp_path):
    case = make_case(
        organisation=world.org, mediator=world.mediator, reference="GNT-1", division="gent"
    )
    petition = filed(
        case,
        PetitionKind.EXCEPTIONAL_EXPENSE,
        {"purpose": "Herstelling van de wagen", "payee": "Garage Peeters", "amount": "1234.50"},
    )
    assert petition.language == "nl"
    text = " ".join(pdf_text(petition.filed_document.file.read(), tmp_path).split())
    assert "Arbeidsrechtbank Gent — afdeling Gent".upper() in text
    assert "VERZOEK TOT MACHTIGING VAN EEN UITZONDERLIJKE UITGAVE" in text
    assert "€ 1.234,50" in text
    assert "Garage Peeters" in text and "Pagina 1 / 1" in text


def test_eupen_files_in_french_as_documented(world, tmp_path):
    """docs/court-documents.md, "Eupen": no German documents yet; the request is French and
    names the court of Eupen, and the Eupen clerk receives it."""
    case = make_case(
        organisation=world.org, mediator=world.mediator, reference="EUP-1", division="eupen"
    )
    petition = filed(case, PetitionKind.CLOSURE, {"reasons": "Plan exécuté."})
    assert petition.language == "fr" and petition.filed_document.filed_division == "eupen"
    text = " ".join(pdf_text(petition.filed_document.file.read(), tmp_path).split())
    assert "EUPEN" in text.upper() and "REQUÊTE" in text.upper()


def test_failure_report_pdf_carries_the_proposal(world, tmp_path):
    admitted_claims(world)
    amicable_plan(world)
    petition = filed(
        world.case, PetitionKind.FAILURE_REPORT, {"reasons": "La Banque A refuse le plan."}
    )
    text = " ".join(pdf_text(petition.filed_document.file.read(), tmp_path).split())
    assert "PROCÈS-VERBAL DE CARENCE" in text
    assert "Article 1675/11, § 1er" in text
    assert "version 2 (reprise de la version amiable 1)" in text
    assert "300,00 €" in text and "Banque A" in text and "Énergie B" in text
    assert PlanVersion.objects.filter(case=world.case).count() == 2


def test_pdf_escapes_user_text(world):
    petition = draft(world.case, PetitionKind.CLOSURE, {"reasons": "<script>x</script> & co"})
    html = pdf.petition_html(petition, on=today())
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_authorised_expense_unlocks_its_payment(world):
    account_open(case=world.case, opened_on=date(2022, 6, 20))
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2022, 7, 1), direction="in", amount=D("2000.00"), category="income"
        ),
        by=world.mediator,
        today=today(),
    )
    petition = filed(
        world.case,
        PetitionKind.EXCEPTIONAL_EXPENSE,
        {"purpose": "Réparation de la chaudière", "payee": "Chauffage SA", "amount": "850.00"},
    )
    with pytest.raises(ValidationError) as exc:  # not yet authorised
        petition_pay_expense(
            petition=petition, value_date=today(), by=world.mediator, today=today()
        )
    assert "pas autorisé" in exc.value.messages[0]
    grant(petition)
    petition = petition_pay_expense(
        petition=petition, value_date=today(), by=world.mediator, today=today()
    )
    entry = petition.expense_entry
    assert (entry.category, entry.amount, entry.authorisation) == (
        Category.EXCEPTIONAL_EXPENSE,
        D("850.00"),
        "Rép. 2026/9",
    )
    with pytest.raises(ValidationError):  # once
        petition_pay_expense(
            petition=petition, value_date=today(), by=world.mediator, today=today()
        )
    assert Entry.objects.filter(category=Category.EXCEPTIONAL_EXPENSE).count() == 1


def test_decision_checks_its_fields(world):
    petition = draft(world.case, PetitionKind.CLOSURE, {"reasons": "Plan exécuté."})
    with pytest.raises(ValidationError) as exc:  # not filed
        grant(petition)
    assert "Déposez" in exc.value.messages[0]
    petition = petition_file(petition=petition, by=world.mediator, today=today())
    with pytest.raises(ValidationError) as exc:
        petition_record_decision(
            petition=petition,
            decision="maybe",
            decision_date=date(2020, 1, 1),
            decision_reference="",
            by=world.mediator,
            today=today(),
        )
    assert set(exc.value.message_dict) == {"decision", "decision_date", "decision_reference"}
    petition.refresh_from_db()
    assert petition.decision == ""


def test_closed_case_takes_no_request(world):
    case_change_status(
        case=world.case, to_status=CaseStatus.REVOKED, decision_date=today(), by=world.mediator
    )
    with pytest.raises(ValidationError) as exc:
        draft(world.case, PetitionKind.CLOSURE, {"reasons": "x"})
    assert "Révoqué" in exc.value.messages[0]


def test_asset_sale_request_through_the_views(client, world):
    asset = house(world)
    client.force_login(world.mediator)
    url = reverse("petitions:petition_create", args=[world.case.pk, "asset_sale"])
    response = client.post(url, {"asset": str(asset.pk), "reasons": "Trop de charges."})
    assert response.status_code == 200  # the expected price is missing
    assert not Petition.objects.exists()
    response = client.post(
        url, {"asset": str(asset.pk), "expected_price": "145.000,00", "reasons": "Charges."}
    )
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.data["expected_price"] == "145000.00"
    preview = client.get(reverse("petitions:petition_preview", args=[world.case.pk, petition.pk]))
    assert preview["Content-Type"] == "application/pdf"
    response = client.post(reverse("petitions:petition_file", args=[world.case.pk, petition.pk]))
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.is_filed
    response = client.post(
        reverse("petitions:petition_decide", args=[world.case.pk, petition.pk]),
        {
            "decision": "granted",
            "decision_date": today().strftime("%d/%m/%Y"),
            "decision_reference": "Rép. 77",
        },
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.decision == "sell"
    page = client.get(reverse("petitions:case_petitions", args=[world.case.pk])).content.decode()
    assert "Accordée" in page and "Rép. 77" in page


def test_status_form_refuses_a_homologation_without_a_plan(client, world):
    client.force_login(world.mediator)
    response = client.post(
        reverse("cases:status", args=[world.case.pk]),
        {"to_status": CaseStatus.AMICABLE_PLAN, "decision_date": "10/01/2023"},
    )
    assert response.status_code == 200
    assert "aucun plan amiable" in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.AMICABLE_PHASE
