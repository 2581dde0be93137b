"""The case's third parties (issue 17: employer, benefit payer, bank, bailiff) are changed and
removed through their page: a third party no letter was sent to is deleted; one that received
letters is kept (the letters keep their addressee) but deactivated: no new letter and no
closure letter goes to it. Another organisation's case is 404, a clerk or a supervisor 403;
every change is in the audit trail with its user."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from closure.selectors import closure_letters_needed
from contacts.models import ThirdParty
from contacts.services import ThirdPartyData, third_party_create
from letters.models import LetterKind, LetterTemplate
from letters.selectors import third_party_options
from letters.services import letter_send

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def employer(world):
    return third_party_create(
        case=world.case,
        data=ThirdPartyData("employer", "Boulangerie Dupont", "Rue du Pain 3\n5000 Namur", "E-7"),
        by=world.mediator,
    )


def edit_url(party):
    return reverse("contacts:third_party_edit", args=[party.case_id, party.pk])


def remove_url(party):
    return reverse("contacts:third_party_remove", args=[party.case_id, party.pk])


def test_a_third_party_is_changed_through_its_page_and_audited(world, employer):
    client = client_for(world.mediator)
    page = client.get(reverse("contacts:third_parties", args=[world.case.pk])).content.decode()
    assert edit_url(employer) in page and remove_url(employer) in page
    assert client.get(edit_url(employer)).status_code == 200
    response = client.post(
        edit_url(employer),
        {
            "kind": "employer",
            "name": "Boulangerie Dupont SRL",
            "reference": "E-8",
            "address": "Rue du Pain 5\r\n5000 Namur",
        },
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert (employer.name, employer.reference, employer.address) == (
        "Boulangerie Dupont SRL",
        "E-8",
        "Rue du Pain 5\n5000 Namur",
    )
    changed = AuditEvent.objects.filter(
        object_type="contacts.thirdparty", action=AuditAction.CHANGED
    ).get()
    assert changed.actor_id == world.mediator.pk and changed.case_id == world.case.pk
    assert changed.changes["name"] == ["Boulangerie Dupont", "Boulangerie Dupont SRL"]


def test_bad_input_is_shown_by_field_and_nothing_changes(world, employer):
    client = client_for(world.mediator)
    response = client.post(edit_url(employer), {"kind": "bank", "name": " ", "address": " "})
    assert response.status_code == 200
    assert {"name", "address"} <= set(response.context["form"].errors)
    response = client.post(
        edit_url(employer), {"kind": "nobody", "name": "ING", "address": "Rue 1\n1000 Bruxelles"}
    )
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    employer.refresh_from_db()
    assert employer.name == "Boulangerie Dupont" and employer.kind == "employer"


def test_access_other_organisation_404_clerk_and_supervisor_403(world, employer):
    data = {"kind": "bank", "name": "ING", "address": "Av. Marnix 24\n1000 Bruxelles"}
    assert client_for(world.other_mediator).get(edit_url(employer)).status_code == 404
    assert client_for(world.other_mediator).post(remove_url(employer)).status_code == 404
    for user in (world.clerk, world.supervisor, world.colleague):
        assert client_for(user).post(edit_url(employer), data).status_code == 403
        assert client_for(user).post(remove_url(employer)).status_code == 403
    # another case's third party through this case's URL: 404
    other = third_party_create(
        case=world.other_case,
        data=ThirdPartyData("bank", "ING", "Av. Marnix 24\n1000 Bruxelles"),
        by=world.other_mediator,
    )
    wrong = reverse("contacts:third_party_edit", args=[world.case.pk, other.pk])
    assert client_for(world.mediator).post(wrong, data).status_code == 404
    employer.refresh_from_db()
    assert employer.name == "Boulangerie Dupont" and ThirdParty.objects.count() == 2
    # removal is a POST
    assert client_for(world.mediator).get(remove_url(employer)).status_code == 405


def test_a_third_party_without_letters_is_deleted(world, employer):
    response = client_for(world.mediator).post(remove_url(employer))
    assert response.status_code == 302
    assert not ThirdParty.objects.filter(pk=employer.pk).exists()
    deleted = AuditEvent.objects.filter(
        object_type="contacts.thirdparty", action=AuditAction.DELETED
    ).get()
    assert deleted.actor_id == world.mediator.pk


def test_a_third_party_with_letters_is_deactivated_then_reactivated(world, employer):
    template = LetterTemplate.objects.get(
        organisation=world.org, language="fr", kind=LetterKind.INCOME_NOTICE
    )
    letter = letter_send(
        case=world.case,
        template=template,
        subject=template.subject,
        body=template.body,
        addressee_keys=[f"t{employer.pk}"],
        registered=False,
        postage=None,
        sent_on=date(2023, 1, 10),
        by=world.mediator,
    )
    assert closure_letters_needed(world.case) == [
        LetterKind.CLOSURE_CREDITORS,
        LetterKind.CLOSURE_INCOME,
    ]
    client = client_for(world.mediator)
    response = client.post(remove_url(employer), follow=True)
    assert "désactivé" in response.content.decode()
    employer.refresh_from_db()
    assert employer.active is False
    assert letter.addressees.get().third_party_id == employer.pk  # the letter keeps it
    assert third_party_options(world.case, {"employer"}) == []
    assert closure_letters_needed(world.case) == [LetterKind.CLOSURE_CREDITORS]
    changed = AuditEvent.objects.filter(
        object_type="contacts.thirdparty", action=AuditAction.CHANGED
    ).get()
    assert changed.changes["active"] == [True, False]
    response = client.post(
        reverse("contacts:third_party_reactivate", args=[world.case.pk, employer.pk])
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.active is True
    assert [o.name for o in third_party_options(world.case, {"employer"})] == ["Boulangerie Dupont"]
