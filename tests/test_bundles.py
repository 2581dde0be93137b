"""Case bundles (``rcd-case-bundle/1``) end to end: the example bundles of ``tests/bundles/``
through ``manage.py import_case`` / ``export_case`` (call_command and a real subprocess), the
round trip import → export → import with equal exports, every invalid bundle refused with
each problem named by its JSON path and NOTHING created, and the web upload/download."""

import copy
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from jsonschema import Draft202012Validator, validators

from accounts.models import Organisation, User
from bundles.exporter import dumps, export_case
from bundles.importer import BundleInvalid, bundle_import, load_document
from bundles.models import CaseCreditorKey
from bundles.schema import bundle_schema, schema_problems
from cases.models import Case
from claims.models import Claim, Creditor, Representation
from contacts.models import ContactEntry
from core.roles import Role
from fees.models import Service
from ledger.models import Entry
from ledger.selectors import verify_chain

from .pdf import MINIMAL_PDF

BUNDLES = Path(__file__).parent / "bundles"
VALID = ["namur-case.json", "dinant-case.json", "minimal-case.json"]
TODAY = date(2026, 11, 24)

# Every invalid example and the JSON paths its refusal must name (at least these).
INVALID = {
    "invalid-schema.json": {
        "$.format",
        "$.case.admissibility_date",
        "$.case.division",
        "$.applicants[0].nickname",
        "$.creditors[0].claims[0].principal",
        "$.creditors[1].claims[0].declared_on",
        "$.ledger[1].direction",
    },
    "invalid-overdraw.json": {"$.ledger[5].amount"},
    "invalid-repeated-keys.json": {
        "$.creditors[2].key",
        "$.creditors[2].claims[0].key",
        "$.creditors[2].claims[2].key",
    },
    "invalid-claim-before-admissibility.json": {
        "$.creditors[1].claims[0].declared_on",
        "$.services[0].date",
    },
    "invalid-iban.json": {
        "$.case.account_iban",
        "$.creditors[0].enterprise_number",
        "$.creditors[1].iban",
        "$.ledger[1].counterparty_iban",
    },
    "invalid-dividend-unknown-creditor.json": {
        "$.ledger[2].creditor_key",
        "$.ledger[3].creditor_key",
    },
    "invalid-second-21.json": {"$.services[2].kind", "$.services[4].kind"},
    "invalid-many.json": {
        "$.case.closure_date",
        "$.applicants[0].national_number",
        "$.creditors[0].claims[0].paid_off_on",
        "$.ledger[2].authorisation",
        "$.ledger[3].date",
        "$.ledger[4].amount",
    },
}


def read(name: str) -> dict:
    return load_document((BUNDLES / name).read_bytes())


def row_counts() -> dict[str, int]:
    """Rows of every model of the project (what "nothing created" is checked against)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def run_import(path: Path, organisation: str) -> str:
    out = StringIO()
    call_command("import_case", str(path), "--organisation", organisation, stdout=out)
    return out.getvalue().strip()


def run_export(reference: str, organisation: str | None = None) -> str:
    out = StringIO()
    args = [reference] + (["--organisation", organisation] if organisation else [])
    call_command("export_case", *args, stdout=out)
    return out.getvalue()


def import_document(document: dict, slug: str, **kwargs) -> Case:
    return bundle_import(document=copy.deepcopy(document), organisation_slug=slug, **kwargs)


# --- the schema ---------------------------------------------------------------------------


def test_shipped_schema_is_the_shared_contract():
    shared = Path(settings.BASE_DIR).parent / "shared" / "domain" / "case-bundle.schema.json"
    if not shared.exists():
        pytest.skip("shared/ is not beside the repository")
    assert json.loads(shared.read_text(encoding="utf-8")) == bundle_schema()


def test_schema_is_validated_as_draft_2020_12():
    schema = bundle_schema()
    assert validators.validator_for(schema) is Draft202012Validator
    Draft202012Validator.check_schema(schema)
    assert not Draft202012Validator(schema).is_valid({"format": "rcd-case-bundle/1"})


@pytest.mark.parametrize("name", VALID)
def test_example_bundles_validate_against_the_schema(name):
    assert schema_problems(read(name)) == []


def test_money_and_kilometres_are_read_as_decimals_never_floats():
    document = load_document(b'{"a": 0.1, "b": "0.20", "c": 3}')
    assert document == {"a": Decimal("0.1"), "b": "0.20", "c": 3}
    assert isinstance(document["a"], Decimal)


def test_load_document_refuses_what_is_not_a_json_object():
    for raw, message in ((b"\xff\xfe", "UTF-8"), (b"{", "JSON"), (b"[]", "objet")):
        with pytest.raises(BundleInvalid) as exc:
            load_document(raw)
        assert exc.value.problems[0].path == "$"
        assert message in exc.value.problems[0].message


def test_repeated_json_members_and_nul_characters_are_refused():
    raw = b'{"format": "x", "case": {"reference": "A", "reference": "B"}, "a": ["\\u0000"]}'
    with pytest.raises(BundleInvalid) as exc:
        load_document(raw)
    assert [p.path for p in exc.value.problems] == ["$.case.reference", "$.a[0]"]


# --- import, export, round trip -------------------------------------------------------------


@pytest.mark.django_db
def test_import_namur_case_creates_the_whole_case():
    assert run_import(BUNDLES / "namur-case.json", "cpas-namur") == "NAM-2021-0137"
    case = Case.objects.get(reference="NAM-2021-0137")
    organisation = Organisation.objects.get(slug="cpas-namur")
    assert case.organisation == organisation and organisation.kind == Organisation.Kind.CPAS
    mediator = case.mediator
    assert (mediator.get_full_name(), mediator.role, mediator.profession) == (
        "Sophie Lambert",
        Role.MEDIATOR,
        "cpas",
    )
    assert not mediator.has_usable_password()
    assert case.status == "amicable_plan" and case.homologation_date == date(2022, 2, 10)
    assert case.pricing_method == "anniversary"
    assert case.applicants.count() == 2
    assert Claim.objects.filter(case=case).count() == 8
    assert Claim.objects.filter(case=case, time_barred=True).count() == 1
    assert Claim.objects.filter(case=case, paid_off_on__isnull=False).count() == 1
    assert CaseCreditorKey.objects.filter(case=case).count() == 7
    assert Representation.objects.filter(case=case).count() == 3
    assert case.positions.get().claims.count() == 2
    assert Service.objects.filter(case=case, origin="import").count() == 13
    assert ContactEntry.objects.filter(case=case).count() == 3
    # the ledger went through ledger.services and the database triggers
    bundle = read("namur-case.json")
    account = case.account
    assert account.entry_count == len(bundle["ledger"]) == account.entries.count()
    assert verify_chain(account) == []
    signed = sum(
        Decimal(r["amount"]) * (1 if r["direction"] == "in" else -1)
        for r in bundle["ledger"]
        if r["category"] != "reserve_transfer"
    )
    assert account.balance == signed
    reversal = Entry.objects.get(account=account, reverses__isnull=False)
    assert (reversal.direction, reversal.amount) == ("in", Decimal("602.00"))
    dividends = Entry.objects.filter(account=account, category="dividend")
    assert dividends.exists() and not dividends.filter(creditor__isnull=True).exists()
    expense = Entry.objects.get(account=account, category="exceptional_expense")
    assert expense.authorisation.startswith("Ord. TT Namur")


@pytest.mark.django_db
@pytest.mark.parametrize("name", VALID)
def test_export_validates_against_the_schema_and_is_stable(name):
    reference = run_import(BUNDLES / name, "org-a")
    text = run_export(reference)
    bundle = json.loads(text)
    assert schema_problems(json.loads(text, parse_float=Decimal)) == []
    assert bundle["format"] == "rcd-case-bundle/1"
    assert text == run_export(reference, "org-a")  # byte-identical
    assert text.endswith("}\n") and '  "case": {' in text  # indent 2
    # what the example says is what comes back (the exporter only adds defaults)
    source = read(name)
    assert bundle["case"]["reference"] == source["case"]["reference"]
    assert [c["key"] for c in bundle["creditors"]] == [c["key"] for c in source["creditors"]]
    assert len(bundle.get("ledger", [])) == len(source.get("ledger", []))
    for row, original in zip(bundle.get("ledger", []), source.get("ledger", []), strict=True):
        assert row["amount"] == original["amount"] and row["date"] == original["date"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", VALID)
def test_round_trip_into_another_organisation_gives_equal_exports(name):
    # import → export in organisation A, then that export → import → export in organisation
    # B (the first import is rolled back: the second export must not depend on it).
    with transaction.atomic():
        first = export_case(import_document(read(name), "org-a", today=TODAY))
        transaction.set_rollback(True)
    second = export_case(import_document(json.loads(dumps(first)), "org-b", today=TODAY))
    assert dumps(first) == dumps(second)
    assert first == second


@pytest.mark.django_db
def test_round_trip_in_one_installation_without_account_iban():
    first = dumps(export_case(import_document(read("minimal-case.json"), "org-a")))
    case = import_document(load_document(first), "org-b")
    assert case.organisation.slug == "org-b"
    assert dumps(export_case(case)) == first


@pytest.mark.django_db
def test_an_account_iban_already_in_use_in_the_organisation_is_refused():
    import_document(read("dinant-case.json"), "org-a")
    before = row_counts()
    again = read("dinant-case.json")
    again["case"]["reference"] += "-BIS"
    with pytest.raises(BundleInvalid) as exc:
        import_document(again, "org-a")
    assert {p.path for p in exc.value.problems} == {"$.case.account_iban"}
    assert row_counts() == before


@pytest.mark.django_db
def test_the_same_case_moves_to_another_organisation_with_its_account():
    """A case handed to a mediator of another organisation is imported there with its bundle;
    organisations do not share accounts, so the IBAN of the first does not refuse it."""
    first = import_document(read("dinant-case.json"), "org-a")
    second = import_document(read("dinant-case.json"), "org-b")
    assert second.account.iban == first.account.iban
    assert second.account.entries.count() == first.account.entries.count()


@pytest.mark.django_db
def test_a_bundle_without_extensions_gets_a_legal_status_path_and_its_representative():
    document = read("minimal-case.json")
    document["case"] |= {"status": "closed", "closure_date": "2025-06-30"}
    document["creditors"][0]["representative"] = {"name": "Fiducre SA", "role": "bailiff"}
    document["creditors"][0]["claims"].append(
        {"key": "c1-2", "principal": "12.00", "declared_on": "2024-10-01"}
    )
    case = import_document(document, "org-a")
    assert case.status == "closed" and case.closure_date == date(2025, 6, 30)
    assert case.homologation_date is None  # the bundle has none: not invented
    assert list(case.status_changes.values_list("to_status", flat=True)) == [
        "amicable_phase",
        "amicable_plan",
        "closed",
    ]
    representation = Representation.objects.get(case=case)
    assert set(representation.claims.values_list("key", flat=True)) == {"c1-1", "c1-2"}
    exported = export_case(case)
    assert exported["creditors"][0]["representative"] == {"name": "Fiducre SA", "role": "bailiff"}
    with transaction.atomic():
        again = export_case(import_document(exported, "org-b"))
        transaction.set_rollback(True)
    assert again == exported


@pytest.mark.django_db
def test_unknown_extensions_are_ignored():
    document = read("minimal-case.json")
    document["extensions"] = {"layout": "other-tool/3", "contacts": "not ours", "x": [1]}
    case = import_document(document, "org-a")
    assert case.reference == "MIN-2024-0001"
    assert export_case(case)["extensions"]["layout"] == "rcd-workbench/1"


# --- invalid bundles: every problem named, nothing created ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_bundle_is_refused_by_path_and_creates_nothing(name, world):
    before = row_counts()
    with pytest.raises(CommandError) as exc:
        run_import(BUNDLES / name, "brand-new-org")
    message = str(exc.value)
    for path in INVALID[name]:
        assert f"{path}:" in message, f"{path} not named in:\n{message}"
    assert row_counts() == before
    assert not Organisation.objects.filter(slug="brand-new-org").exists()


@pytest.mark.django_db
def test_every_problem_is_listed_not_only_the_first():
    with pytest.raises(BundleInvalid) as exc:
        import_document(read("invalid-many.json"), "org-a")
    paths = [p.path for p in exc.value.problems]
    assert set(paths) >= INVALID["invalid-many.json"]
    assert len(paths) >= 6


@pytest.mark.django_db
def test_a_duplicate_reference_in_the_organisation_is_refused(world):
    document = read("minimal-case.json")
    document["case"]["reference"] = world.case.reference
    before = row_counts()
    with pytest.raises(BundleInvalid) as exc:
        import_document(document, world.org.slug)
    assert [p.path for p in exc.value.problems] == ["$.case.reference"]
    assert row_counts() == before
    # the same reference in another organisation is fine
    assert import_document(document, "org-b").reference == world.case.reference


@pytest.mark.django_db
def test_meaning_checks_of_the_ledger_and_services():
    document = read("minimal-case.json")
    document["services"] = [
        {"date": "2024-09-10", "kind": "phone_copies_forfait"},
        {"date": "2024-09-11", "kind": "travel"},
        {"date": "2024-09-12", "kind": "letter", "km": 3.25},
        {"date": "2024-09-13", "kind": "hearing", "registered_postage": "8.45"},
        {"date": "2024-09-14", "kind": "homologation_request", "quantity": 2},
        {"date": "2024-09-15", "kind": "admin_cost"},
    ]
    document["ledger"] = [
        {"date": "2024-09-05", "direction": "in", "amount": "900.00", "category": "income"},
        {
            "date": "2024-09-06",
            "direction": "in",
            "amount": "100.00",
            "category": "dividend",
            "creditor_key": "c1",
        },
        {"date": "2024-09-07", "direction": "out", "amount": "100.00", "category": "fee_payment"},
        {
            "date": "2024-09-08",
            "direction": "in",
            "amount": "950.00",
            "category": "reserve_transfer",
        },
        {"date": "2024-09-03", "direction": "out", "amount": "1.00", "category": "other"},
        {"date": "2099-01-01", "direction": "out", "amount": "1.00", "category": "other"},
    ]
    with pytest.raises(BundleInvalid) as exc:
        import_document(document, "org-a")
    assert {p.path for p in exc.value.problems} >= {
        "$.services[1].km",
        "$.services[2].km",
        "$.services[3].registered_postage",
        "$.services[4].quantity",
        "$.services[5].amount",
        "$.ledger[1].direction",
        "$.ledger[2].amount",
        "$.ledger[3].amount",
        "$.ledger[4].date",
        "$.ledger[5].date",
    }


@pytest.mark.django_db
def test_a_reversal_must_mirror_its_original():
    document = read("minimal-case.json")
    document["ledger"] = [
        {"date": "2024-09-05", "direction": "in", "amount": "900.00", "category": "income"},
        {
            "date": "2024-09-06",
            "direction": "out",
            "amount": "100.00",
            "category": "payment_on_behalf",
        },
        {
            "date": "2024-09-07",
            "direction": "in",
            "amount": "90.00",
            "category": "payment_on_behalf",
        },
        {
            "date": "2024-09-08",
            "direction": "in",
            "amount": "100.00",
            "category": "payment_on_behalf",
        },
    ]
    document["extensions"] = {
        "layout": "rcd-workbench/1",
        "ledger": {"entries": [{"index": 2, "reverses": 1}, {"index": 3, "reverses": 1}]},
    }
    with pytest.raises(BundleInvalid) as exc:
        import_document(document, "org-a")
    assert {p.path for p in exc.value.problems} == {
        "$.ledger[2]",
        "$.extensions.ledger.entries[1].reverses",
    }


@pytest.mark.django_db
def test_a_mediator_of_the_organisation_with_another_profession_is_refused(world):
    document = read("minimal-case.json")
    document["mediator"]["name"] = world.mediator.get_full_name()
    document["mediator"]["profession"] = "notary"
    with pytest.raises(BundleInvalid) as exc:
        import_document(document, world.org.slug)
    assert [p.path for p in exc.value.problems] == ["$.mediator.profession"]
    document["mediator"]["profession"] = world.mediator.profession
    case = import_document(document, world.org.slug)
    assert case.mediator == world.mediator  # found by name, not created


# --- household budget and living allowance (extensions.budget) ------------------------------


def budget_of(document: dict) -> list[dict]:
    return document["extensions"]["budget"]["versions"]


def assert_refused_at(document: dict, paths: set[str]) -> list:
    before = row_counts()
    with pytest.raises(BundleInvalid) as exc:
        import_document(document, "org-a", today=TODAY)
    assert {p.path for p in exc.value.problems} == paths
    assert row_counts() == before  # nothing half-saved: no case, no budget, no organisation
    return exc.value.problems


@pytest.mark.django_db
def test_budget_versions_and_allowances_go_through_the_budget_services():
    from budget.models import AllowanceDecision, BudgetVersion

    case = import_document(read("namur-case.json"), "cpas-namur", today=TODAY)
    versions = list(BudgetVersion.objects.filter(case=case).order_by("number"))
    assert [(v.number, v.date, v.ris_category) for v in versions] == [
        (1, date(2024, 6, 1), "family"),
        (2, date(2025, 3, 1), "family"),
    ]
    assert versions[0].created_by == case.mediator
    assert [(i.kind, i.person, i.amount) for i in versions[0].incomes.order_by("position")] == [
        ("earned", 1, Decimal("1920.00")),
        ("replacement", 2, Decimal("1185.40")),
        ("family_allowances", None, Decimal("412.86")),
    ]
    assert versions[1].charges.filter(paid_from_account=True).get().amount == Decimal("735.00")
    decisions = list(AllowanceDecision.objects.filter(version=versions[1]).order_by("id"))
    assert [(d.amount, d.paid_to_applicant, d.frequency) for d in decisions] == [
        (Decimal("3520.00"), Decimal("2785.00"), "monthly"),
        (Decimal("3500.00"), Decimal("2765.00"), "twice_monthly"),
    ]
    latest = decisions[-1]
    # the floors were computed by the service from the legal rows of the version's date
    assert latest.scale_row_id == "art1409@2025-01-01" and latest.ris_row_id.endswith("2025-02-01")
    assert latest.amount >= latest.non_seizable > latest.hard_floor
    assert (latest.day_of_month, latest.second_day_of_month) == (5, 20)
    assert not latest.agreement_date and not latest.agreement_file
    # what the bundle says is what the export says (defaults included in the example)
    assert (
        export_case(case)["extensions"]["budget"] == read("namur-case.json")["extensions"]["budget"]
    )


@pytest.mark.django_db
def test_a_case_without_budget_exports_no_budget_section():
    case = import_document(read("minimal-case.json"), "org-a")
    assert "budget" not in export_case(case)["extensions"]


@pytest.mark.django_db
def test_a_negative_budget_line_is_refused_at_its_path_and_nothing_is_saved():
    document = read("namur-case.json")
    budget_of(document)[0]["incomes"][1]["amount"] = "-10.00"
    budget_of(document)[1]["charges"][2]["amount"] = "-0.01"
    assert_refused_at(
        document,
        {
            "$.extensions.budget.versions[0].incomes[1].amount",
            "$.extensions.budget.versions[1].charges[2].amount",
        },
    )


@pytest.mark.django_db
def test_meaning_checks_of_the_budget():
    document = read("namur-case.json")
    first, second = budget_of(document)
    first["number"] = 2
    second["date"] = "2024-05-31"  # before the previous version
    del first["incomes"][0]["person"]  # earned income of a couple: whose?
    first["allowances"][0]["paid_to_applicant"] = "3400.00"  # the rent is paid by the mediator
    second["allowances"][0]["second_day_of_month"] = 20  # monthly
    second["allowances"][1]["agreement_date"] = "2026-12-01"  # after the import date
    second["charges"][0]["amount"] = "10000000000.00"  # over core.money.MAX_AMOUNT
    assert_refused_at(
        document,
        {
            "$.extensions.budget.versions[0].number",
            "$.extensions.budget.versions[1].date",
            "$.extensions.budget.versions[0].incomes[0].person",
            "$.extensions.budget.versions[0].allowances[0].paid_to_applicant",
            "$.extensions.budget.versions[1].allowances[0].second_day_of_month",
            "$.extensions.budget.versions[1].allowances[1].agreement_date",
            "$.extensions.budget.versions[1].charges[0].amount",
        },
    )


@pytest.mark.django_db
def test_the_budget_layout_is_validated_by_the_extensions_schema():
    document = read("namur-case.json")
    budget_of(document)[0]["incomes"][0]["kind"] = "lottery"
    budget_of(document)[0]["allowances"][0]["nickname"] = "x"
    budget_of(document)[1]["adults"] = 0
    assert_refused_at(
        document,
        {
            "$.extensions.budget.versions[0].incomes[0].kind",
            "$.extensions.budget.versions[0].allowances[0].nickname",
            "$.extensions.budget.versions[1].adults",
        },
    )


@pytest.mark.django_db
def test_an_allowance_under_the_hard_floor_is_refused_at_its_path():
    document = read("namur-case.json")
    allowance = budget_of(document)[0]["allowances"][0]
    allowance["amount"] = "2000.00"  # RIS « family » 1 741,29 + family allowances 412,86
    del allowance["paid_to_applicant"]
    problems = assert_refused_at(document, {"$.extensions.budget.versions[0].allowances[0].amount"})
    assert "plancher absolu" in problems[0].message


@pytest.mark.django_db
def test_a_budget_dated_where_no_legal_row_is_in_force_cannot_carry_an_allowance():
    document = read("namur-case.json")
    budget_of(document)[0]["date"] = "2023-08-01"  # no integration income row (07–10/2023 gap)
    problems = assert_refused_at(document, {"$.extensions.budget.versions[0].allowances[0].amount"})
    assert "revenu d'intégration" in problems[0].message


@pytest.mark.django_db
def test_an_allowance_under_the_non_seizable_amount_is_refused_without_its_signed_agreement():
    """The signed agreement is a document, not carried by the bundle: an allowance that needs it
    is refused (never recorded without it), with the way forward; the rest of the case can be
    imported once it is removed, and the mediator decides it again with the signed document."""
    document = read("namur-case.json")
    allowance = budget_of(document)[0]["allowances"][0]
    allowance |= {"amount": "3000.00", "paid_to_applicant": "2280.00"}  # < 3 378,16
    problems = assert_refused_at(document, {"$.extensions.budget.versions[0].allowances[0].amount"})
    assert "quotité insaisissable" in problems[0].message
    assert "accord signé" in problems[0].message
    allowance["agreement_date"] = "2024-05-28"
    problems = assert_refused_at(
        document, {"$.extensions.budget.versions[0].allowances[0].agreement_date"}
    )
    assert "28/05/2024" in problems[0].message
    assert "n'est pas transporté" in problems[0].message
    del budget_of(document)[0]["allowances"]
    case = import_document(document, "org-a", today=TODAY)
    assert case.budget_versions.count() == 2


@pytest.mark.django_db
def test_an_agreed_allowance_exports_its_date_and_is_refused_on_import_elsewhere():
    from budget.models import BudgetVersion
    from budget.services import AllowanceData, allowance_decide

    case = import_document(read("namur-case.json"), "org-a", today=TODAY)
    version = BudgetVersion.objects.get(case=case, number=2)
    allowance_decide(
        version=version,
        data=AllowanceData(amount=Decimal("3300.00"), agreement_date=date(2026, 11, 2)),
        by=case.mediator,
        agreement=SimpleUploadedFile("accord.pdf", MINIMAL_PDF),
        today=TODAY,
    )
    exported = export_case(case)
    assert budget_of(exported)[1]["allowances"][-1] == {
        "amount": "3300.00",
        "paid_to_applicant": "2565.00",
        "frequency": "monthly",
        "day_of_month": 1,
        "agreement_date": "2026-11-02",
    }
    before = row_counts()
    with pytest.raises(BundleInvalid) as exc:
        import_document(exported, "org-b", today=TODAY)
    assert [p.path for p in exc.value.problems] == [
        "$.extensions.budget.versions[1].allowances[2].agreement_date"
    ]
    assert row_counts() == before


# --- the commands --------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_case_refuses_unknown_and_ambiguous_references():
    with pytest.raises(CommandError, match="Aucun dossier"):
        run_export("NOPE-1")
    import_document(read("minimal-case.json"), "org-a")
    import_document(read("minimal-case.json"), "org-b")
    with pytest.raises(CommandError, match="plusieurs organisations.*--organisation"):
        run_export("MIN-2024-0001")
    with pytest.raises(CommandError, match="Organisation inconnue"):
        run_export("MIN-2024-0001", "org-z")
    assert json.loads(run_export("MIN-2024-0001", "org-b"))["case"]["reference"] == (
        "MIN-2024-0001"
    )


@pytest.mark.django_db
def test_import_case_names_a_missing_file():
    with pytest.raises(CommandError, match="missing.json"):
        call_command("import_case", "missing.json")


def test_commands_in_a_subprocess(tmp_path):
    """The real command line: exit codes, standard output and error, UTF-8 JSON."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONIOENCODING": "ascii",  # the export is UTF-8 whatever the locale says
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

    def run(*args):
        return subprocess.run(
            manage + list(args), env=env, capture_output=True, timeout=300, check=False
        )

    assert run("migrate", "-v", "0").returncode == 0
    done = run("import_case", str(BUNDLES / "namur-case.json"), "--organisation", "cpas-namur")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "NAM-2021-0137"
    exported = run("export_case", "NAM-2021-0137", "--organisation", "cpas-namur")
    assert exported.returncode == 0, exported.stderr.decode()
    text = exported.stdout.decode("utf-8")
    assert "Étude Dumont & Fils" in text and "\\u00c9" not in text
    assert schema_problems(json.loads(text, parse_float=Decimal)) == []
    refused = run("import_case", str(BUNDLES / "invalid-overdraw.json"), "--organisation", "x")
    assert refused.returncode != 0
    assert "$.ledger[5].amount" in refused.stderr.decode("utf-8", "replace")
    missing = run("export_case", "NOPE")
    assert missing.returncode != 0 and b"NOPE" in missing.stderr


# --- the web -------------------------------------------------------------------------------


def upload(client, document: dict | bytes):
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(
        reverse("bundles:case_import"),
        {"file": SimpleUploadedFile("dossier.json", raw, content_type="application/json")},
    )


@pytest.mark.django_db
def test_web_import_designates_the_uploader_when_the_bundle_mediator_is_unknown(client, world):
    client.force_login(world.colleague)
    users = User.objects.count()
    response = upload(client, read("dinant-case.json"))
    case = Case.objects.get(reference="DIN-2022-0021")
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:detail", args=[case.pk]
    )
    assert case.organisation == world.org
    assert case.mediator == world.colleague  # never a user created from the web
    assert User.objects.count() == users
    assert case.created_by == world.colleague


@pytest.mark.django_db
def test_web_import_designates_the_named_mediator_of_the_organisation(client, world):
    document = read("minimal-case.json")
    document["mediator"] = {
        "name": world.mediator.get_full_name(),
        "profession": world.mediator.profession,
    }
    client.force_login(world.administrator)
    assert upload(client, document).status_code == 302
    assert Case.objects.get(reference="MIN-2024-0001").mediator == world.mediator


@pytest.mark.django_db
def test_web_import_lists_every_problem_and_saves_nothing(client, world):
    client.force_login(world.mediator)
    before = row_counts()
    response = upload(client, read("invalid-repeated-keys.json"))
    assert response.status_code == 200
    page = response.content.decode()
    for path in INVALID["invalid-repeated-keys.json"]:
        assert f"<code>{path}</code>" in page
    assert row_counts() == before
    response = upload(client, b"not json")
    assert "JSON illisible" in response.content.decode()
    assert row_counts() == before


@pytest.mark.django_db
def test_web_export_downloads_the_same_bundle_as_the_command(client, world):
    case = import_document(read("namur-case.json"), world.org.slug)
    client.force_login(case.mediator)
    response = client.get(reverse("bundles:case_export", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="dossier-NAM-2021-0137.json"' in response["Content-Disposition"]
    assert response.content.decode("utf-8") == run_export(case.reference, world.org.slug)


@pytest.mark.django_db
def test_export_of_a_case_made_in_the_app_has_generated_keys(world):
    from claims.services import ClaimData, ContactData, claim_create, creditor_create

    creditor = creditor_create(organisation=world.org, data=ContactData(name="Luminus SA"))
    for amount in ("10.00", "20.00"):
        claim_create(
            case=world.case,
            data=ClaimData(
                creditor=creditor, principal=Decimal(amount), declared_on=date(2024, 1, 10)
            ),
        )
    bundle = export_case(world.case)
    assert schema_problems(bundle) == []
    assert bundle["creditors"][0]["key"] == "luminus-sa"
    assert [c["key"] for c in bundle["creditors"][0]["claims"]] == ["luminus-sa-1", "luminus-sa-2"]
    assert "pricing_method" not in bundle["case"]  # the division's default is not an override
    assert Creditor.objects.filter(organisation=world.org).count() == 1


@pytest.mark.django_db
def test_button_includes_follow_the_page_permissions(world):
    from django.template.loader import render_to_string

    shown = render_to_string(
        "bundles/_case_export_button.html", {"case": world.case, "can_edit": True}
    )
    assert reverse("bundles:case_export", args=[world.case.pk]) in shown
    assert "Exporter (JSON)" in shown
    assert not render_to_string(
        "bundles/_case_export_button.html", {"case": world.case, "can_edit": False}
    ).strip()
    assert reverse("bundles:case_import") in render_to_string(
        "bundles/_import_button.html", {"can_create": True}
    )
    assert not render_to_string("bundles/_import_button.html", {"can_create": False}).strip()
