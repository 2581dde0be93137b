"""The navigation's search box (search app, issue #16): everything a mediator types from a
letter or a phone call, grouped by kind, and never another organisation's data."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from banking.services import case_communication
from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    creditor_create,
    representation_add,
    representative_create,
)
from ledger.services import EntryData, account_open, entry_post
from search.selectors import search_everything

from .factories import make_case

pytestmark = pytest.mark.django_db


def keys(results):
    return {group.key: [hit.title for hit in group.hits] for group in results.groups}


@pytest.fixture
def data(world):
    case = world.case
    case.role_number = "22/2610/B"
    case.save(update_fields=["role_number"])
    creditor = creditor_create(
        organisation=world.org,
        data=ContactData(name="Banque Solide SA", iban="BE71 0961 2345 6769"),
    )
    bailiff = representative_create(
        organisation=world.org, data=ContactData(name="Étude Huissier Lenoir", role="bailiff")
    )
    representation_add(
        case=case, creditor=creditor, representative=bailiff, file_reference="HL/2023/7781"
    )
    claim_create(
        case=case,
        data=ClaimData(
            creditor=creditor,
            principal=Decimal("1200.00"),
            declared_on=date(2022, 7, 1),
            creditor_reference="CONTRAT-55-X",
        ),
    )
    account_open(case=case, iban="BE41 0630 1234 5610", opened_on=date(2022, 6, 15))
    entry_post(
        case=case,
        data=EntryData(
            value_date=date(2022, 7, 1),
            direction="in",
            amount=Decimal("950.00"),
            category="income",
            counterparty="Employeur SPRL",
            counterparty_iban="BE43 0689 9999 9501",
        ),
        by=world.mediator,
        today=date(2022, 7, 2),
    )
    communication = case_communication(case=case)
    # The other organisation has a case with the same applicant's name and the same bailiff
    # reference: it is never found.
    other = world.other_case
    other.role_number = "22/2610/B"
    other.save(update_fields=["role_number"])
    return world, communication


def test_a_case_by_reference_role_number_or_applicant(data):
    world, _ = data
    for query in ("NAM-2022", "22/2610/B", "22-2610-B", "dubois", "Marie Dubois"):
        results = search_everything(user=world.mediator, query=query)
        assert keys(results).get("cases") == ["NAM-2022-0042"], query


def test_creditors_bailiffs_and_their_file_references(data):
    world, _ = data
    assert keys(search_everything(user=world.mediator, query="solide"))["creditors"] == [
        "Banque Solide SA"
    ]
    assert keys(search_everything(user=world.mediator, query="lenoir"))["representatives"] == [
        "Étude Huissier Lenoir"
    ]
    found = search_everything(user=world.mediator, query="HL/2023/7781")
    assert keys(found)["file_references"] == ["NAM-2022-0042"]
    assert "HL/2023/7781" in found.groups[0].hits[0].detail
    found = search_everything(user=world.mediator, query="contrat-55")
    assert keys(found)["file_references"] == ["NAM-2022-0042"]


def test_an_iban_of_the_account_of_the_journal_or_of_a_creditor(data):
    world, _ = data
    assert keys(search_everything(user=world.mediator, query="BE41 0630 1234 5610"))["ibans"] == [
        "NAM-2022-0042"
    ]
    journal = search_everything(user=world.mediator, query="be43068999999501")
    assert keys(journal)["ibans"] == ["NAM-2022-0042"]
    assert "journal" in journal.groups[0].hits[0].detail
    assert keys(search_everything(user=world.mediator, query="BE71096123456769"))["creditors"] == [
        "Banque Solide SA"
    ]


def test_a_structured_communication(data):
    world, communication = data
    found = search_everything(user=world.mediator, query=communication.display)
    assert keys(found)["communications"] == ["NAM-2022-0042"]


def test_nothing_of_another_organisation(data):
    world, communication = data
    for query in (
        "22/2610/B",
        "dubois",
        "solide",
        "HL/2023",
        "BE41 0630 1234 5610",
        communication.display,
    ):
        found = search_everything(user=world.other_mediator, query=query)
        titles = [hit.title for group in found.groups for hit in group.hits]
        assert "NAM-2022-0042" not in titles and "Banque Solide SA" not in titles, query
    assert keys(search_everything(user=world.other_mediator, query="22/2610/B"))["cases"] == [
        "LIE-2021-0001"
    ]


def test_short_or_empty_queries_find_nothing(data):
    world, _ = data
    assert search_everything(user=world.mediator, query=" a ").groups == []
    assert search_everything(user=world.mediator, query="").too_short


def test_groups_are_bounded(world):
    for i in range(12):
        make_case(organisation=world.org, mediator=world.mediator, reference=f"BULK-{i:02d}")
    found = search_everything(user=world.mediator, query="BULK", limit=5)
    assert len(found.groups[0].hits) == 5 and found.groups[0].more


def test_pages(client, data):
    world, _ = data
    client.force_login(world.mediator)
    page = client.get(reverse("search:results"), {"q": "dubois"})
    assert page.status_code == 200
    assert "NAM-2022-0042" in page.content.decode()
    assert reverse("cases:detail", args=[world.case.pk]) in page.content.decode()
    drop = client.get(reverse("search:suggestions"), {"q": "<script>alert(1)</script>"})
    assert drop.status_code == 200
    assert "<script>alert" not in drop.content.decode()
    assert "&lt;script&gt;" in drop.content.decode()
    nav = client.get(reverse("cases:list"))
    assert 'id="nav-search-q"' in nav.content.decode()


def test_clerks_have_no_search(client, world):
    client.force_login(world.clerk)
    assert client.get(reverse("search:results"), {"q": "dubois"}).status_code == 403
    assert client.get(reverse("search:suggestions"), {"q": "dubois"}).status_code == 403
