"""The audit trail of the apps' other records (issue 13; ``audit.tracking``): the creditor
directory, the negotiation log and its follow-ups, letters, budgets, payments, fees, plans and
the legal rows are recorded when created, changed and deleted, with the user who did it (the
request's, or the service's ``by``) and the values before and after."""

from datetime import date

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.tracking import acting_as, tracked_models
from claims.models import Creditor
from claims.services import ContactData as CreditorData
from claims.services import creditor_create
from contacts.models import Channel, ContactEntry, Outcome
from contacts.services import ContactData, contact_record, contact_update, follow_up_mark_done

pytestmark = pytest.mark.django_db


def events(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def test_every_app_named_by_the_issue_has_its_records_tracked():
    labels = {model._meta.label for model in tracked_models()}
    for label in (
        "letters.LetterTemplate",
        "letters.Letter",
        "budget.BudgetVersion",
        "budget.IncomeLine",
        "budget.ChargeLine",
        "budget.AllowanceDecision",
        "banking.Payment",
        "banking.PaymentBatch",
        "fees.Service",
        "fees.FeeStatement",
        "fees.TaxationOrder",
        "plans.PlanVersion",
        "claims.Creditor",
        "claims.Representative",
        "contacts.ContactEntry",
        "fees.TariffRowRecord",
        "budget.IntegrationIncomeRecord",
        "assets.Asset",
        "petitions.Petition",
        "contacts.ThirdParty",
    ):
        assert label in labels, label
        assert apps.get_model(label)  # a real model


def test_a_creditor_changed_in_the_directory_is_recorded_with_the_user_and_values(world):
    creditor = creditor_create(
        organisation=world.org, data=CreditorData(name="Proximus", iban="BE71096123456769")
    )
    (created,) = events(object_type="claims.creditor")
    assert created.action == AuditAction.CREATED
    assert created.organisation_id == world.org.pk and created.case_id is None
    client = Client()
    client.force_login(world.mediator)
    response = client.post(
        reverse("claims:creditor_edit", args=[creditor.pk]),
        {"name": "Proximus SA", "iban": "BE62510007547061", "country": "BE"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created, changed = events(object_type="claims.creditor")
    assert changed.action == AuditAction.CHANGED
    assert changed.actor_id == world.mediator.pk  # the request's user
    assert changed.organisation_id == world.org.pk
    assert changed.changes["name"] == ["Proximus", "Proximus SA"]
    assert changed.changes["iban"] == ["BE71096123456769", "BE62510007547061"]
    # The other organisation's administrator does not read it.
    assert not AuditEvent.objects.filter(
        organisation_id=world.other_org.pk, object_type="claims.creditor"
    ).exists()


def test_the_negotiation_log_and_its_follow_ups_are_recorded_once_each(world):
    creditor = Creditor.objects.create(organisation=world.org, name="Engie")
    data = ContactData(
        creditor=creditor,
        date=date(2023, 3, 1),
        channel=Channel.PHONE,
        summary="Proposition d'un plan de 100 € par mois.",
        outcome=Outcome.REFUSAL,
        follow_up_on=date(2023, 3, 15),
    )
    entry = contact_record(case=world.case, data=data, by=world.mediator)
    data.summary = "Proposition d'un plan de 120 € par mois."
    contact_update(entry=entry, data=data, by=world.colleague)
    follow_up_mark_done(entry=entry, by=world.mediator)
    # A new contact closing the open follow-ups of the same creditor (a bulk write before).
    data.follow_up_on = date(2023, 4, 1)
    second = contact_record(case=world.case, data=data, by=world.mediator)
    entry_events = events(object_type="contacts.contactentry", object_id=str(entry.pk))
    assert [e.action for e in entry_events] == [
        AuditAction.CREATED,
        AuditAction.CHANGED,
        AuditAction.CHANGED,
    ]
    created, corrected, done = entry_events
    assert created.actor_id == world.mediator.pk and created.case_id == world.case.pk
    assert corrected.actor_id == world.colleague.pk
    assert set(corrected.changes) == {"summary"}
    assert done.actor_id == world.mediator.pk
    assert set(done.changes) == {"follow_up_done_at", "follow_up_done_by"}
    assert done.changes["follow_up_done_by"] == [None, world.mediator.pk]
    contact_record(
        case=world.case,
        data=ContactData(
            creditor=creditor,
            date=date(2023, 4, 1),
            channel=Channel.EMAIL,
            summary="Accord.",
            outcome=Outcome.AGREEMENT,
        ),
        by=world.colleague,
        close_open_follow_ups=True,
    )
    closed = events(object_type="contacts.contactentry", object_id=str(second.pk))[-1]
    assert closed.actor_id == world.colleague.pk
    assert "follow_up_done_at" in closed.changes
    ContactEntry.objects.filter(pk=entry.pk).get().delete()
    deleted = events(object_type="contacts.contactentry", object_id=str(entry.pk))[-1]
    assert deleted.action == AuditAction.DELETED
    assert deleted.changes["summary"][0] == "Proposition d'un plan de 120 € par mois."


def test_a_change_outside_a_request_names_the_user_given_or_nobody(world):
    creditor = Creditor.objects.create(organisation=world.org, name="Luminus")
    (by_nobody,) = events(object_type="claims.creditor", object_id=str(creditor.pk))
    assert by_nobody.actor_id is None  # a command or a task without a user
    with acting_as(world.administrator):
        creditor.name = "Luminus SA"
        creditor.save()
        creditor.save()  # unchanged: nothing more
    changes = events(object_type="claims.creditor", object_id=str(creditor.pk))
    assert len(changes) == 2 and changes[1].actor_id == world.administrator.pk


def test_long_values_are_not_copied_whole(world):
    creditor = Creditor.objects.create(
        organisation=world.org, name="Belfius", notes="x" * 2000, iban="BE71096123456769"
    )
    (created,) = events(object_type="claims.creditor", object_id=str(creditor.pk))
    assert len(created.changes["notes"][1]) == 501  # 500 characters and "…"
