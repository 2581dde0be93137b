"""The pure computation of the living allowance's floors (``budget/allowance.py``), against
examples derived by hand from ``living-allowance.md`` and the shipped legal rows.

Notation in the comments: B2…B5 are brackets 2 to 5 (B1 is never seizable, B5 is everything
above the fourth limit); "earned" = art. 1409 § 1er rates 20/30/40 %, "replacement" = § 1erbis
rates 20/40/40 %."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.allowance import (
    DATA_FILE,
    Household,
    Income,
    IncomeKind,
    InvalidBudget,
    LegalDataError,
    LegalTables,
    NoRowInForce,
    RisCategory,
    RisRow,
    ScaleRow,
    Verdict,
    check_allowance,
    compute_floors,
    compute_non_seizable,
    load_default_tables,
    load_tables,
    rows_from_json,
)

D = Decimal
EARNED = IncomeKind.EARNED
REPLACEMENT = IncomeKind.REPLACEMENT
SINGLE = Household(RisCategory.SINGLE)


@pytest.fixture(scope="module")
def tables() -> LegalTables:
    return load_default_tables()


def non_seizable(tables, on, *incomes, children=0, category=RisCategory.SINGLE):
    return compute_non_seizable(list(incomes), Household(category, children), on, tables)


def earned(amount, person=1):
    return Income(EARNED, D(amount), person)


def replacement(amount, person=1):
    return Income(REPLACEMENT, D(amount), person)


# --- hand-derived examples, one per year -----------------------------------------------------


def test_2025_earned_income_of_2000(tables):
    # 2025 limits 1.388 / 1.492 / 1.646 / 1.800, earned:
    # B2 (1.492 − 1.388) = 104 × 20 % = 20,80
    # B3 (1.646 − 1.492) = 154 × 30 % = 46,20
    # B4 (1.800 − 1.646) = 154 × 40 % = 61,60
    # B5 (2.000 − 1.800) = 200 × 100 % = 200,00
    # seizable 328,60 → non-seizable 2.000 − 328,60 = 1.671,40
    result = non_seizable(tables, date(2025, 3, 1), earned("2000.00"))
    assert result.amount == D("1671.40")
    assert result.seizable == D("328.60")
    (person,) = result.persons
    assert [(p.number, p.income, p.seizable) for p in person.brackets] == [
        (1, D("1388.00"), D("0")),
        (2, D("104.00"), D("20.80")),
        (3, D("154.00"), D("46.20")),
        (4, D("154.00"), D("61.60")),
        (5, D("200.00"), D("200.00")),
    ]
    assert result.scale_row.id == "art1409@2025-01-01"


def test_2025_replacement_income_differs_in_the_third_bracket_only(tables):
    # Same 2.000, replacement: B3 154 × 40 % = 61,60 instead of 46,20 (+15,40)
    # seizable 20,80 + 61,60 + 61,60 + 200 = 344,00 → non-seizable 1.656,00
    on = date(2025, 3, 1)
    as_earned = non_seizable(tables, on, earned("2000.00"))
    as_replacement = non_seizable(tables, on, replacement("2000.00"))
    assert as_replacement.amount == D("1656.00")
    assert as_earned.amount - as_replacement.amount == D("15.40")
    # Inside the second bracket the rates are the same: 1.450 → 62 × 20 % = 12,40 either way
    assert (
        non_seizable(tables, on, earned("1450")).amount
        == non_seizable(tables, on, replacement("1450")).amount
        == D("1437.60")
    )
    # Inside the third bracket: 1.550 → 20,80 + 58 × 30 % (17,40) or × 40 % (23,20)
    assert non_seizable(tables, on, earned("1550")).amount == D("1511.80")
    assert non_seizable(tables, on, replacement("1550")).amount == D("1506.00")


def test_2024_unemployment_with_one_child_and_family_allowances(tables):
    # 2024 limits 1.341 / 1.440 / 1.589 / 1.738, 83 € per child; replacement income 1.650:
    # B2 (1.440 − 1.341) = 99 × 20 % = 19,80
    # B3 (1.589 − 1.440) = 149 × 40 % = 59,60
    # B4 (1.650 − 1.589) = 61 × 40 % = 24,40
    # seizable 103,80 − 1 child 83,00 = 20,80 → non-seizable of the income 1.629,20
    # + family allowances 180 (entirely non-seizable) = 1.809,20
    # Hard floor (RIS family 1.5.2024 1.741,29 + 180) = 1.921,29 > resources 1.830,00
    floors = compute_floors(
        [replacement("1650.00"), Income(IncomeKind.FAMILY_ALLOWANCES, D("180.00"))],
        Household(RisCategory.FAMILY, dependent_children=1),
        date(2024, 6, 1),
        tables,
    )
    assert floors.non_seizable == D("1809.20")
    (person,) = floors.non_seizable_part.persons
    assert (person.seizable_before_children, person.child_reduction) == (D("103.80"), D("83.00"))
    assert floors.hard_floor == D("1921.29")
    assert floors.resources == D("1830.00")
    # the resources do not reach the hard floor: everything is left to the household
    assert floors.effective_hard_floor == floors.minimum_without_agreement == D("1830.00")
    assert check_allowance(floors, D("1829.99"), agreement_recorded=True).verdict == (
        Verdict.BELOW_HARD_FLOOR
    )
    assert check_allowance(floors, D("1830.00"), agreement_recorded=False).accepted


def test_2023_after_the_energy_crisis_and_during_it(tables):
    # 1.4.2023 limits 1.316 / 1.414 / 1.560 / 1.706, earned 1.800:
    # B2 98 × 20 % = 19,60; B3 146 × 30 % = 43,80; B4 146 × 40 % = 58,40; B5 94
    # seizable 215,80 → non-seizable 1.584,20
    assert non_seizable(tables, date(2023, 6, 1), earned("1800")).amount == D("1584.20")
    # 1.1–31.3.2023 (temporary increase) limits 1.542 / 1.657 / 1.828 / 2.000:
    # B2 115 × 20 % = 23,00; B3 (1.800 − 1.657) = 143 × 30 % = 42,90 → 65,90 → 1.734,10
    crisis = non_seizable(tables, date(2023, 2, 1), earned("1800"))
    assert crisis.amount == D("1734.10")
    assert crisis.scale_row.id == "art1409@2023-01-01"


def test_2022_children_reduction_is_capped_at_the_seizable_part(tables):
    # 2022 limits 1.186 / 1.274 / 1.406 / 1.538, 73 € per child; earned 1.450:
    # B2 88 × 20 % = 17,60; B3 132 × 30 % = 39,60; B4 44 × 40 % = 17,60 → 74,80
    # 3 children × 73 = 219 > 74,80: the reduction stops at 74,80, seizable 0,00
    result = non_seizable(tables, date(2022, 6, 1), earned("1450"), children=3)
    (person,) = result.persons
    assert person.seizable_before_children == D("74.80")
    assert person.child_reduction == D("74.80")
    assert person.seizable == D("0.00")
    assert result.amount == D("1450.00")
    assert any("limitée à la quotité saisissable" in line for line in result.working)


def test_2021_after_and_during_the_covid_increase(tables):
    # 1.10.2021 (2021 amounts) limits 1.149 / 1.235 / 1.362 / 1.490, earned 1.300:
    # B2 86 × 20 % = 17,20; B3 (1.300 − 1.235) = 65 × 30 % = 19,50 → 36,70 → 1.263,30
    assert non_seizable(tables, date(2021, 11, 15), earned("1300")).amount == D("1263.30")
    # Until 30.9.2021 the temporary limits start at 1.366: nothing of 1.300 is seizable
    assert non_seizable(tables, date(2021, 6, 1), earned("1300")).amount == D("1300.00")


def test_2020_the_yearly_amounts_and_the_covid_increase_of_the_summer(tables):
    # 2020 limits 1.138 / 1.222 / 1.349 / 1.475, 70 € per child (AR 9.12.2019), earned 1.500:
    # B2 84 × 20 % = 16,80; B3 127 × 30 % = 38,10; B4 126 × 40 % = 50,40; B5 25
    # seizable 130,30 → non-seizable 1.369,70
    january = non_seizable(tables, date(2020, 1, 15), earned("1500"))
    assert january.amount == D("1369.70")
    assert january.scale_row.id == "art1409@2020-01-01"
    # replacement income 1.300 (§ 1erbis): B2 84 × 20 % = 16,80; B3 (1.300 − 1.222) = 78 × 40 %
    # = 31,20 → 48,00 → 1.252,00
    assert non_seizable(tables, date(2020, 2, 29), replacement("1300")).amount == D("1252.00")
    # 20.6–31.8.2020 (law of 19.6.2020) limits 1.366 / 1.467 / 1.619 / 1.770, 84 € per child:
    # B2 101 × 20 % = 20,20; B3 33 × 30 % = 9,90 → 30,10 → 1.469,90
    summer = non_seizable(tables, date(2020, 6, 20), earned("1500"))
    assert summer.amount == D("1469.90")
    assert summer.scale_row.id == "art1409@2020-06-20"
    # 84 € per child: 30,10 < 84, nothing seizable with one child
    assert non_seizable(tables, date(2020, 8, 31), earned("1500"), children=1).amount == D(
        "1500.00"
    )
    # 1.9–23.12.2020: back to the 2020 amounts (not prolonged), until the law of 20.12.2020
    autumn = non_seizable(tables, date(2020, 12, 23), earned("1500"))
    assert (autumn.scale_row.id, autumn.amount) == ("art1409@2020-09-01", D("1369.70"))
    # 70 € per child again: 130,30 − 70 = 60,30 seizable
    assert non_seizable(tables, date(2020, 9, 1), earned("1500"), children=1).amount == D("1439.70")
    assert non_seizable(tables, date(2020, 12, 24), earned("1500")).amount == D("1469.90")


# --- bracket boundaries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "income,exact,rounded",
    [
        ("1388.00", "0", "0.00"),  # the top of the first bracket: nothing seizable
        ("1388.01", "0.002", "0.00"),  # 0,01 × 20 %: seizable in law, 0,00 once rounded
        ("1388.03", "0.006", "0.01"),  # 0,006 rounds half-up to 0,01
        ("1492.00", "20.80", "20.80"),
        ("1492.01", "20.803", "20.80"),  # 20,80 + 0,01 × 30 %
        ("1800.00", "128.60", "128.60"),  # 20,80 + 46,20 + 61,60
        ("1800.01", "128.61", "128.61"),  # everything above 1.800 is seizable
    ],
)
def test_2025_bracket_boundaries(tables, income, exact, rounded):
    result = non_seizable(tables, date(2025, 1, 1), earned(income))
    (person,) = result.persons
    assert person.seizable_exact == D(exact)
    assert person.seizable == D(rounded)
    assert result.amount == D(income) - D(rounded)


def test_replacement_boundary_in_the_third_bracket(tables):
    # 1.492,01 replacement: 20,80 + 0,01 × 40 % = 20,804 → 20,80
    (person,) = non_seizable(tables, date(2025, 1, 1), replacement("1492.01")).persons
    assert person.seizable_exact == D("20.804")


# --- income kinds, couples, children ---------------------------------------------------------


def test_each_kind_of_income_has_its_rule(tables):
    on = date(2025, 3, 1)
    incomes = [
        Income(IncomeKind.FAMILY_ALLOWANCES, D("300")),
        Income(IncomeKind.CPAS_AID, D("200")),
        Income(IncomeKind.OTHER, D("100")),
    ]
    result = compute_non_seizable(incomes, SINGLE, on, tables)
    # family allowances and CPAS aid entirely non-seizable, the other income entirely seizable
    assert result.amount == D("500.00")
    assert result.resources == D("600.00")
    # maintenance received follows the replacement-income rates: 2.000 → 1.656,00
    maintenance = compute_non_seizable(
        [Income(IncomeKind.MAINTENANCE_RECEIVED, D("2000"))], SINGLE, on, tables
    )
    assert maintenance.amount == D("1656.00")


def test_earned_and_replacement_income_of_one_debtor_are_added_up(tables):
    # 1.500 earned + 500 replacement for the same applicant: 2.000 at the earned rates
    # (art. 1411 C.J. cumulation) → 1.671,40, not two separate first brackets
    result = non_seizable(tables, date(2025, 3, 1), earned("1500"), replacement("500"))
    (person,) = result.persons
    assert person.base == D("2000")
    assert result.amount == D("1671.40")
    assert "cumulés" in person.scale_rule


def test_two_applicants_each_have_their_brackets_and_share_the_children(tables):
    # 2025, applicant 1 earned 1.500: B2 20,80 + B3 8 × 30 % = 2,40 → 23,20
    # applicant 2 replacement 1.900: 20,80 + 61,60 + 61,60 + 100 → 244,00
    # 4 children × 86: 1 for applicant 1 (reduction 23,20), 3 for applicant 2 (244,00 capped)
    # = 267,20 — better than 4 for applicant 2 (244,00). Seizable 0 → non-seizable 3.400
    result = non_seizable(
        tables, date(2025, 6, 1), earned("1500"), replacement("1900", person=2), children=4
    )
    first, second = result.persons
    assert (first.children, second.children) == (1, 3)
    assert (first.child_reduction, second.child_reduction) == (D("23.20"), D("244.00"))
    assert result.amount == D("3400.00")
    # with 2 children: both to applicant 2 (172,00 of 244,00) beats 23,20 + 86,00
    result = non_seizable(
        tables, date(2025, 6, 1), earned("1500"), replacement("1900", person=2), children=2
    )
    assert [p.children for p in result.persons] == [0, 2]
    assert result.seizable == D("23.20") + D("244.00") - D("172.00")


def test_children_without_seizable_income_reduce_nothing(tables):
    result = compute_non_seizable(
        [Income(IncomeKind.CPAS_AID, D("1776.07"))],
        Household(RisCategory.FAMILY, dependent_children=2),
        date(2025, 3, 1),
        tables,
    )
    assert result.amount == D("1776.07")
    assert any("sans objet" in line for line in result.working)


def test_negative_income_is_refused(tables):
    with pytest.raises(InvalidBudget, match="négatif"):
        non_seizable(tables, date(2025, 3, 1), earned("-1"))
    with pytest.raises(TypeError):
        compute_non_seizable([Income(EARNED, 1500)], SINGLE, date(2025, 3, 1), tables)


# --- dated rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "category,day,amount",
    [
        (RisCategory.COHABITANT, date(2024, 5, 1), "858.97"),
        (RisCategory.COHABITANT, date(2025, 1, 31), "858.97"),
        (RisCategory.COHABITANT, date(2025, 2, 1), "876.13"),
        (RisCategory.SINGLE, date(2024, 12, 1), "1288.46"),
        (RisCategory.SINGLE, date(2025, 2, 1), "1314.20"),
        (RisCategory.FAMILY, date(2024, 5, 1), "1741.29"),
        (RisCategory.FAMILY, date(2025, 2, 1), "1776.07"),
    ],
)
def test_integration_income_by_category_and_date(tables, category, day, amount):
    floors = compute_floors([earned("1000")], Household(category), day, tables)
    assert floors.ris_amount == D(amount)
    assert floors.hard_floor == D(amount)


def test_hard_floor_adds_the_family_allowances(tables):
    # RIS single 1.2.2025 1.314,20 + family allowances 350,00 = 1.664,20
    floors = compute_floors(
        [earned("2100"), Income(IncomeKind.FAMILY_ALLOWANCES, D("350"))],
        Household(RisCategory.SINGLE, dependent_children=2),
        date(2025, 3, 1),
        tables,
    )
    assert floors.hard_floor == D("1664.20")


def test_a_date_before_the_first_row_raises(tables):
    with pytest.raises(NoRowInForce, match="01/01/2020") as error:
        non_seizable(tables, date(2019, 12, 31), earned("1500"))
    assert error.value.table == "seizure_scales"
    # the brackets of 2023 exist, the integration income of July-October 2023 is not
    # encoded (docs/budget-rules.md, 6): no zero
    with pytest.raises(NoRowInForce, match="revenu d'intégration") as error:
        compute_floors([earned("1500")], SINGLE, date(2023, 8, 1), tables)
    assert error.value.table == "integration_income"


def test_a_date_after_the_newest_row_uses_it_and_says_so(tables):
    # No 2026 brackets are known: the 2025 row applies (as the fee tariffs do), and the
    # working says it must be checked once the 2026 brackets are published.
    floors = compute_floors([earned("2000")], SINGLE, date(2026, 3, 1), tables)
    assert floors.scale_row.id == "art1409@2025-01-01"
    assert floors.non_seizable == D("1671.40")
    assert floors.ris_row.id == "ris-single@2025-02-01"
    assert any("2026" in warning and "art. 1409" in warning for warning in floors.warnings)
    assert all(warning in floors.working for warning in floors.warnings)
    # within the newest row's own year, nothing to warn about
    assert compute_floors([earned("2000")], SINGLE, date(2025, 12, 31), tables).warnings == ()


def test_an_administrator_row_for_2026_takes_over(tables):
    row_2026 = ScaleRow(
        id="art1409@2026-01-01",
        effective_from=date(2026, 1, 1),
        limits=(D("1420"), D("1526"), D("1684"), D("1842")),
        earned_rates=(D("0.20"), D("0.30"), D("0.40")),
        replacement_rates=(D("0.20"), D("0.40"), D("0.40")),
        child_reduction=D("88"),
        source="test",
    )
    extended = LegalTables([*tables.scale_rows, row_2026], tables.ris_rows())
    result = non_seizable(extended, date(2026, 3, 1), earned("1400"))
    assert result.scale_row.id == "art1409@2026-01-01"
    assert result.amount == D("1400.00")
    assert result.warnings == ()


def test_the_shipped_file_parses_and_every_row_has_a_source():
    scales, ris = rows_from_json(__import__("json").loads(DATA_FILE.read_text("utf-8")))
    assert len(scales) >= 5 and len(ris) == 42  # 14 dates × 3 categories
    assert all(row.source for row in (*scales, *ris))
    assert load_tables(DATA_FILE).scale_in_force(date(2025, 1, 1)).row.limits[0] == D("1388.00")


def test_inconsistent_rows_are_refused(tables):
    row = tables.scale_rows[-1]
    bad = ScaleRow(
        id="bad",
        effective_from=date(2030, 1, 1),
        limits=(D("2000"), D("1900"), D("2100"), D("2200")),
        earned_rates=row.earned_rates,
        replacement_rates=row.replacement_rates,
        child_reduction=D("1"),
        source="x",
    )
    with pytest.raises(LegalDataError, match="croître"):
        LegalTables([bad], [])
    duplicate = RisRow("x", RisCategory.SINGLE, date(2025, 2, 1), D("1"), "x")
    with pytest.raises(LegalDataError, match="deux lignes"):
        LegalTables([], [*tables.ris_rows(RisCategory.SINGLE), duplicate])


# --- the chosen amount -----------------------------------------------------------------------


def test_check_allowance_verdicts(tables):
    # 2025 earned 2.000 single: non-seizable 1.671,40, hard floor 1.314,20
    floors = compute_floors([earned("2000")], SINGLE, date(2025, 3, 1), tables)
    assert check_allowance(floors, D("1700"), agreement_recorded=False).verdict == Verdict.OK
    assert check_allowance(floors, D("1671.40"), agreement_recorded=False).accepted
    below = check_allowance(floors, D("1500"), agreement_recorded=False)
    assert below.verdict == Verdict.NEEDS_AGREEMENT and "accord exprès" in below.message
    assert check_allowance(floors, D("1500"), agreement_recorded=True).accepted
    hard = check_allowance(floors, D("1314.19"), agreement_recorded=True)
    assert hard.verdict == Verdict.BELOW_HARD_FLOOR and "1.314,20" in hard.message
    assert check_allowance(floors, D("1314.20"), agreement_recorded=True).accepted
    assert check_allowance(floors, D("2000.01"), agreement_recorded=False).verdict == (
        Verdict.ABOVE_RESOURCES
    )


# --- properties ------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(list(IncomeKind))
incomes = st.lists(
    st.builds(Income, kind=kinds, amount=amounts, person=st.sampled_from([1, 2])), max_size=5
)
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=300, deadline=None)
@given(
    incomes=incomes,
    extra=st.builds(Income, kind=kinds, amount=amounts, person=st.sampled_from([1, 2])),
    children=st.integers(0, 6),
    on=dates,
)
def test_more_income_never_lowers_the_non_seizable_amount(incomes, extra, children, on):
    tables = load_default_tables()
    household = Household(RisCategory.FAMILY, children)
    before = compute_non_seizable(incomes, household, on, tables)
    after = compute_non_seizable([*incomes, extra], household, on, tables)
    assert after.amount >= before.amount
    assert after.seizable >= 0


@settings(max_examples=300, deadline=None)
@given(incomes=incomes, children=st.integers(0, 8), on=dates)
def test_more_children_never_raise_the_seizable_amount(incomes, children, on):
    tables = load_default_tables()
    fewer = compute_non_seizable(incomes, Household(RisCategory.FAMILY, children), on, tables)
    more = compute_non_seizable(incomes, Household(RisCategory.FAMILY, children + 1), on, tables)
    assert more.seizable <= fewer.seizable
    assert all(person.seizable >= 0 for person in more.persons)
