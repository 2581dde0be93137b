"""Worked examples from the DATABASE to the ``rcd-taxation/1`` JSON: the facts of a case are
recorded with the application's own models and services (claims, journal, services), read by
``fees.facts.case_facts`` and priced by the engine. Every expected figure is derived by hand from
fees.md, the arithmetic written above it.

Tariff rows (fees.md §2), EUR:
    2.1 base/extra  589.95/39.34 (2022)   651.01/43.41 (2023)
    2.2             9.82 (2022)           10.83 (2023)
    2.3 base/extra  215.59/14.37 (2018)   235.96/15.73 (2022)   260.39/17.36 (2023)
    3               89.81 (2018)          98.30 (2022)          108.47 (2023)
    4.1             13.77 (2022)          15.19 (2023)
    4.4             0.28 per km (2023)
    JustRestart     75.00 from 2.11.2023; VAT 21 %
"""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Profession
from fees.engine import CaseFacts, PaymentCategory, PricingMethod, compute_statement
from fees.facts import case_facts, compute_case_statement
from fees.selectors import tariff_table
from fees.tests.db import creditors_with_claims, income, open_account, post, reverse, service
from ledger.models import Category
from tests.factories import OrganisationFactory, UserFactory, make_case

D = Decimal
pytestmark = pytest.mark.django_db


def subtotals(statement) -> dict[str, str]:
    return statement.to_json()["subtotals"]


def amounts(statement, article: str) -> list[str]:
    return [line["amount"] for line in statement.to_json()["lines"] if line["article"] == article]


@pytest.fixture
def namur_case(world):
    """world.case: Namur (by_year_prorata by default), admissibility 15/06/2022, CPAS mediator
    (no VAT). 7 creditors declared, the first time-barred: 7 count for 2,1°, 6 for 2,3°."""
    case = world.case
    creditors = creditors_with_claims(case, 7, declared_on=date(2022, 7, 1), time_barred=1)
    open_account(case)
    income(case, date(2022, 7, 1), "5000.00")
    # Living allowance by standing order: one 2,2° per follow-up year, at the first of them.
    for on in (date(2022, 7, 5), date(2022, 8, 5), date(2023, 2, 5)):
        post(case, on, Category.LIVING_ALLOWANCE, "900.00", standing_order=True)
    post(case, date(2022, 12, 30), Category.PAYMENT_ON_BEHALF, "420.00")  # 2022 row
    post(case, date(2023, 1, 2), Category.PAYMENT_ON_BEHALF, "95.00")  # 2023 row
    post(case, date(2023, 4, 1), Category.DIVIDEND, "37.50", creditor=creditors[3])
    mistake = post(case, date(2023, 2, 10), Category.PAYMENT_ON_BEHALF, "60.00")
    reverse(mistake)  # a reversed payment and its reversal are not prestations
    post(case, date(2023, 5, 2), Category.BANK_CHARGE, "4.50")  # not billable
    service(case, "hearing", date(2022, 12, 20))
    service(case, "hearing", date(2023, 1, 10))
    service(case, "letter", date(2022, 12, 31), quantity=2)
    service(case, "letter", date(2023, 1, 1), registered_postage=D("8.40"))
    service(case, "homologation_request", date(2023, 3, 1))
    service(case, "hearing", date(2023, 6, 15))  # = to: the next period's
    return case


def test_case_facts_reads_the_database(namur_case):
    facts = case_facts(namur_case)
    assert isinstance(facts, CaseFacts)
    assert facts.reference == "NAM-2022-0042"
    assert facts.admissibility_date == date(2022, 6, 15)
    assert facts.pricing_method is PricingMethod.BY_YEAR_PRORATA  # Namur's default
    assert facts.excludes_paid_off_creditors is False
    assert facts.vat_registered is False
    # 7 creditors (the last one has two claims: counted once), the first all time-barred
    assert len(facts.creditors) == 7
    assert [c.all_claims_time_barred for c in facts.creditors].count(True) == 1
    assert len(facts.services) == 6
    # billable outgoing entries only: 3 standing orders, 2 payments, 1 dividend; the reversed
    # payment, its reversal, the income and the bank charge are left out
    assert sorted(p.category for p in facts.payments) == sorted(
        [PaymentCategory.LIVING_ALLOWANCE] * 3
        + [PaymentCategory.PAYMENT_ON_BEHALF] * 2
        + [PaymentCategory.DIVIDEND]
    )
    assert {s.mediator for s in facts.services} == {namur_case.mediator.get_full_name()}


def test_worked_example_by_year_prorata_across_2023(namur_case):
    statement = compute_case_statement(namur_case, date(2022, 6, 15), date(2023, 6, 15))
    document = statement.to_json()
    assert document["format"] == "rcd-taxation/1"
    assert document["case"] == "NAM-2022-0042"
    assert document["period"] == {"from": "2022-06-15", "to": "2023-06-15"}
    assert document["pricing_method"] == "by_year_prorata"
    # 2,1° homologation request of 01/03/2023, 7 creditors (time-barred one included), 2023 row:
    # 651.01 + (7 - 5) x 43.41 = 651.01 + 86.82 = 737.83
    assert amounts(statement, "2.1") == ["737.83"]
    # 2,2°: standing order (year 1, first on 05/07/2022, 2022 row) 9.82; 30/12/2022 9.82;
    # 02/01/2023 10.83; dividend 01/04/2023 10.83 -> 41.30
    assert sorted(amounts(statement, "2.2")) == ["10.83", "10.83", "9.82", "9.82"]
    # 2,3° year 1 [15/06/2022, 15/06/2023), 6 participating creditors:
    # 2022 forfait 235.96 + 15.73 = 251.69 for 200 days (15/06 -> 01/01);
    # 2023 forfait 260.39 + 17.36 = 277.75 for 165 days (01/01 -> 15/06);
    # (251.69 x 200 + 277.75 x 165) / 365 = (50338.00 + 45828.75) / 365 = 263.4705... -> 263.47
    assert amounts(statement, "2.3") == ["263.47"]
    assert document["lines"][[x["article"] for x in document["lines"]].index("2.3")][
        "tariff_from"
    ] == ["2022-01-01", "2023-01-01"]
    # art. 3: 20/12/2022 at 98.30 (2022) and 10/01/2023 at 108.47 (2023); 15/06/2023 is out
    assert amounts(statement, "3") == ["98.30", "108.47"]
    # 4,1°: 2 letters of 31/12/2022 at 13.77 = 27.54; one of 01/01/2023 at 15.19
    assert amounts(statement, "4.1") == ["27.54", "15.19"]
    assert amounts(statement, "postage") == ["8.40"]
    assert subtotals(statement) == {
        "2.1": "737.83",
        "2.2": "41.30",
        "2.3": "263.47",
        "3": "206.77",
        "4.1": "42.73",
        "postage": "8.40",
    }
    # fees = 737.83 + 41.30 + 263.47 + 206.77 + 42.73 = 1292.10; no VAT (CPAS mediator);
    # no JustRestart fee (the anniversary 15/06/2023 is before 02/11/2023)
    assert (document["fees"], document["vat"], document["disbursements"], document["total"]) == (
        "1292.10",
        "0.00",
        "8.40",
        "1300.50",
    )


def test_worked_example_anniversary_method_of_the_case(namur_case):
    """The Namur judge of this case applies the anniversary rule (the case overrides the
    division's default): every line at the row in force on 15/06/2023 (the 2023 rows)."""
    namur_case.pricing_method = PricingMethod.ANNIVERSARY
    namur_case.save(update_fields=["pricing_method"])
    statement = compute_case_statement(namur_case, date(2022, 6, 15), date(2023, 6, 15))
    # 2,2°: 4 x 10.83 = 43.32; 2,3°: whole year at 277.75; art. 3: 2 x 108.47 = 216.94;
    # 4,1°: 2 x 15.19 = 30.38 and 15.19 -> 45.57
    assert subtotals(statement) == {
        "2.1": "737.83",
        "2.2": "43.32",
        "2.3": "277.75",
        "3": "216.94",
        "4.1": "45.57",
        "postage": "8.40",
    }
    # 737.83 + 43.32 + 277.75 + 216.94 + 45.57 = 1321.41; + 8.40 = 1329.81
    assert statement.to_json()["total"] == "1329.81"
    assert statement.reference_anniversary == date(2023, 6, 15)


def test_worked_example_by_year_prorata_across_2022(world):
    """Both sides of the 1.1.2022 indexation (by_year_prorata, 5 creditors)."""
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2021-0007",
        admissibility_date=date(2021, 6, 15),
    )
    creditors_with_claims(case, 5, declared_on=date(2021, 7, 1))
    service(case, "hearing", date(2021, 12, 31))  # 2018 row: 89.81
    service(case, "hearing", date(2022, 1, 1))  # 2022 row: 98.30
    statement = compute_case_statement(case, date(2021, 6, 15), date(2022, 6, 15))
    # (215.59 x 200 + 235.96 x 165) / 365 = (43118.00 + 38933.40) / 365 = 224.798... -> 224.80
    assert subtotals(statement) == {"2.3": "224.80", "3": "188.11"}
    assert statement.to_json()["total"] == "412.91"


@pytest.fixture
def dinant_case(world):
    """A Dinant case (by_year_new_forfait, paid-off creditors excluded), admissibility
    01/09/2021, a VAT-registered lawyer. 8 creditors: the first time-barred, the second paid off
    on 10/05/2022 (during follow-up year 1)."""
    firm = OrganisationFactory(
        name="Cabinet Meuse", slug="cabinet-meuse", enterprise_number="0403170701"
    )
    lawyer = UserFactory(organisation=firm, profession=Profession.LAWYER, vat_registered=True)
    case = make_case(
        organisation=firm,
        mediator=lawyer,
        reference="DIN-2021-0003",
        division="dinant",
        admissibility_date=date(2021, 9, 1),
    )
    creditors_with_claims(
        case, 8, declared_on=date(2021, 9, 20), time_barred=1, paid_off={1: date(2022, 5, 10)}
    )
    service(case, "hearing", date(2022, 12, 15))  # own date, 2022 row: 98.30
    service(case, "travel", date(2023, 2, 1), km=D("30"))  # 30 x 0.28 = 8.40
    return case


def test_worked_example_dinant_new_forfait_paid_off_and_vat(dinant_case):
    facts = case_facts(dinant_case)
    assert facts.pricing_method is PricingMethod.BY_YEAR_NEW_FORFAIT
    assert facts.excludes_paid_off_creditors is True
    assert facts.vat_registered is True
    statement = compute_case_statement(dinant_case, date(2022, 9, 1), date(2023, 9, 1))
    # Year 2 [01/09/2022, 01/09/2023) begins after the pay-off (10/05/2022): 8 - 1 time-barred
    # - 1 paid off = 6 creditors; whole year at the row of its last day (31/08/2023, 2023 row),
    # no proration between rows: 260.39 + 1 x 17.36 = 277.75
    assert amounts(statement, "2.3") == ["277.75"]
    # fees = 277.75 + 98.30 + 8.40 = 384.45; VAT 21 % = 80.7345 -> 80.73; total 465.18
    document = statement.to_json()
    assert subtotals(statement) == {"2.3": "277.75", "3": "98.30", "4.4": "8.40"}
    assert (document["fees"], document["vat"], document["total"]) == ("384.45", "80.73", "465.18")
    # Year 1 [01/09/2021, 01/09/2022) contains the pay-off: the creditor still counts (7),
    # at the 2022 row of 31/08/2022: 235.96 + 2 x 15.73 = 267.42
    year_one = compute_case_statement(dinant_case, date(2021, 9, 1), date(2022, 9, 1))
    assert amounts(year_one, "2.3") == ["267.42"]


def test_the_same_facts_in_namur_keep_the_paid_off_creditor(dinant_case):
    dinant_case.division = "namur"
    dinant_case.save(update_fields=["division"])
    statement = compute_case_statement(dinant_case, date(2022, 9, 1), date(2023, 9, 1))
    # 7 participating creditors, by_year_prorata: 2022 forfait 235.96 + 2 x 15.73 = 267.42 for
    # 122 days (01/09 -> 01/01); 2023 forfait 260.39 + 2 x 17.36 = 295.11 for 243 days;
    # (267.42 x 122 + 295.11 x 243) / 365 = (32625.24 + 71711.73) / 365 = 285.8547... -> 285.85
    assert amounts(statement, "2.3") == ["285.85"]


def test_justrestart_fee_and_closure(dinant_case):
    # Year 3 [01/09/2023, 01/09/2024): the anniversary 01/09/2024 is inside (from < a <= to) and
    # after 02/11/2023: 75.00, VAT-exempt. 2,3° at the row of 31/08/2024 (2023 row): 277.75.
    statement = compute_case_statement(dinant_case, date(2023, 9, 1), date(2024, 9, 1))
    assert subtotals(statement) == {"2.3": "277.75", "6": "75.00"}
    document = statement.to_json()
    # VAT on the fees only: 277.75 x 0.21 = 58.3275 -> 58.33; total 277.75 + 58.33 + 75.00
    assert (document["vat"], document["disbursements"], document["total"]) == (
        "58.33",
        "75.00",
        "411.08",
    )
    # Closed on 01/03/2024: follow-up stops there, no anniversary fee after it.
    dinant_case.closure_date = date(2024, 3, 1)
    dinant_case.save(update_fields=["closure_date"])
    closed = compute_case_statement(dinant_case, date(2023, 9, 1), date(2024, 9, 1))
    # Part [01/09/2023, 01/03/2024) = 30+31+30+31+31+29 = 182 days of 366, new forfait at the
    # row of its last day (29/02/2024): 277.75 x 182 / 366 = 50550.50 / 366 = 138.1161... -> 138.12
    assert subtotals(closed) == {"2.3": "138.12"}


# --- the facts of a period (issue #15: a 7-year case reads one period, not seven years) ------

PERIODS = [
    (date(2022, 6, 15), date(2023, 6, 15)),
    (date(2023, 6, 15), date(2024, 6, 15)),
    (date(2022, 9, 1), date(2022, 12, 31)),
    (date(2023, 1, 1), date(2023, 3, 2)),
    (date(2021, 9, 1), date(2022, 9, 1)),
    (date(2022, 9, 1), date(2023, 9, 1)),
    (date(2023, 9, 1), date(2024, 9, 1)),
    (date(2020, 1, 1), date(2030, 1, 1)),
]


@pytest.mark.parametrize("fixture", ["namur_case", "dinant_case"])
def test_the_facts_of_a_period_price_as_all_the_facts(fixture, request):
    """Reading only what the period needs (its services and payments, the once-only services,
    the standing orders) gives the statement that all the facts give, line for line."""
    case = request.getfixturevalue(fixture)
    for period_from, period_to in PERIODS:
        if period_to <= case.admissibility_date:
            continue
        everything = compute_statement(case_facts(case), period_from, period_to, tariff_table())
        assert compute_case_statement(case, period_from, period_to).to_json() == (
            everything.to_json()
        ), (period_from, period_to)


def test_the_facts_of_a_period_leave_the_other_periods_out(namur_case):
    facts = case_facts(namur_case, (date(2023, 1, 1), date(2023, 2, 28)))
    assert {p.date for p in facts.payments} == {
        date(2023, 1, 2),  # in the period
        date(2022, 7, 5),  # standing orders, all of them (the first of each follow-up year)
        date(2022, 8, 5),
        date(2023, 2, 5),
    }
    # in the period, and the homologation request of 01/03 (once per case: always read)
    assert {s.date for s in facts.services} == {
        date(2023, 1, 1),
        date(2023, 1, 10),
        date(2023, 3, 1),
    }
    assert len(case_facts(namur_case).services) == 6
