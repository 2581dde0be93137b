"""The case's "Honoraires" tab: billable services recorded by hand, totals, deletion, and the
bad inputs of fees.md §6 (a clear message, nothing saved)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.services import case_replace_mediator
from fees.models import Service
from fees.services import service_record

ADD = "fees:service_add"


@pytest.fixture
def mediator_client(client, world):
    client.force_login(world.mediator)
    return client


def post(client, world, **data):
    payload = {"date": "01/09/2022", "quantity": "1", "mediator": world.mediator.pk, **data}
    return client.post(reverse(ADD, args=[world.case.pk]), payload)


def test_tab_lists_services_with_totals(mediator_client, world):
    service_record(
        case=world.case,
        kind="circular_letter",
        service_date=date(2022, 7, 1),
        mediator=world.mediator,
        quantity=5,
        registered_postage=Decimal("8.40"),
        origin="letter",
    )
    service_record(
        case=world.case,
        kind="travel",
        service_date=date(2022, 8, 1),
        mediator=world.mediator,
        quantity=2,
        km=Decimal("12.5"),
    )
    response = mediator_client.get(reverse("fees:case_services", args=[world.case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lettre circulaire (4.2)" in html
    assert "Déplacement (4.4)" in html
    assert "42,00" in html  # postage total: 5 letters x 8,40 €
    assert "25.0" in html or "25,0" in html  # 2 journeys x 12,5 km
    assert f'action="/dossiers/{world.case.pk}/honoraires/prestations/ajouter/"' in html


def test_supervisor_sees_no_form(client, world):
    client.force_login(world.supervisor)
    html = client.get(reverse("fees:case_services", args=[world.case.pk])).content.decode()
    assert "Ajouter une prestation" not in html


@pytest.mark.parametrize(
    "data,kind,quantity",
    [
        ({"kind": "letter", "quantity": "2", "note": "Lettres au bailleur"}, "letter", 2),
        ({"kind": "email"}, "email", 1),
        ({"kind": "hearing"}, "hearing", 1),
        ({"kind": "homologation_request"}, "homologation_request", 1),
        ({"kind": "travel", "km": "12,5"}, "travel", 1),
        ({"kind": "admin_cost", "amount": "7,50"}, "admin_cost", 1),
        ({"kind": "letter", "registered_postage": "8,40"}, "letter", 1),
    ],
)
def test_add_service(mediator_client, world, data, kind, quantity):
    response = post(mediator_client, world, **data)
    assert response.status_code == 302
    service = Service.objects.get()
    assert (service.kind, service.quantity, service.origin) == (kind, quantity, "manual")
    assert service.created_by == world.mediator
    if kind == "travel":
        assert service.km == Decimal("12.5")
    if kind == "admin_cost":
        assert service.amount == Decimal("7.50")


def test_add_by_administrator(client, world):
    client.force_login(world.administrator)
    assert post(client, world, kind="hearing").status_code == 302
    assert Service.objects.get().mediator == world.mediator


@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "travel"}, "Indiquez les kilomètres parcourus"),
        ({"kind": "hearing", "date": "14/06/2022"}, "ne peut précéder l&#x27;admissibilité"),
        ({"kind": "admin_cost", "amount": "-5,00"}, "Le montant ne peut être négatif."),
        ({"kind": "admin_cost"}, "Indiquez le montant des frais."),
        ({"kind": "letter", "registered_postage": "-1"}, "Le montant ne peut être négatif."),
        (
            {"kind": "hearing", "registered_postage": "8,40"},
            "ne s&#x27;ajoute qu&#x27;à une lettre",
        ),
        ({"kind": "hearing", "amount": "10"}, "ne s&#x27;indique que pour des frais"),
        ({"kind": "letter", "km": "10"}, "que pour un déplacement"),
        ({"kind": "homologation_request", "quantity": "2"}, "a toujours une quantité de 1"),
        ({"kind": "letter", "quantity": "0"}, "La quantité est au moins 1."),
        ({"kind": ""}, "Ce champ est obligatoire."),
        ({"kind": "hearing", "date": "31/02/2023"}, "Saisissez une date valide."),
    ],
)
def test_bad_input_saves_nothing(mediator_client, world, data, message):
    response = post(mediator_client, world, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Service.objects.exists()


def test_second_2_1_is_refused(mediator_client, world):
    assert post(mediator_client, world, kind="homologation_request").status_code == 302
    response = post(mediator_client, world, kind="failure_report")
    assert "Le forfait 2,1° (homologation ou carence) est déjà enregistré" in (
        response.content.decode()
    )
    assert Service.objects.count() == 1


def test_second_4_3_by_the_same_mediator_is_refused_not_after_a_replacement(mediator_client, world):
    assert post(mediator_client, world, kind="phone_copies_forfait").status_code == 302
    response = post(mediator_client, world, kind="phone_copies_forfait")
    assert "Le forfait 4.3 est déjà enregistré pour ce médiateur" in response.content.decode()
    assert Service.objects.count() == 1
    # After the court replaces the mediator, the new mediator has a 4.3 of their own.
    case_replace_mediator(
        case=world.case,
        new_mediator=world.colleague,
        replacement_date=date(2023, 1, 1),
        reason="Remplacement",
        by=world.administrator,
    )
    world.colleague.refresh_from_db()
    mediator_client.force_login(world.colleague)
    response = post(
        mediator_client,
        world,
        kind="phone_copies_forfait",
        date="02/01/2023",
        mediator=world.colleague.pk,
    )
    assert response.status_code == 302
    assert Service.objects.filter(kind="phone_copies_forfait").count() == 2


def test_mediator_of_another_organisation_is_refused(mediator_client, world):
    response = post(mediator_client, world, kind="hearing", mediator=world.other_mediator.pk)
    assert response.status_code == 200
    assert not Service.objects.exists()
    with pytest.raises(ValidationError) as caught:
        service_record(
            case=world.case,
            kind="hearing",
            service_date=date(2022, 9, 1),
            mediator=world.other_mediator,
        )
    assert "mediator" in caught.value.message_dict


def test_colleague_cannot_add(client, world):
    client.force_login(world.colleague)
    assert post(client, world, kind="hearing").status_code == 403
    assert not Service.objects.exists()


def test_delete(mediator_client, world):
    service = service_record(
        case=world.case, kind="hearing", service_date=date(2022, 9, 1), mediator=world.mediator
    )
    url = reverse("fees:service_delete", args=[world.case.pk, service.pk])
    assert mediator_client.get(url).status_code == 405
    assert mediator_client.post(url).status_code == 302
    assert not Service.objects.exists()


def test_taxed_service_is_not_deleted(mediator_client, world):
    service = service_record(
        case=world.case, kind="hearing", service_date=date(2022, 9, 1), mediator=world.mediator
    )
    Service.objects.filter(pk=service.pk).update(taxed=True)
    url = reverse("fees:service_delete", args=[world.case.pk, service.pk])
    response = mediator_client.post(url, follow=True)
    assert "elle ne peut plus être supprimée" in response.content.decode()
    assert Service.objects.filter(pk=service.pk).exists()


def test_colleague_cannot_delete(client, world):
    service = service_record(
        case=world.case, kind="hearing", service_date=date(2022, 9, 1), mediator=world.mediator
    )
    client.force_login(world.colleague)
    url = reverse("fees:service_delete", args=[world.case.pk, service.pk])
    assert client.post(url).status_code == 403
    assert Service.objects.filter(pk=service.pk).exists()


def test_service_record_without_by(world):
    """Regression: ``created_by`` (null=True, blank=False) made every call without ``by``
    fail validation."""
    service = service_record(
        case=world.case, kind="hearing", service_date=date(2022, 9, 1), mediator=world.mediator
    )
    assert service.created_by is None
