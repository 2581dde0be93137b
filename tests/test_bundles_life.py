"""The case bundle carries the end of a case's life (issue 17; ``bundles/README.md``,
``extensions`` layout ``rcd-workbench/1``): the contacts with the applicant (the debtor side of
the log, ``extensions.applicant_contacts``) and the reason of each final settlement entry
posted after the closure (``extensions.ledger.entries[k].settlement_reason``). A closed case
with both survives export → import → export unchanged; a bundle that lacks the reason of an
entry after the closure is refused, naming the line, with nothing created; bundles without
the new members import as before (``tests/test_bundles.py``)."""

import copy
import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from bundles.exporter import dumps, export_case
from bundles.importer import BundleInvalid, bundle_import
from cases.models import Applicant, Case
from cases.services import case_change_status
from cases.status import CaseStatus
from contacts.models import ContactEntry
from contacts.services import ContactData, contact_record, follow_up_mark_done
from ledger.models import Category, Direction, Entry
from ledger.services import EntryData, account_open, entry_post

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 1)


def post(case, day, amount, category, direction=Direction.OUT, reason=""):
    return entry_post(
        case=case,
        data=EntryData(
            value_date=day,
            direction=direction,
            amount=Decimal(amount),
            category=category,
            settlement_reason=reason,
        ),
        by=case.mediator,
        today=TODAY,
    )


@pytest.fixture
def closed_case(world):
    case, mediator = world.case, world.mediator
    applicant = Applicant.objects.get(case=case)
    visit = contact_record(
        case=case,
        data=ContactData(
            creditor=None,
            applicant=applicant,
            date=date(2022, 7, 4),
            channel="visit",
            summary="Visite à domicile : relevés de compte remis.",
            outcome="noted",
            follow_up_on=date(2022, 7, 18),
        ),
        by=mediator,
        today=TODAY,
    )
    follow_up_mark_done(entry=visit, by=mediator)
    contact_record(
        case=case,
        data=ContactData(
            creditor=None,
            applicant=applicant,
            date=date(2022, 9, 2),
            channel="documents",
            interlocutor="Marie Dubois",
            summary="Fiches de paie de juillet et août reçues.",
            outcome="noted",
        ),
        by=mediator,
        today=TODAY,
    )
    account_open(case=case, opened_on=date(2022, 6, 20))
    post(case, date(2022, 7, 1), "600.00", Category.INCOME, Direction.IN)
    for to_status, day in (
        (CaseStatus.AMICABLE_PLAN, date(2022, 9, 1)),
        (CaseStatus.CLOSED, date(2024, 1, 15)),
    ):
        case_change_status(
            case=case, to_status=to_status, decision_date=day, by=mediator, history_replay=True
        )
    post(
        case,
        date(2024, 1, 20),
        "600.00",
        Category.REFUND,
        reason="Restitution du solde au requérant après la clôture",
    )
    return Case.objects.get(pk=case.pk)


def test_a_closed_case_with_applicant_contacts_and_settlement_entries_round_trips(closed_case):
    first = dumps(export_case(closed_case))
    document = json.loads(first)
    assert document["extensions"]["applicant_contacts"] == [
        {
            "applicant": 1,
            "date": "2022-07-04",
            "channel": "visit",
            "summary": "Visite à domicile : relevés de compte remis.",
            "outcome": "noted",
            "follow_up_on": "2022-07-18",
            "follow_up_done": True,
        },
        {
            "applicant": 1,
            "date": "2022-09-02",
            "channel": "documents",
            "interlocutor": "Marie Dubois",
            "summary": "Fiches de paie de juillet et août reçues.",
            "outcome": "noted",
        },
    ]
    assert document["extensions"]["ledger"]["entries"] == [
        {"index": 1, "settlement_reason": "Restitution du solde au requérant après la clôture"}
    ]
    assert "contacts" not in document["extensions"]  # no creditor contact in this case
    with transaction.atomic():
        imported = bundle_import(
            document=copy.deepcopy(document), organisation_slug="round-trip", today=TODAY
        )
        assert imported.status == CaseStatus.CLOSED
        assert dumps(export_case(imported)) == first
        refund = Entry.objects.get(account__case=imported, category=Category.REFUND)
        assert refund.settlement_reason.startswith("Restitution")
        log = ContactEntry.objects.filter(case=imported).order_by("date")
        assert [(e.applicant.position, e.channel, bool(e.follow_up_done_at)) for e in log] == [
            (1, "visit", True),
            (1, "documents", False),
        ]
        transaction.set_rollback(True)


def test_a_settlement_entry_without_its_reason_is_refused_at_its_line(closed_case):
    document = json.loads(dumps(export_case(closed_case)))
    del document["extensions"]["ledger"]["entries"]
    before = Case.objects.count()
    with pytest.raises(BundleInvalid) as exc:
        bundle_import(document=document, organisation_slug="round-trip", today=TODAY)
    paths = {p.path for p in exc.value.problems}
    assert "$.ledger[1]" in paths, exc.value.problems
    assert Case.objects.count() == before


def test_an_applicant_contact_names_an_applicant_of_the_case(closed_case):
    document = json.loads(dumps(export_case(closed_case)))
    document["extensions"]["applicant_contacts"][1]["applicant"] = 2
    document["extensions"]["applicant_contacts"][0]["date"] = "2030-01-01"
    with pytest.raises(BundleInvalid) as exc:
        bundle_import(document=document, organisation_slug="round-trip", today=TODAY)
    paths = {p.path for p in exc.value.problems}
    assert "$.extensions.applicant_contacts[1].applicant" in paths
    assert "$.extensions.applicant_contacts[0].date" in paths
