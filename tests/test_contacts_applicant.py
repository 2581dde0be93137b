"""Issue 17: the debtor side of the negotiation log: contacts with the applicant (visits, calls,
documents received) in the same log as the creditors', shown in the case's log and filterable."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from cases.models import Applicant
from claims.models import Creditor
from contacts.models import Channel, ContactEntry, Outcome
from contacts.services import ContactData, contact_record


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def visit(applicant, **kw):
    values = {
        "creditor": None,
        "applicant": applicant,
        "date": date(2023, 3, 1),
        "channel": Channel.VISIT,
        "summary": "Visite à domicile : fiches de paie de janvier et février reçues.",
        "outcome": Outcome.NOTED,
    }
    values.update(kw)
    return ContactData(**values)


@pytest.mark.django_db
def test_a_contact_with_the_applicant_is_recorded(world):
    applicant = Applicant.objects.get(case=world.case)
    entry = contact_record(case=world.case, data=visit(applicant), by=world.mediator)
    assert (entry.applicant_id, entry.creditor_id) == (applicant.pk, None)
    assert entry.party_name == applicant.full_name and entry.party_anchor == "requerant"


@pytest.mark.django_db
def test_bad_applicant_contacts_name_the_field_and_save_nothing(world):
    applicant = Applicant.objects.get(case=world.case)
    other = Applicant.objects.get(case=world.other_case)
    creditor = Creditor.objects.create(organisation=world.org, name="Proximus", address="Bd 1")
    for data, field in [
        (visit(applicant, creditor=creditor), "creditor"),  # both
        (visit(other), "creditor"),  # another case's applicant
        (visit(applicant, summary=" "), "summary"),
        (visit(applicant, channel="pigeon"), "channel"),
        (visit(applicant, date=date(2022, 1, 1)), "date"),  # before the admissibility
    ]:
        with pytest.raises(ValidationError) as exc:
            contact_record(case=world.case, data=data, by=world.mediator)
        assert field in exc.value.message_dict
    assert not ContactEntry.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_contact_with_neither_or_both(world):
    applicant = Applicant.objects.get(case=world.case)
    creditor = Creditor.objects.create(organisation=world.org, name="Proximus", address="Bd 1")
    common = {
        "case": world.case,
        "date": date(2023, 3, 1),
        "channel": "phone",
        "summary": "s",
        "outcome": "noted",
        "recorded_by": world.mediator,
    }
    for parties in ({}, {"creditor": creditor, "applicant": applicant}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ContactEntry.objects.create(**common, **parties)


@pytest.mark.django_db
def test_the_log_page_records_shows_and_filters_the_applicant_side(world):
    applicant = Applicant.objects.get(case=world.case)
    creditor = Creditor.objects.create(organisation=world.org, name="Proximus", address="Bd 1")
    contact_record(
        case=world.case,
        data=ContactData(
            creditor=creditor,
            date=date(2023, 2, 1),
            channel=Channel.PHONE,
            summary="Appel au service recouvrement.",
            outcome=Outcome.NO_ANSWER,
        ),
        by=world.mediator,
    )
    url = reverse("contacts:case_contacts", args=[world.case.pk])
    response = client_for(world.mediator).post(
        url,
        {
            "creditor": f"a{applicant.pk}",
            "date": "02/03/2023",
            "channel": "documents",
            "summary": "Avertissement-extrait de rôle reçu par courriel.",
            "outcome": "noted",
            "follow_up_on": "10/03/2023",
        },
    )
    assert response.status_code == 302 and response.url.endswith("#requerant")
    entry = ContactEntry.objects.get(applicant=applicant)
    assert entry.channel == "documents" and entry.follow_up_on == date(2023, 3, 10)

    html = client_for(world.mediator).get(url).content.decode()
    assert 'id="requerant"' in html and "Avertissement-extrait" in html
    assert "Appel au service recouvrement" in html
    only_applicant = client_for(world.mediator).get(url, {"creditor": "-1"}).content.decode()
    assert "Avertissement-extrait" in only_applicant
    assert "Appel au service recouvrement" not in only_applicant
    only_creditors = client_for(world.mediator).get(url, {"creditor": "-2"}).content.decode()
    assert "Avertissement-extrait" not in only_creditors
    assert "Appel au service recouvrement" in only_creditors
    # the applicant's follow-up is in the mediator's to-do list under the applicant's name
    todo = client_for(world.mediator).get(reverse("contacts:todo")).content.decode()
    assert applicant.full_name in todo
    # and its correction form opens with the applicant chosen
    edit = client_for(world.mediator).get(
        reverse("contacts:entry_edit", args=[world.case.pk, entry.pk])
    )
    assert edit.status_code == 200 and f'value="a{applicant.pk}" selected' in edit.content.decode()


@pytest.mark.django_db
def test_another_cases_applicant_cannot_be_chosen_in_the_form(world):
    other = Applicant.objects.get(case=world.other_case)
    response = client_for(world.mediator).post(
        reverse("contacts:case_contacts", args=[world.case.pk]),
        {
            "creditor": f"a{other.pk}",
            "date": "02/03/2023",
            "channel": "visit",
            "summary": "x",
            "outcome": "noted",
        },
    )
    assert response.status_code == 200
    assert "creditor" in response.context["form"].errors
    assert not ContactEntry.objects.exists()
