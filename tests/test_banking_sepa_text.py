"""pain.001 out (issue 14): no transfer to a country outside SEPA, only the SEPA character
set in the file (transliterated), and a communication that would vanish is refused."""

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from banking.models import Payment
from banking.sepa import SEPA_CHARACTER, Transfer, sepa_text, write_pain001

from .test_banking_support import approve, living_allowance, open_account, prepare

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
BRAZIL = "BR1800360305000010009795493C1"  # a valid IBAN, outside SEPA


@pytest.fixture
def account(world):
    return open_account(world.case, balance="2000.00", by=world.mediator)


def refused(world, **fields) -> dict:
    with pytest.raises(ValidationError) as exc:
        prepare(world, living_allowance(**fields))
    assert not Payment.objects.exists()
    return exc.value.message_dict


def test_a_brazilian_iban_is_refused(world, account):
    errors = refused(world, beneficiary_iban=BRAZIL)
    assert errors["beneficiary_iban"] == [
        "IBAN BR : ce pays est hors de la zone SEPA, un virement SEPA ne peut y être envoyé."
    ]


def test_the_file_writer_refuses_it_too():
    with pytest.raises(ValidationError, match="hors de la zone SEPA"):
        write_pain001(
            debtor_name="X",
            debtor_iban="BE71096123456769",
            debtor_bic="GKCCBEBB",
            execution_date=date(2026, 3, 4),
            transfers=[Transfer(name="Y", iban=BRAZIL, amount=Decimal("1.00"), end_to_end_id="E")],
        )


@pytest.mark.parametrize("iban", ["CH9300762011623852957", "GB29NWBK60161331926819"])
def test_sepa_countries_outside_the_eu_are_accepted(world, account, iban):
    prepare(world, living_allowance(beneficiary_iban=iban))
    assert Payment.objects.get().beneficiary_iban == iban


def test_an_emoji_only_communication_is_refused_not_dropped(world, account):
    errors = refused(world, communication="🎉🎂")
    assert "aucun caractère admis dans un virement SEPA" in errors["communication"][0]


def test_a_name_of_symbols_only_is_refused(world, account):
    errors = refused(world, beneficiary_name="@@@ ###")
    assert "aucun caractère admis" in errors["beneficiary_name"][0]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Pécule « mars » & avril", "Pecule ' mars ' + avril"),
        ('<b>Loyer</b> #12 _a @b; "c"', "b Loyer /b 12 a b 'c'"),
        ("Łódź Straße œuvre", "Lodz Strasse oeuvre"),
        ("🎉", ""),
    ],
)
def test_sepa_text_transliterates(text, expected):
    assert sepa_text(text) == expected


def test_the_file_holds_only_the_sepa_character_set(world, account):
    prepare(
        world,
        living_allowance(
            beneficiary_name="DUBOIS Marie & «Jean» <fils>",
            communication='Pécule #3 "mars" @ 2026; _ok 😀',
        ),
    )
    batch = approve(world)
    root = ET.fromstring(batch.pain_xml.encode("utf-8"))
    tx = root.find(".//p:CdtTrfTxInf", NS)
    name = tx.find("p:Cdtr/p:Nm", NS).text
    text = tx.find("p:RmtInf/p:Ustrd", NS).text
    assert name == "DUBOIS Marie + 'Jean' fils"
    assert text == "Pecule 3 'mars' 2026 ok"
    for value in (name, text, root.find(".//p:Dbtr/p:Nm", NS).text):
        assert all(SEPA_CHARACTER.fullmatch(c) for c in value), value
