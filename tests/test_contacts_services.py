"""Negotiation log services: recording, correcting, follow-up done / undone, and the rules
(dates, creditor of the directory, representative acting for that creditor in that case)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import services as claims_services
from claims.models import Claim, RepresentativeRole
from contacts.models import Channel, ContactEntry, Outcome
from contacts.services import (
    ContactData,
    contact_record,
    contact_update,
    follow_up_mark_done,
    follow_up_reopen,
)
from tests.factories import make_case

# world.case: admissibility 15/06/2022
ADMISSIBILITY = date(2022, 6, 15)


def make_creditor(organisation, name="Partena Professional"):
    return claims_services.creditor_create(
        organisation=organisation, data=claims_services.ContactData(name=name)
    )


def make_representative(organisation, name="Étude Lobet, huissiers de justice"):
    return claims_services.representative_create(
        organisation=organisation,
        data=claims_services.ContactData(name=name, role=RepresentativeRole.BAILIFF),
    )


def declare(case, creditor, principal="1200.00"):
    return Claim.objects.create(
        case=case, creditor=creditor, principal=Decimal(principal), declared_on=date(2022, 7, 1)
    )


def data(creditor, **overrides) -> ContactData:
    values = {
        "creditor": creditor,
        "date": date(2023, 3, 1),
        "channel": Channel.PHONE,
        "summary": "Proposition d'un plan de 100 € par mois.",
        "outcome": Outcome.REFUSAL,
    }
    values.update(overrides)
    return ContactData(**values)


def record(case, by, creditor, **overrides) -> ContactEntry:
    return contact_record(case=case, data=data(creditor, **overrides), by=by)


@pytest.fixture
def creditor(world):
    return make_creditor(world.org)


@pytest.fixture
def bailiff(world, creditor):
    representative = make_representative(world.org)
    for reference in ("D-2021-101", "D-2021-102", "D-2022-017"):
        claims_services.representation_add(
            case=world.case,
            creditor=creditor,
            representative=representative,
            file_reference=reference,
        )
    return representative


def test_record_a_contact_with_the_bailiff(world, creditor, bailiff):
    entry = record(
        world.case,
        world.mediator,
        creditor,
        representative=bailiff,
        interlocutor="  Me Lobet  ",
        summary="  Refus du plan de 300, 100 et 50 € par mois.  ",
        follow_up_on=date(2023, 3, 15),
    )
    entry.refresh_from_db()
    assert entry.case == world.case and entry.creditor == creditor
    assert entry.representative == bailiff
    assert entry.recorded_by == world.mediator
    assert entry.interlocutor == "Me Lobet"
    assert entry.summary == "Refus du plan de 300, 100 et 50 € par mois."
    assert entry.follow_up_open and entry.follow_up_done_at is None


def test_a_creditor_that_has_not_declared_yet_can_be_contacted(world, creditor):
    assert not Claim.objects.filter(case=world.case).exists()
    entry = record(world.case, world.mediator, creditor, outcome=Outcome.NO_ANSWER)
    assert entry.pk


def test_a_contact_cannot_precede_the_admissibility_order(world, creditor):
    with pytest.raises(ValidationError) as exc:
        record(world.case, world.mediator, creditor, date=ADMISSIBILITY - timedelta(days=1))
    assert "date" in exc.value.message_dict
    assert "15/06/2022" in exc.value.message_dict["date"][0]
    assert not ContactEntry.objects.exists()
    # the day of the order itself is fine: the mediator is designated that day
    assert record(world.case, world.mediator, creditor, date=ADMISSIBILITY).pk


def test_a_contact_cannot_be_in_the_future(world, creditor):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        record(world.case, world.mediator, creditor, date=today + timedelta(days=1))
    assert "futur" in exc.value.message_dict["date"][0]
    assert not ContactEntry.objects.exists()
    assert record(world.case, world.mediator, creditor, date=today).pk


def test_today_is_injectable(world, creditor):
    with pytest.raises(ValidationError):
        contact_record(
            case=world.case,
            data=data(creditor, date=date(2023, 3, 2)),
            by=world.mediator,
            today=date(2023, 3, 1),
        )


def test_the_follow_up_cannot_precede_the_contact(world, creditor):
    with pytest.raises(ValidationError) as exc:
        record(world.case, world.mediator, creditor, follow_up_on=date(2023, 2, 28))
    assert "01/03/2023" in exc.value.message_dict["follow_up_on"][0]
    assert not ContactEntry.objects.exists()
    assert record(world.case, world.mediator, creditor, follow_up_on=date(2023, 3, 1)).pk


def test_the_representative_must_act_for_that_creditor_in_that_case(world, creditor, bailiff):
    other_creditor = make_creditor(world.org, "Proximus")
    with pytest.raises(ValidationError) as exc:
        record(world.case, world.mediator, other_creditor, representative=bailiff)
    assert "n'agit pas pour Proximus" in exc.value.message_dict["representative"][0]

    # acting for the creditor in another case of the organisation is not enough
    second_case = make_case(
        organisation=world.org, mediator=world.mediator, reference="NAM-2023-0007"
    )
    with pytest.raises(ValidationError) as exc:
        record(second_case, world.mediator, creditor, representative=bailiff)
    assert "representative" in exc.value.message_dict
    assert not ContactEntry.objects.exists()


def test_a_creditor_of_another_organisation_is_refused(world):
    foreign = make_creditor(world.other_org, "Engie Electrabel")
    with pytest.raises(ValidationError) as exc:
        record(world.case, world.mediator, foreign)
    assert "creditor" in exc.value.message_dict
    assert not ContactEntry.objects.exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"summary": "   "}, "summary"),
        ({"outcome": "maybe"}, "outcome"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_incomplete_contacts_are_refused(world, creditor, overrides, field):
    with pytest.raises(ValidationError) as exc:
        record(world.case, world.mediator, creditor, **overrides)
    assert field in exc.value.message_dict
    assert not ContactEntry.objects.exists()


def test_every_error_is_reported_at_once(world, creditor):
    with pytest.raises(ValidationError) as exc:
        record(
            world.case,
            world.mediator,
            creditor,
            date=date(2021, 1, 1),
            follow_up_on=date(2020, 1, 1),
            summary="",
        )
    assert {"date", "follow_up_on", "summary"} <= set(exc.value.message_dict)


def test_mark_done_and_undo(world, creditor):
    entry = record(world.case, world.mediator, creditor, follow_up_on=date(2023, 3, 10))
    follow_up_mark_done(entry=entry, by=world.administrator)
    entry.refresh_from_db()
    assert entry.follow_up_done_at is not None
    assert entry.follow_up_done_by == world.administrator
    assert not entry.follow_up_open
    with pytest.raises(ValidationError) as exc:
        follow_up_mark_done(entry=entry, by=world.mediator)
    assert "déjà" in exc.value.message_dict["follow_up_on"][0]

    follow_up_reopen(entry=entry)
    entry.refresh_from_db()
    assert entry.follow_up_done_at is None and entry.follow_up_done_by is None
    with pytest.raises(ValidationError):
        follow_up_reopen(entry=entry)


def test_a_contact_without_follow_up_cannot_be_marked_done(world, creditor):
    entry = record(world.case, world.mediator, creditor)
    with pytest.raises(ValidationError):
        follow_up_mark_done(entry=entry, by=world.mediator)
    entry.refresh_from_db()
    assert entry.follow_up_done_at is None


def test_the_database_refuses_a_done_follow_up_without_date(world, creditor):
    entry = record(world.case, world.mediator, creditor)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactEntry.objects.filter(pk=entry.pk).update(
            follow_up_done_at=timezone.now(), follow_up_done_by=world.mediator
        )


def test_recording_a_contact_can_close_the_creditors_open_follow_ups(world, creditor):
    proximus = make_creditor(world.org, "Proximus")
    first = record(world.case, world.mediator, creditor, follow_up_on=date(2023, 3, 10))
    other_creditor = record(world.case, world.mediator, proximus, follow_up_on=date(2023, 3, 10))
    second_case = make_case(
        organisation=world.org, mediator=world.mediator, reference="NAM-2023-0007"
    )
    other_case = record(second_case, world.mediator, creditor, follow_up_on=date(2023, 3, 10))

    new = contact_record(
        case=world.case,
        data=data(creditor, date=date(2023, 3, 9), outcome=Outcome.AGREEMENT),
        by=world.mediator,
        close_open_follow_ups=True,
    )
    first.refresh_from_db()
    other_creditor.refresh_from_db()
    other_case.refresh_from_db()
    assert first.follow_up_done_by == world.mediator
    assert other_creditor.follow_up_open  # another creditor
    assert other_case.follow_up_open  # the same creditor in another case
    assert new.follow_up_on is None


def test_recording_without_closing_keeps_the_follow_ups_open(world, creditor):
    first = record(world.case, world.mediator, creditor, follow_up_on=date(2023, 3, 10))
    record(world.case, world.mediator, creditor, date=date(2023, 3, 9))
    first.refresh_from_db()
    assert first.follow_up_open


def test_update_corrects_the_contact(world, creditor, bailiff):
    entry = record(world.case, world.mediator, creditor)
    contact_update(
        entry=entry,
        data=data(
            creditor,
            representative=bailiff,
            outcome=Outcome.COUNTER_PROPOSAL,
            summary="Contre-proposition : 150 € par mois.",
        ),
    )
    entry.refresh_from_db()
    assert entry.outcome == Outcome.COUNTER_PROPOSAL and entry.representative == bailiff
    assert entry.recorded_by == world.mediator


def test_update_with_bad_input_changes_nothing(world, creditor):
    entry = record(world.case, world.mediator, creditor)
    with pytest.raises(ValidationError):
        contact_update(entry=entry, data=data(creditor, date=date(2022, 1, 1), summary="Changé"))
    entry.refresh_from_db()
    assert entry.date == date(2023, 3, 1) and entry.summary != "Changé"


def test_moving_the_follow_up_reopens_it_keeping_it_does_not(world, creditor):
    entry = record(world.case, world.mediator, creditor, follow_up_on=date(2023, 3, 10))
    follow_up_mark_done(entry=entry, by=world.mediator)

    contact_update(entry=entry, data=data(creditor, follow_up_on=date(2023, 3, 10), summary="x"))
    entry.refresh_from_db()
    assert entry.follow_up_done_at is not None  # same date: still done

    contact_update(entry=entry, data=data(creditor, follow_up_on=date(2023, 4, 1)))
    entry.refresh_from_db()
    assert entry.follow_up_open  # a new date is a new reminder

    follow_up_mark_done(entry=entry, by=world.mediator)
    contact_update(entry=entry, data=data(creditor, follow_up_on=None))
    entry.refresh_from_db()
    assert entry.follow_up_on is None and entry.follow_up_done_at is None


def test_a_removed_representation_does_not_block_correcting_an_old_contact(
    world, creditor, bailiff
):
    entry = record(world.case, world.mediator, creditor, representative=bailiff)
    for representation in world.case.representations.all():
        claims_services.representation_remove(representation=representation)
    contact_update(entry=entry, data=data(creditor, representative=bailiff, summary="Corrigé"))
    entry.refresh_from_db()
    assert entry.summary == "Corrigé"
    # but a new contact with that bailiff is refused: it no longer acts in the case
    with pytest.raises(ValidationError):
        record(world.case, world.mediator, creditor, representative=bailiff)
