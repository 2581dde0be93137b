"""The importer maps each refusal of the owners' services (their validate-only entry points) to
the JSON path of the bundle member it came from; the rules themselves live in the services."""

import copy
from datetime import date

import pytest
from django.apps import apps

from bundles.importer import BundleInvalid, bundle_import
from tests.test_bundles import read

TODAY = date(2026, 11, 24)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def refused(document: dict, slug: str = "org-a") -> dict[str, list[str]]:
    """The problems of a refused bundle by path; nothing may have been written."""
    before = row_counts()
    with pytest.raises(BundleInvalid) as exc:
        bundle_import(document=copy.deepcopy(document), organisation_slug=slug, today=TODAY)
    assert row_counts() == before
    problems: dict[str, list[str]] = {}
    for problem in exc.value.problems:
        problems.setdefault(problem.path, []).append(problem.message)
    return problems


@pytest.mark.django_db
def test_a_service_extension_naming_no_service_is_refused_at_its_index():
    document = read("minimal-case.json")
    document["services"] = [{"date": "2024-09-10", "kind": "letter"}]
    document["extensions"] = {
        "layout": "rcd-workbench/1",
        "services": [{"index": 4, "mediator": {"name": "Anne Autre", "profession": "lawyer"}}],
    }
    problems = refused(document)
    assert list(problems) == ["$.extensions.services[0].index"]
    assert "n° 4" in problems["$.extensions.services[0].index"][0]


def minimal(**extensions) -> dict:
    document = read("minimal-case.json")
    if extensions:
        document["extensions"] = {"layout": "rcd-workbench/1", **extensions}
    return document


def namur() -> dict:
    return read("namur-case.json")


def _with(document: dict, change) -> dict:
    change(document)
    return document


LINE = {"date": "2024-09-05", "direction": "in", "amount": "900.00", "category": "income"}

# a bad value of each kind of member → the JSON path of that member, and a piece of the
# owning service's message (not a message of the importer's own)
CASES = {
    "case chronology (cases.services.case_validate)": (
        _with(minimal(), lambda d: d["case"].update(closure_date="2024-09-01")),
        "$.case.closure_date",
        "La clôture ne peut précéder l'admissibilité.",
    ),
    "homologation in the extensions (case_validate)": (
        minimal(case={"homologation_date": "2024-08-01"}),
        "$.extensions.case.homologation_date",
        "L'homologation ne peut précéder l'admissibilité.",
    ),
    "applicant (cases.services.applicant_validate)": (
        _with(namur(), lambda d: d["applicants"][0].update(birth_date="1985-07-31")),
        "$.applicants[0].birth_date",
        "La date de naissance de Dufour ne correspond pas",
    ),
    "applicant's e-mail in the extensions (applicant_validate)": (
        minimal(applicants=[{"email": "lea@"}]),
        "$.extensions.applicants[0].email",
        "adresse de courriel valide",
    ),
    "status history (cases.services.status_change_validate)": (
        _with(
            namur(),
            lambda d: (
                d["extensions"]["status_history"][0].update(to="closed"),
                d["case"].update(status="closed"),
            ),
        ),
        "$.extensions.status_history[0].to",
        "Statuts possibles",
    ),
    "creditor's directory details (claims.services.creditor_validate)": (
        _with(
            minimal(creditors={"c1": {"bic": "DEUTDEFF"}}),
            lambda d: d["creditors"][0].update(iban="BE48001123456727"),
        ),
        "$.extensions.creditors.c1.bic",
        "ne correspond pas à l'IBAN",
    ),
    "representative (claims.services.representative_validate)": (
        _with(
            namur(),
            lambda d: d["extensions"]["creditors"]["cofidis"]["representations"][0].update(
                enterprise_number="0400378486"
            ),
        ),
        "$.extensions.creditors.cofidis.representations[0].enterprise_number",
        "n'est pas un numéro d'entreprise (BCE) valide",
    ),
    "claim (claims.services.claim_validate)": (
        _with(minimal(), lambda d: d["creditors"][0]["claims"][0].update(declared_on="2026-12-01")),
        "$.creditors[0].claims[0].declared_on",
        "La date de la déclaration ne peut être dans le futur.",
    ),
    "service (fees.services.service_validate)": (
        _with(minimal(), lambda d: d.update(services=[{"date": "2024-09-10", "kind": "travel"}])),
        "$.services[0].km",
        "Indiquez les kilomètres parcourus",
    ),
    "account (ledger.services.account_validate)": (
        _with(minimal(ledger={"opened_on": "2024-09-01"}), lambda d: d.update(ledger=[LINE])),
        "$.extensions.ledger.opened_on",
        "Le compte de médiation ne peut être ouvert avant",
    ),
    "ledger line (ledger.services.entry_validate)": (
        _with(minimal(), lambda d: d.update(ledger=[LINE | {"direction": "out"}])),
        "$.ledger[0].amount",
        "Ce paiement mettrait le compte en négatif",
    ),
    "ledger line's text (entry_validate: the column's length)": (
        _with(minimal(), lambda d: d.update(ledger=[LINE | {"counterparty": "c" * 201}])),
        "$.ledger[0].counterparty",
        "au plus 200 caractères",
    ),
    "contact (contacts.services.contact_validate)": (
        _with(namur(), lambda d: d["extensions"]["contacts"][1].update(date="2021-03-01")),
        "$.extensions.contacts[1].date",
        "qui désigne le médiateur",
    ),
    "budget line (budget.services.income_validate)": (
        _with(
            namur(),
            lambda d: d["extensions"]["budget"]["versions"][0]["incomes"][1].update(
                amount="-10.00"
            ),
        ),
        "$.extensions.budget.versions[0].incomes[1].amount",
        "Revenu, ligne 2 (Indemnités de mutuelle) : un montant du budget ne peut être négatif",
    ),
    "budget version (budget.services.budget_version_validate)": (
        _with(
            namur(),
            lambda d: d["extensions"]["budget"]["versions"][1].update(date="2024-05-31"),
        ),
        "$.extensions.budget.versions[1].date",
        "la version n° 1 du 01/06/2024",
    ),
    "allowance (budget.services.allowance_validate)": (
        _with(
            namur(),
            lambda d: d["extensions"]["budget"]["versions"][1]["allowances"][1].pop(
                "second_day_of_month"
            ),
        ),
        "$.extensions.budget.versions[1].allowances[1].second_day_of_month",
        "Indiquez le jour du second versement du mois.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_value_is_reported_with_the_service_message_at_its_path(name):
    document, path, message = CASES[name]
    problems = refused(document)
    assert list(problems) == [path]
    assert message in problems[path][0]


@pytest.mark.django_db
def test_a_value_the_importer_cannot_read_is_not_reported_again_by_the_service():
    document = read("minimal-case.json")
    document["creditors"][0]["claims"][0]["declared_on"] = "2024-02-30"
    document["ledger"] = [LINE | {"category": "dividend", "creditor_key": "nope"}]
    problems = refused(document)
    assert problems == {
        "$.creditors[0].claims[0].declared_on": ["« 2024-02-30 » n'est pas une date qui existe."],
        "$.ledger[0].direction": ["Un dividende est un paiement sortant."],
        "$.ledger[0].creditor_key": ["Aucun créancier du dossier n'a la clé « nope »."],
    }


@pytest.mark.django_db
def test_a_model_constraint_restating_a_field_rule_is_not_repeated_at_the_object():
    document = read("minimal-case.json")
    document["case"]["petition_date"] = "2024-09-10"  # after the admissibility (2024-09-02)
    problems = refused(document)
    assert list(problems) == ["$.case.admissibility_date"]  # not "$.case" as well
    assert problems["$.case.admissibility_date"] == [
        "L'ordonnance d'admissibilité ne peut précéder la requête (10/09/2024)."
    ]
