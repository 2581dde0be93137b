"""The validate-only entry points of the services (``*_validate``): the same checks as the
write next to them, a ``ValidationError`` keyed by the data's fields, and no write at all.
The bundle importer calls them on its plan before anything exists (``bundles.importer``)."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budget.allowance import Verdict
from budget.services import (
    AllowanceData,
    BudgetData,
    BudgetHistory,
    ChargeData,
    IncomeData,
    allowance_validate,
    budget_version_create,
    budget_version_validate,
    charge_validate,
    income_validate,
)
from cases.services import (
    ApplicantData,
    CaseData,
    applicant_validate,
    case_change_status,
    case_validate,
    status_change_validate,
)
from claims.services import (
    ClaimData,
    ContactData,
    DuplicateContact,
    claim_validate,
    creditor_create,
    creditor_validate,
    representative_validate,
)
from contacts.services import ContactData as LogData
from contacts.services import (
    contact_record,
    contact_validate,
    follow_up_done_validate,
    follow_up_mark_done,
)
from fees.services import RecordedServices, service_record, service_validate
from ledger.services import (
    AccountState,
    EntryData,
    account_open,
    account_validate,
    entry_post,
    entry_validate,
)

WRITES = ("insert", "update", "delete", "create", "drop", "alter")


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@contextmanager
def refused(*fields: str):
    """The block raises a ``ValidationError`` keyed by exactly ``fields``, and writes nothing
    (no write statement sent to the database, no row more or less)."""
    before = row_counts()
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as exc:
        yield exc
    written = [q["sql"] for q in queries if q["sql"].lstrip().lower().startswith(WRITES)]
    assert written == []
    assert set(exc.value.message_dict) == set(fields)
    assert row_counts() == before


# --- cases ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_validate_checks_a_new_case_without_writing(world):
    data = CaseData(
        reference=world.case.reference,  # already used in the organisation
        division="namur",
        admissibility_date=date(2024, 3, 1),
        closure_date=date(2024, 2, 1),
        account_iban="BE00 1234",
    )
    with refused("reference", "closure_date", "account_iban", "__all__") as exc:
        case_validate(data=data, organisation=world.org)
    assert "existe déjà" in exc.value.message_dict["reference"][0]
    # another organisation, or one not created yet: the reference is free
    data.closure_date, data.account_iban = None, ""
    case_validate(data=data, organisation=world.other_org)
    case_validate(data=data)


@pytest.mark.django_db
def test_case_validate_checks_an_edit_and_its_applicants(world):
    data = CaseData(
        reference=world.case.reference, division="namur", admissibility_date=date(2022, 6, 15)
    )
    case_validate(data=data, case=world.case, applicants=[ApplicantData("Dubois", "Marie")])
    with refused("applicants"):
        case_validate(data=data, case=world.case, applicants=[])
    world.case.refresh_from_db()
    assert world.case.reference == data.reference


@pytest.mark.django_db
def test_applicant_validate_keys_each_rule_by_the_applicant_field():
    first = ApplicantData(last_name="Dufour", first_name="Marc", national_number="85073003328")
    applicant_validate(data=first)
    with refused("national_number", "birth_date", "last_name", "email") as exc:
        applicant_validate(
            data=ApplicantData(
                last_name=" ",
                first_name="Julie",
                national_number="85.07.30-033.28",  # the first applicant's
                birth_date=date(1985, 7, 31),
                email="julie@",
            ),
            others=[first],
        )
    assert "même numéro" in exc.value.message_dict["national_number"][0]
    assert "30/07/1985" in exc.value.message_dict["birth_date"][0]
    with refused("national_number"):
        applicant_validate(data=ApplicantData("Dufour", "Marc", national_number="85073003329"))


@pytest.mark.django_db
def test_status_change_validate_reports_every_refusal_of_a_planned_history():
    planned = CaseData(reference="X", division="namur", admissibility_date=date(2022, 6, 15))
    status_change_validate(case=planned, to_status="amicable_plan", decision_date=date(2023, 1, 5))
    with refused("to_status", "decision_date"):  # the write stops at the first
        status_change_validate(case=planned, to_status="closed", decision_date=date(2022, 6, 1))
    with refused("decision_date") as exc:
        status_change_validate(
            case=planned,
            to_status="closed",
            decision_date=date(2023, 1, 4),
            from_status="amicable_plan",
            last_decision_date=date(2023, 1, 5),
        )
    assert "05/01/2023" in exc.value.message_dict["decision_date"][0]


@pytest.mark.django_db
def test_status_change_validate_reads_a_saved_case(world):
    case_change_status(
        case=world.case,
        to_status="amicable_plan",
        decision_date=date(2023, 1, 5),
        by=world.mediator,
        history_replay=True,  # a recorded decision: the case has no plan here
    )
    with refused("decision_date"):
        status_change_validate(case=world.case, to_status="closed", decision_date=date(2023, 1, 4))
    with refused("to_status"):
        status_change_validate(
            case=world.case, to_status="amicable_phase", decision_date=date(2023, 2, 1)
        )
    world.case.refresh_from_db()
    assert world.case.status == "amicable_plan"


# --- claims: the directory and the claims -----------------------------------------------------


@pytest.mark.django_db
def test_creditor_validate_keys_field_errors_and_offers_the_duplicate(world):
    with refused("enterprise_number", "iban", "email") as exc:
        creditor_validate(
            data=ContactData(
                name="Engie", enterprise_number="0403170702", iban="BE00 1234", email="x@"
            )
        )
    assert "BCE" in exc.value.message_dict["enterprise_number"][0]
    with refused("bic"):  # a German bank for a Belgian account
        creditor_validate(data=ContactData(name="Engie", iban="BE48001123456727", bic="DEUTDEFF"))
    engie = creditor_create(
        organisation=world.org, data=ContactData(name="Engie", enterprise_number="0403170701")
    )
    same = ContactData(name="ENGIE Electrabel", enterprise_number="BE 0403.170.701")
    with refused("enterprise_number") as exc:
        creditor_validate(data=same, organisation=world.org)
    assert isinstance(exc.value, DuplicateContact) and exc.value.existing == engie
    creditor_validate(data=same, organisation=world.org, creditor=engie)  # its own number
    creditor_validate(data=same, organisation=world.other_org)
    creditor_validate(data=same)  # no directory consulted


@pytest.mark.django_db
def test_representative_validate_checks_the_role_too():
    representative_validate(data=ContactData(name="Étude Dumont", role="bailiff"))
    with refused("role", "name"):
        representative_validate(data=ContactData(name=" ", role="notary"))


@pytest.mark.django_db
def test_claim_validate_checks_a_claim_of_a_case_not_created_yet():
    planned = CaseData(reference="X", division="namur", admissibility_date=date(2024, 9, 2))
    data = ClaimData(
        creditor=None,  # not in the directory yet: the write checks it
        principal=Decimal("230.10"),
        declared_on=date(2024, 9, 30),
        key="c1-1",
    )
    claim_validate(case=planned, data=data, today=date(2024, 10, 1))
    with refused("declared_on") as exc:
        claim_validate(case=planned, data=data, today=date(2024, 9, 29))
    assert "futur" in exc.value.message_dict["declared_on"][0]
    data.declared_on, data.principal, data.creditor_reference = (
        date(2024, 9, 1),
        Decimal("-1.00"),
        "r" * 101,
    )
    data.paid_off_on, data.key = date(2024, 8, 1), "k" * 65
    with refused("declared_on", "principal", "creditor_reference", "paid_off_on", "key") as exc:
        claim_validate(case=planned, data=data, today=date(2024, 10, 1))
    assert "02/09/2024" in exc.value.message_dict["declared_on"][0]


@pytest.mark.django_db
def test_claim_validate_checks_the_rows_of_a_saved_case(world):
    creditor = creditor_create(organisation=world.other_org, data=ContactData(name="Luminus"))
    data = ClaimData(creditor=creditor, principal=Decimal("10.00"), declared_on=date(2024, 1, 10))
    with refused("creditor"):
        claim_validate(case=world.case, data=data)
    assert not world.case.claims.exists()


# --- fees: billable services -----------------------------------------------------------------


@pytest.mark.django_db
def test_service_validate_keys_each_rule_by_the_service_field(world):
    with refused("date", "km", "amount", "registered_postage", "note"):
        service_validate(
            case=world.case,
            kind="hearing",
            service_date=date(2022, 6, 1),  # before the admissibility (2022-06-15)
            mediator=world.mediator,
            km=Decimal("3.2"),
            amount=Decimal("1.00"),
            registered_postage=Decimal("8.45"),
            note="n" * 256,
        )
    with refused("km"):  # the model's figures: one decimal
        service_validate(
            case=world.case,
            kind="travel",
            service_date=date(2022, 7, 1),
            mediator=world.mediator,
            km=Decimal("12.34"),
        )


@pytest.mark.django_db
def test_service_validate_reads_the_once_only_acts_from_the_database_or_the_plan(world):
    forfait = {"kind": "phone_copies_forfait", "service_date": date(2022, 7, 1)}
    service_validate(case=world.case, mediator=world.mediator, **forfait)
    service_record(case=world.case, mediator=world.mediator, **forfait)
    with refused("kind"):
        service_validate(case=world.case, mediator=world.mediator, **forfait)
    service_validate(case=world.case, mediator=world.colleague, **forfait)  # once per mediator
    planned = CaseData(reference="X", division="namur", admissibility_date=date(2022, 6, 15))
    homologation = {"kind": "homologation_request", "service_date": date(2022, 7, 1)}
    service_validate(case=planned, mediator=None, **homologation)
    with refused("kind") as exc:
        service_validate(
            case=planned,
            mediator=None,
            recorded=RecordedServices(in_case=frozenset({"failure_report"})),
            **homologation,
        )
    assert "2,1°" in exc.value.message_dict["kind"][0]
    assert world.case.services.count() == 1


# --- ledger: the mediation account ----------------------------------------------------------


@pytest.mark.django_db
def test_account_validate_checks_the_iban_and_the_opening(world):
    with refused("iban", "opened_on"):
        account_validate(case=world.case, iban="BE00 1234", opened_on=date(2022, 6, 1))
    account_open(case=world.case, iban="BE62510007547061")
    planned = CaseData(
        reference="X",
        division="namur",
        admissibility_date=date(2024, 1, 1),
        account_iban="BE62 5100 0754 7061",  # the account of world.case
    )
    with refused("iban") as exc:
        account_validate(case=planned, organisation=world.org)
    assert "autre dossier" in exc.value.message_dict["iban"][0]
    account_validate(case=planned, organisation=world.other_org)
    account_validate(case=planned)  # no organisation yet: nothing to compare with
    account_validate(case=world.case)  # its account exists: account_open returns it


def _entry(**fields) -> EntryData:
    values = {
        "value_date": date(2024, 9, 5),
        "direction": "out",
        "amount": Decimal("100.00"),
        "category": "payment_on_behalf",
    }
    return EntryData(**(values | fields))


@pytest.mark.django_db
def test_entry_validate_checks_an_entry_against_a_planned_account():
    account = AccountState(opened_on=date(2024, 9, 1))
    today = date(2024, 9, 30)
    with refused("amount") as exc:  # nothing on the account yet
        entry_validate(data=_entry(), account=account, today=today)
    assert "négatif" in exc.value.message_dict["amount"][0]
    income = _entry(direction="in", amount=Decimal("900.00"), category="income")
    entry_validate(data=income, account=account, today=today)
    account = account.after(income)
    entry_validate(data=_entry(), account=account, today=today)
    reserve = _entry(direction="in", amount=Decimal("850.00"), category="reserve_transfer")
    account = account.after(reserve)
    assert (account.balance, account.reserve) == (Decimal("900.00"), Decimal("850.00"))
    with refused("amount"):  # 50.00 available beside the reserve
        entry_validate(data=_entry(), account=account, today=today)
    with refused("value_date", "counterparty_iban", "authorisation", "communication"):
        entry_validate(
            data=_entry(
                value_date=date(2024, 8, 31),  # before the opening
                category="exceptional_expense",
                counterparty_iban="BE00",
                communication="c" * 141,
            ),
            account=account,
            today=today,
        )
    with refused("amount") as exc:  # no taxation order: no fee payment
        entry_validate(data=_entry(category="fee_payment"), account=account, today=today)
    assert "taxé" in exc.value.message_dict["amount"][0]
    entry_validate(
        data=_entry(category="fee_payment"),
        account=account,
        today=today,
        taxed_unpaid=Decimal("100.00"),
    )


@pytest.mark.django_db
def test_entry_validate_checks_a_dividend_against_the_payee_claims():
    account = AccountState(opened_on=date(2024, 9, 1), balance=Decimal("500.00"))
    today = date(2024, 9, 30)
    dividend = _entry(category="dividend")
    with refused("creditor_id"):
        entry_validate(data=dividend, account=account, today=today)  # no creditor named
    with refused("creditor_id"):
        entry_validate(data=dividend, account=account, today=today, payee_claims=[])
    barred = ClaimData(
        creditor=None,
        principal=Decimal("10.00"),
        declared_on=date(2024, 9, 2),
        time_barred=True,
    )
    with refused("creditor_id") as exc:
        entry_validate(data=dividend, account=account, today=today, payee_claims=[barred])
    assert "forclos" in exc.value.message_dict["creditor_id"][0]
    accepted = ClaimData(creditor=None, principal=Decimal("10.00"), declared_on=date(2024, 9, 2))
    entry_validate(data=dividend, account=account, today=today, payee_claims=[barred, accepted])
    with refused("direction"):
        entry_validate(
            data=_entry(category="dividend", direction="in"),
            account=account,
            today=today,
            payee_claims=[accepted],
        )
    with refused("amount") as exc:  # a reversal's own rules: it may not overdraw either
        entry_validate(
            data=_entry(amount=Decimal("600.00"), category="income"),
            account=account,
            today=today,
            reversal=True,
        )
    assert "extourne" in exc.value.message_dict["amount"][0]


@pytest.mark.django_db
def test_entry_post_applies_the_same_rules_to_the_account_row(world):
    account = account_open(case=world.case)
    post = {"case": world.case, "by": world.mediator, "today": date(2022, 7, 31)}
    income = _entry(
        value_date=date(2022, 7, 1), direction="in", amount=Decimal("300.00"), category="income"
    )
    entry_post(data=income, **post)
    account.refresh_from_db()
    assert AccountState.of(account) == AccountState(opened_on=date(2022, 6, 15)).after(income)
    too_much = _entry(value_date=date(2022, 7, 2), amount=Decimal("300.01"))
    with pytest.raises(ValidationError) as exc:
        entry_validate(data=too_much, account=AccountState.of(account), today=post["today"])
    with pytest.raises(ValidationError) as posted:
        entry_post(data=too_much, **post)
    assert posted.value.message_dict == exc.value.message_dict


# --- contacts: the negotiation log ----------------------------------------------------------


@pytest.mark.django_db
def test_contact_validate_checks_a_contact_of_a_planned_case():
    planned = CaseData(reference="X", division="namur", admissibility_date=date(2024, 9, 2))
    data = LogData(
        creditor=None,  # not in the directory yet: the write checks it
        date=date(2024, 9, 10),
        channel="phone",
        summary="Demande de suspension des frais.",
        outcome="refusal",
        follow_up_on=date(2024, 9, 20),
    )
    contact_validate(case=planned, data=data, today=date(2024, 9, 30))
    with refused("date", "summary", "interlocutor") as exc:
        contact_validate(
            case=planned,
            data=LogData(
                creditor=None,
                date=date(2024, 9, 1),
                channel="phone",
                summary=" ",
                outcome="refusal",
                interlocutor="i" * 201,
            ),
            today=date(2024, 9, 30),
        )
    assert "02/09/2024" in exc.value.message_dict["date"][0]
    with refused("date"):
        contact_validate(case=planned, data=data, today=date(2024, 9, 9))


@pytest.mark.django_db
def test_contact_validate_checks_the_creditor_of_a_saved_case(world):
    data = LogData(
        creditor=creditor_create(organisation=world.other_org, data=ContactData(name="Luminus")),
        date=date(2024, 9, 10),
        channel="phone",
        summary="Appel.",
        outcome="refusal",
    )
    with refused("creditor"):
        contact_validate(case=world.case, data=data)


@pytest.mark.django_db
def test_follow_up_done_validate_needs_a_dated_follow_up_not_done_yet(world):
    creditor = creditor_create(organisation=world.org, data=ContactData(name="Luminus"))
    data = LogData(
        creditor=creditor, date=date(2024, 9, 10), channel="phone", summary="S", outcome="refusal"
    )
    with refused("follow_up_on"):
        follow_up_done_validate(entry=data)
    data.follow_up_on = date(2024, 9, 20)
    follow_up_done_validate(entry=data)
    entry = contact_record(case=world.case, data=data, by=world.mediator)
    follow_up_done_validate(entry=entry)
    follow_up_mark_done(entry=entry, by=world.mediator)
    entry.refresh_from_db()
    with refused("follow_up_on") as exc:
        follow_up_done_validate(entry=entry)
    assert "déjà" in exc.value.message_dict["follow_up_on"][0]


# --- budget: versions and the living allowance ------------------------------------------------


def _version(on: date = date(2025, 3, 1), **fields) -> BudgetData:
    """A single person earning 2.000,00 in 2025: non-seizable 1.671,40, hard floor 1.314,20."""
    values = {
        "date": on,
        "ris_category": "single",
        "incomes": [IncomeData(kind="earned", amount=Decimal("2000.00"), label="Salaire")],
        "charges": [
            ChargeData(kind="rent", amount=Decimal("650.00"), label="Loyer", paid_from_account=True)
        ],
    }
    return BudgetData(**(values | fields))


@pytest.mark.django_db
def test_budget_version_validate_reads_the_history_from_the_case_or_the_plan(world):
    budget_version_validate(case=world.case, data=_version())
    budget_version_create(case=world.case, data=_version(), by=world.mediator)
    with refused("date") as exc:
        budget_version_validate(case=world.case, data=_version(date(2025, 2, 1)))
    assert "version n° 1 du 01/03/2025" in exc.value.message_dict["date"][0]
    assert world.case.budget_versions.count() == 1
    history = BudgetHistory(applicants=2, latest_number=3, latest_date=date(2025, 6, 1))
    with refused("date", "incomes", "adults"):
        budget_version_validate(
            data=_version(
                adults=0,
                incomes=[IncomeData(kind="earned", amount=Decimal("-1.00"), person=1)],
            ),
            history=history,
        )


@pytest.mark.django_db
def test_income_and_charge_validate_key_a_line_by_its_fields():
    with refused("amount", "label"):
        income_validate(
            line=IncomeData(kind="earned", amount=Decimal("-1.00"), label="l" * 121, person=1),
            applicants=1,
        )
    with refused("person") as exc:  # a couple: whose income?
        income_validate(
            line=IncomeData(kind="earned", amount=Decimal("10.00"), label="Salaire"),
            applicants=2,
            number=3,
        )
    assert exc.value.message_dict["person"][0].startswith("Revenu, ligne 3 (Salaire)")
    with refused("person"):
        income_validate(
            line=IncomeData(kind="earned", amount=Decimal("10.00"), person=3), applicants=2
        )
    with refused("amount"):
        charge_validate(line=ChargeData(kind="rent", amount=Decimal("10000000000.00")))


@pytest.mark.django_db
def test_allowance_validate_checks_the_data_of_an_allowance_of_a_planned_version():
    planned = _version()
    allowance_validate(version=planned, data=AllowanceData(amount=Decimal("1700.00")))
    with refused("amount"):
        allowance_validate(version=planned, data=AllowanceData(amount=Decimal("1700.001")))
    with refused("amount") as exc:  # whatever the floors
        allowance_validate(version=planned, data=AllowanceData(amount=Decimal("-1.00")))
    assert exc.value.error_dict["amount"][0].code == Verdict.NEGATIVE
    with refused("second_day_of_month", "agreement_date"):
        allowance_validate(
            version=planned,
            data=AllowanceData(
                amount=Decimal("1700.00"),
                frequency="twice_monthly",
                day_of_month=20,
                second_day_of_month=5,
                agreement_date=date(2025, 3, 11),
            ),
            today=date(2025, 3, 10),
        )


@pytest.mark.django_db
def test_allowance_validate_checks_the_floors_of_a_saved_version(world):
    version = budget_version_create(case=world.case, data=_version(), by=world.mediator)
    allowance_validate(version=version, data=AllowanceData(amount=Decimal("1700.00")))
    with refused("amount") as exc:  # under the hard floor
        allowance_validate(version=version, data=AllowanceData(amount=Decimal("1000.00")))
    assert exc.value.error_dict["amount"][0].code == Verdict.BELOW_HARD_FLOOR
    with refused("amount", "agreement_date", "agreement_file") as exc:
        allowance_validate(version=version, data=AllowanceData(amount=Decimal("1600.00")))
    assert exc.value.error_dict["amount"][0].code == Verdict.NEEDS_AGREEMENT
    assert not version.allowance_decisions.exists()
