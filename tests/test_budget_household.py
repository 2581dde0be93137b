"""Issue #12, "Budget and living allowance": the hard floor follows the household (a couple
without child is 2 × the cohabitant rate), the category is checked against the members, a
partner's income outside the case is not the applicant's, the disability allowances (ARR, AI)
and the GRAPA, and the integration-income rows from 2020 (docs/budget-rules.md)."""

import copy
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from budget import selectors
from budget.allowance import (
    Household,
    Income,
    IncomeKind,
    LegalDataError,
    LegalTables,
    NoRowInForce,
    RisCategory,
    RisRow,
    compute_floors,
    compute_non_seizable,
    household_problems,
    load_default_tables,
    rows_from_json,
)
from budget.models import (
    AllowanceDecision,
    BudgetVersion,
    IntegrationIncomeRecord,
    SeizureScaleRecord,
)
from budget.services import (
    AllowanceData,
    BudgetData,
    IncomeData,
    allowance_decide,
    budget_version_create,
)
from bundles.exporter import export_case
from bundles.importer import BundleInvalid, bundle_import, load_document
from cases.services import ApplicantData

from .factories import make_case
from .test_bundles import BUNDLES

D = Decimal
ON = date(2025, 3, 1)  # RIS 01.02.2025: cohabitant 876,13, single 1.314,20, family 1.776,07
COUPLE = Household(RisCategory.COHABITANT, dependent_children=0, adults=2, applicants=2)


@pytest.fixture(scope="module")
def tables() -> LegalTables:
    return load_default_tables()


def earned(amount, person=1, **kwargs):
    return Income(IncomeKind.EARNED, D(amount), person, **kwargs)


# --- the hard floor follows the household (pure) --------------------------------------------


def test_a_couple_without_child_is_twice_the_cohabitant_rate(tables):
    floors = compute_floors([earned("1500", 1), earned("1400", 2)], COUPLE, ON, tables)
    assert floors.ris_row.id == "ris-cohabitant@2025-02-01"
    assert floors.ris_multiplier == 2
    assert floors.ris_rate == D("876.13")
    assert floors.ris_amount == D("1752.26")
    assert floors.hard_floor == D("1752.26")
    assert any("2 × 876,13" in line for line in floors.working)
    assert floors.to_json()["ris_multiplier"] == 2 and floors.to_json()["ris"] == "1752.26"
    assert floors.warnings == ()


def test_a_single_person_and_a_cohabitant_alone_in_the_case_have_one_rate(tables):
    single = compute_floors([earned("1500")], Household(RisCategory.SINGLE), ON, tables)
    assert (single.ris_multiplier, single.hard_floor) == (1, D("1314.20"))
    # one applicant living with a partner outside the case: the applicant's own rate only
    household = Household(RisCategory.COHABITANT, adults=2, applicants=1, partner_outside_case=True)
    alone = compute_floors([earned("1500")], household, ON, tables)
    assert (alone.ris_multiplier, alone.hard_floor) == (1, D("876.13"))


def test_a_family_rate_covers_the_couple_plus_family_allowances(tables):
    household = Household(RisCategory.FAMILY, dependent_children=2, adults=2, applicants=2)
    incomes = [
        earned("1500", 1),
        earned("1400", 2),
        Income(IncomeKind.FAMILY_ALLOWANCES, D("400.00")),
    ]
    floors = compute_floors(incomes, household, ON, tables)
    assert floors.ris_multiplier == 1
    assert floors.hard_floor == D("1776.07") + D("400.00")


def test_category_against_members():
    assert household_problems(COUPLE) == {}
    family_without_child = Household(RisCategory.FAMILY, adults=2, applicants=2)
    assert set(household_problems(family_without_child)) == {"ris_category"}
    assert "enfant mineur" in household_problems(family_without_child)["ris_category"]
    single_with_adults = Household(RisCategory.SINGLE, adults=2)
    assert set(household_problems(single_with_adults)) == {"ris_category"}
    cohabitant_alone = Household(RisCategory.COHABITANT, adults=1)
    assert set(household_problems(cohabitant_alone)) == {"ris_category"}
    # the adults count the applicants and the partner outside the case
    assert set(household_problems(Household(RisCategory.COHABITANT, applicants=2))) == {"adults"}
    partner = Household(RisCategory.COHABITANT, adults=1, partner_outside_case=True)
    assert set(household_problems(partner)) == {"adults"}
    both = Household(RisCategory.COHABITANT, adults=3, applicants=2, partner_outside_case=True)
    assert set(household_problems(both)) == {"partner_outside_case"}
    assert household_problems(Household(RisCategory.FAMILY, 1, adults=1)) == {}


def test_a_recorded_contradiction_is_a_warning_of_the_computation(tables):
    # a version saved before the check: the figures are still shown, with the warning
    wrong = Household(RisCategory.FAMILY, adults=2, applicants=2)
    floors = compute_floors([earned("1500", 1), earned("1400", 2)], wrong, ON, tables)
    assert any("Composition du ménage" in warning for warning in floors.warnings)


# --- partner outside the case, disability allowances, GRAPA (pure) -------------------------


def test_a_partner_income_outside_the_case_is_not_the_applicant_s(tables):
    household = Household(RisCategory.COHABITANT, adults=2, applicants=1, partner_outside_case=True)
    own = compute_non_seizable([earned("1200")], household, ON, tables)
    with_partner = compute_non_seizable(
        [earned("1200"), earned("1900", outside_case=True, label="Salaire du conjoint")],
        household,
        ON,
        tables,
    )
    assert with_partner.resources == own.resources == D("1200.00")
    assert with_partner.amount == own.amount
    assert with_partner.outside_case == D("1900.00")
    assert any("hors procédure" in line for line in with_partner.working)
    floors = compute_floors(
        [earned("1200"), earned("1900", outside_case=True)], household, ON, tables
    )
    assert floors.resources == D("1200.00") and floors.hard_floor == D("876.13")


def test_arr_follows_the_replacement_brackets_ai_and_grapa_are_protected(tables):
    household = Household(RisCategory.SINGLE)
    arr = compute_non_seizable(
        [Income(IncomeKind.DISABILITY_REPLACEMENT, D("1700.00"))], household, ON, tables
    )
    replacement = compute_non_seizable(
        [Income(IncomeKind.REPLACEMENT, D("1700.00"))], household, ON, tables
    )
    assert arr.amount == replacement.amount < D("1700.00")
    for kind in (IncomeKind.DISABILITY_INTEGRATION, IncomeKind.GRAPA):
        result = compute_non_seizable([Income(kind, D("2500.00"))], household, ON, tables)
        assert result.amount == result.resources == D("2500.00")
        assert any("art. 1410, § 2" in line for line in result.working)


# --- integration-income rows from 2020 (pure) ------------------------------------------------


def test_integration_income_rows_from_2020(tables):
    # 1.1.2020 (welfare increase), then the indexation of 1.3.2020 (pivot index of February)
    row = tables.ris_in_force(RisCategory.SINGLE, date(2020, 1, 1)).row
    assert (row.id, row.amount) == ("ris-single@2020-01-01", D("940.11"))
    assert "nathaliemuylle.be" in row.source
    row = tables.ris_in_force(RisCategory.SINGLE, date(2020, 6, 1)).row
    assert (row.id, row.amount) == ("ris-single@2020-03-01", D("958.91"))
    assert "centenvoorstudenten.be" in row.source
    cohabitant = tables.ris_in_force(RisCategory.COHABITANT, date(2020, 12, 31)).row
    assert cohabitant.amount == D("639.27")
    # 2021: the SPP IS notice of 1 January 2021, until the +2 % of 1 July 2021 (RD 6.8.2021)
    floors = compute_floors(
        [earned("1500")], Household(RisCategory.SINGLE), date(2021, 3, 1), tables
    )
    assert floors.ris_row.id == "ris-single@2021-01-01" and floors.hard_floor == D("984.68")
    assert "mi-is.be" in floors.ris_row.source
    assert tables.ris_in_force(RisCategory.FAMILY, date(2021, 6, 30)).row.amount == D("1330.74")
    assert tables.ris_in_force(RisCategory.FAMILY, date(2021, 7, 1)).row.amount == D("1357.36")


def test_a_date_without_a_sourced_row_raises(tables):
    # before the first row
    with pytest.raises(NoRowInForce, match="01/01/2020") as error:
        tables.ris_in_force(RisCategory.SINGLE, date(2019, 12, 31))
    assert error.value.table == "integration_income"
    # December 2022: the indexation of 1.12.2022 has no sourced amount; the November row
    # stops rather than apply a stale amount
    with pytest.raises(NoRowInForce, match="30/11/2022") as error:
        compute_floors([earned("1500")], Household(RisCategory.SINGLE), date(2022, 12, 15), tables)
    assert "01/01/2023" in str(error.value)


# The gaps the sources still leave (docs/budget-rules.md, 6): each raises, naming its bounds.
@pytest.mark.parametrize(
    "day,last,following",
    [
        (date(2022, 12, 1), "30/11/2022", "01/01/2023"),
        (date(2022, 12, 31), "30/11/2022", "01/01/2023"),
        (date(2023, 7, 1), "30/06/2023", "01/11/2023"),
        (date(2023, 10, 31), "30/06/2023", "01/11/2023"),
    ],
)
def test_the_gaps_left_raise(tables, day, last, following):
    for category in RisCategory:
        with pytest.raises(NoRowInForce, match=last) as error:
            tables.ris_in_force(category, day)
        assert following in str(error.value)


# Every sourced row from 2020 (releases 0002 to 0006, docs/budget-rules.md, 6): the first and
# the last day each applies, with the amounts and a source named in the row.
SOURCED = [
    ("2020-01-01", date(2020, 2, 29), ("626.74", "940.11", "1270.51"), "nathaliemuylle.be"),
    ("2021-07-01", date(2021, 8, 31), ("669.58", "1004.37", "1357.36"), "AR du 6.08.2021"),
    ("2021-09-01", date(2021, 12, 31), ("682.99", "1024.49", "1384.54"), "creno.be"),
    ("2022-01-01", date(2022, 2, 28), ("714.86", "1072.30", "1449.15"), "vvsg.be, 26.01.2022"),
    ("2022-03-01", date(2022, 4, 30), ("729.20", "1093.80", "1478.22"), "viewzconnect.be"),
    ("2022-05-01", date(2022, 7, 31), ("743.78", "1115.67", "1507.77"), "cpaslahulpe.be"),
    ("2022-08-01", date(2022, 10, 31), ("758.64", "1137.97", "1537.90"), "schoten.be"),
    ("2022-11-01", date(2022, 11, 30), ("773.80", "1160.70", "1568.62"), "vvsg.be, 08.11.2022"),
    ("2023-01-01", date(2023, 6, 30), ("809.42", "1214.13", "1640.83"), "cpasseraing.be"),
    ("2023-11-01", date(2024, 4, 30), ("842.12", "1263.17", "1707.11"), "cpasevere.brussels"),
]


@pytest.mark.parametrize("start,last,amounts,source", SOURCED)
def test_the_sourced_rows(tables, start, last, amounts, source):
    categories = (RisCategory.COHABITANT, RisCategory.SINGLE, RisCategory.FAMILY)
    for day in (date.fromisoformat(start), last):
        for category, amount in zip(categories, amounts, strict=True):
            row = tables.ris_in_force(category, day).row
            assert row.id == f"ris-{category.value}@{start}"
            assert row.amount == D(amount) and source in row.source


def test_the_newest_row_applies_after_it_with_its_warning(tables):
    floors = compute_floors(
        [earned("1500")], Household(RisCategory.SINGLE), date(2026, 3, 1), tables
    )
    assert floors.ris_row.id == "ris-single@2025-02-01"
    warning = next(w for w in floors.warnings if "revenu d'intégration" in w)
    assert "2026" in warning and "Moniteur belge" in warning
    # a 2026 row entered by an administrator takes over, without warning
    row = RisRow(
        id="ris-single@2026-01-01",
        category=RisCategory.SINGLE,
        effective_from=date(2026, 1, 1),
        amount=D("1340.00"),
        source="test",
    )
    extended = LegalTables(tables.scale_rows, [*tables.ris_rows(), row])
    ris = extended.ris_in_force(RisCategory.SINGLE, date(2026, 3, 1))
    assert ris.row.amount == D("1340.00") and not ris.beyond


def test_valid_until_is_read_and_checked():
    document = {
        "format": "rcd-living-allowance/1",
        "integration_income": [
            {
                "id": "r",
                "category": "single",
                "effective_from": "2021-01-01",
                "valid_until": "2021-08-31",
                "amount": "984.68",
                "source": "s",
            }
        ],
    }
    _scales, ris = rows_from_json(document)
    assert ris[0].valid_until == date(2021, 8, 31)
    document["integration_income"][0]["valid_until"] = "2020-12-31"
    with pytest.raises(LegalDataError, match="valid_until"):
        LegalTables([], rows_from_json(document)[1])


# --- the services: bad input refused, nothing saved ------------------------------------------


@pytest.fixture
def couple(world):
    return make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2025-0009",
        applicants=[
            ApplicantData(last_name="Dubois", first_name="Marie"),
            ApplicantData(last_name="Dubois", first_name="Paul"),
        ],
    )


def couple_budget(**fields) -> BudgetData:
    values = {
        "date": ON,
        "ris_category": "cohabitant",
        "adults": 2,
        "dependent_children": 0,
        "incomes": [
            IncomeData(kind="earned", amount=D("1500.00"), person=1),
            IncomeData(kind="disability_replacement", amount=D("1200.00"), person=2),
        ],
    }
    values.update(fields)
    return BudgetData(**values)


def test_the_database_holds_the_rows_from_2020(db):
    tables = selectors.legal_tables()
    assert tables.ris_in_force("cohabitant", date(2020, 1, 15)).row.amount == D("626.74")
    assert tables.ris_in_force("cohabitant", date(2020, 6, 1)).row.amount == D("639.27")
    # release 0004_ris_2020_2024 corrects shipped rows: the 2021 row ends on 30.6.2021, the
    # January 2022 amounts are the indexed ones, November 2022 ends before December's index
    record = IntegrationIncomeRecord.objects.get(row_id="ris-single@2021-01-01")
    assert record.valid_until == date(2021, 6, 30) and record.shipped
    record = IntegrationIncomeRecord.objects.get(row_id="ris-single@2022-01-01")
    assert record.amount == D("1072.30") and "helderrecht.be" in record.source
    record = IntegrationIncomeRecord.objects.get(row_id="ris-family@2022-11-01")
    assert record.valid_until == date(2022, 11, 30) and record.shipped
    assert tables.ris_in_force("single", date(2021, 10, 1)).row.amount == D("1024.49")
    for gap in (date(2022, 12, 15), date(2023, 8, 1)):
        with pytest.raises(NoRowInForce):
            tables.ris_in_force("single", gap)
    # release 0006_ris_2022_03 fills March-April 2022: the January row still ends on 28.2.2022
    record = IntegrationIncomeRecord.objects.get(row_id="ris-single@2022-03-01")
    assert record.amount == D("1093.80") and record.shipped and record.valid_until is None
    assert "viewzconnect.be" in record.source
    record = IntegrationIncomeRecord.objects.get(row_id="ris-single@2022-01-01")
    assert record.valid_until == date(2022, 2, 28) and "ne sont pas sourcés" not in record.source
    assert tables.ris_in_force("single", date(2022, 3, 15)).row.amount == D("1093.80")


# A couple without children in each period these releases cover: the budget computes with
# the row of its date, 2 × the cohabitant rate the source gives.
@pytest.mark.parametrize(
    "on,row,rate",
    [
        (date(2021, 7, 15), "ris-cohabitant@2021-07-01", "669.58"),
        (date(2021, 12, 31), "ris-cohabitant@2021-09-01", "682.99"),
        (date(2022, 1, 20), "ris-cohabitant@2022-01-01", "714.86"),
        (date(2022, 4, 1), "ris-cohabitant@2022-03-01", "729.20"),
        (date(2022, 6, 15), "ris-cohabitant@2022-05-01", "743.78"),
        (date(2022, 8, 1), "ris-cohabitant@2022-08-01", "758.64"),
        (date(2022, 11, 30), "ris-cohabitant@2022-11-01", "773.80"),
        (date(2023, 3, 1), "ris-cohabitant@2023-01-01", "809.42"),
        (date(2024, 2, 1), "ris-cohabitant@2023-11-01", "842.12"),
    ],
)
def test_a_budget_dated_in_a_former_gap_computes(world, couple, on, row, rate):
    version = budget_version_create(case=couple, data=couple_budget(date=on), by=world.mediator)
    floors = selectors.floors_for(version)
    assert floors.ris_row.id == row
    assert floors.hard_floor == 2 * D(rate)


@pytest.mark.parametrize("on", [date(2022, 12, 1), date(2023, 9, 1)])
def test_a_budget_dated_in_a_remaining_gap_is_refused_naming_it(world, couple, on):
    version = budget_version_create(case=couple, data=couple_budget(date=on), by=world.mediator)
    with pytest.raises(ValidationError) as error:
        allowance_decide(
            version=version,
            data=AllowanceData(amount=D("2000.00")),
            by=world.mediator,
            today=on,
        )
    message = error.value.message_dict["amount"][0]
    assert "revenu d'intégration" in message and "cessé de s'appliquer" in message


# A budget dated in 2020 computes (release 0005_art1409_2020): the art. 1409 brackets of its
# date and the integration income of its date. The couple: 1.500 earned (person 1) and 1.200
# disability replacement income (person 2, the replacement brackets, § 1erbis).
# January and October 2020 (limits 1.138 / 1.222 / 1.349 / 1.475): person 1 keeps 1.369,70
# (seizable 16,80 + 38,10 + 50,40 + 25); person 2 keeps 1.187,60 (62 × 20 % = 12,40).
# July 2020 (COVID-19, limits 1.366 / 1.467 / 1.619 / 1.770): person 1 keeps 1.469,90
# (20,20 + 9,90); person 2's 1.200 is under the first limit.
@pytest.mark.parametrize(
    "on,scale,non_seizable,ris,rate",
    [
        (date(2020, 1, 15), "art1409@2020-01-01", "2557.30", "ris-cohabitant@2020-01-01", "626.74"),
        (date(2020, 2, 29), "art1409@2020-01-01", "2557.30", "ris-cohabitant@2020-01-01", "626.74"),
        (date(2020, 7, 1), "art1409@2020-06-20", "2669.90", "ris-cohabitant@2020-03-01", "639.27"),
        (date(2020, 10, 1), "art1409@2020-09-01", "2557.30", "ris-cohabitant@2020-03-01", "639.27"),
    ],
)
def test_a_budget_dated_in_2020_computes(world, couple, on, scale, non_seizable, ris, rate):
    version = budget_version_create(case=couple, data=couple_budget(date=on), by=world.mediator)
    floors = selectors.floors_for(version)
    assert floors.non_seizable_part.scale.row.id == scale
    assert floors.non_seizable == D(non_seizable)
    assert floors.ris_row.id == ris
    assert floors.hard_floor == 2 * D(rate)
    # the shipped rows are in the database with their sources
    record = SeizureScaleRecord.objects.get(row_id=scale)
    assert record.shipped and "MB" in record.source


def test_a_budget_dated_in_january_2020_gets_its_allowance_decided(world, couple):
    on = date(2020, 1, 15)
    version = budget_version_create(case=couple, data=couple_budget(date=on), by=world.mediator)
    decision = allowance_decide(
        version=version, data=AllowanceData(amount=D("2600.00")), by=world.mediator, today=on
    )
    assert decision.scale_row_id == "art1409@2020-01-01"
    assert decision.ris_row_id == "ris-cohabitant@2020-01-01"


def test_a_budget_dated_before_2020_is_refused_naming_the_first_row(world, couple):
    on = date(2019, 12, 31)
    version = budget_version_create(case=couple, data=couple_budget(date=on), by=world.mediator)
    with pytest.raises(NoRowInForce, match="01/01/2020") as error:
        selectors.floors_for(version)
    assert error.value.table == "seizure_scales"
    with pytest.raises(NoRowInForce, match="01/01/2020"):
        selectors.legal_tables().ris_in_force("cohabitant", on)


def test_a_couple_case_gets_twice_the_cohabitant_rate(world, couple):
    version = budget_version_create(case=couple, data=couple_budget(), by=world.mediator)
    floors = selectors.floors_for(version)
    assert floors.hard_floor == D("1752.26")
    with pytest.raises(ValidationError) as error:
        allowance_decide(
            version=version,
            data=AllowanceData(amount=D("1750.00")),
            by=world.mediator,
            today=date(2025, 3, 10),
        )
    assert "1.752,26" in error.value.message_dict["amount"][0]
    decision = allowance_decide(
        version=version,
        data=AllowanceData(amount=D("2700.00")),
        by=world.mediator,
        today=date(2025, 3, 10),
    )
    assert decision.ris_amount == D("1752.26") and decision.working["ris_multiplier"] == 2


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"ris_category": "family"}, "ris_category", "enfant mineur"),
        ({"ris_category": "single"}, "ris_category", "cohabitante"),
        ({"adults": 1}, "adults", "deux requérants"),
        ({"partner_outside_case": True, "adults": 3}, "partner_outside_case", "hors procédure"),
    ],
)
def test_a_category_that_contradicts_the_members_is_refused(world, couple, fields, field, words):
    with pytest.raises(ValidationError) as error:
        budget_version_create(case=couple, data=couple_budget(**fields), by=world.mediator)
    assert words in " ".join(error.value.message_dict[field])
    assert not BudgetVersion.objects.exists()


def test_a_partner_income_outside_the_case(world):
    data = BudgetData(
        date=ON,
        ris_category="cohabitant",
        adults=2,
        partner_outside_case=True,
        incomes=[
            IncomeData(kind="earned", amount=D("2000.00"), label="Salaire"),
            IncomeData(kind="earned", amount=D("1500.00"), label="Conjoint", outside_case=True),
        ],
    )
    # without the partner ticked, or given to an applicant: refused, nothing saved
    with pytest.raises(ValidationError) as error:
        budget_version_create(
            case=world.case,
            data=BudgetData(**{**data.__dict__, "partner_outside_case": False}),
            by=world.mediator,
        )
    assert "conjoint ou partenaire" in " ".join(error.value.message_dict["incomes"])
    bad_line = IncomeData(kind="earned", amount=D("1.00"), person=1, outside_case=True)
    with pytest.raises(ValidationError) as error:
        budget_version_create(
            case=world.case,
            data=BudgetData(**{**data.__dict__, "incomes": [bad_line]}),
            by=world.mediator,
        )
    assert "pas celui d'un requérant" in " ".join(error.value.message_dict["incomes"])
    assert not BudgetVersion.objects.exists()

    version = budget_version_create(case=world.case, data=data, by=world.mediator)
    totals = selectors.totals_of(version)
    assert (totals.resources, totals.outside_case) == (D("2000.00"), D("1500.00"))
    assert selectors.versions_of(world.case)[0].total_incomes == D("2000.00")
    floors = selectors.floors_for(version)
    assert floors.resources == D("2000.00") and floors.hard_floor == D("876.13")
    allowance_decide(
        version=version,
        data=AllowanceData(amount=D("1700.00")),
        by=world.mediator,
        today=date(2025, 3, 10),
    )
    # the plan shares the applicant's resources only
    assert selectors.available_for_creditors(world.case, ON) == D("300.00")


# --- the screen ------------------------------------------------------------------------------


def post_version(client, case, **overrides):
    data = {
        "date": "01/03/2025",
        "reason": "Budget initial",
        "adults": "2",
        "dependent_children": "0",
        "ris_category": "family",
        "note": "",
        "incomes-TOTAL_FORMS": "2",
        "incomes-INITIAL_FORMS": "0",
        "incomes-0-kind": "earned",
        "incomes-0-label": "Salaire",
        "incomes-0-amount": "2.000,00",
        "incomes-1-kind": "grapa",
        "incomes-1-label": "GRAPA du conjoint",
        "incomes-1-amount": "900,00",
        "incomes-1-outside_case": "on",
        "charges-TOTAL_FORMS": "0",
        "charges-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return client.post(reverse("budget:version_create", args=[case.pk]), data)


def test_the_screen_refuses_a_contradiction_then_saves_the_household(client, world):
    client.force_login(world.mediator)
    response = post_version(client, world.case)
    assert response.status_code == 200
    page = response.content.decode()
    assert "enfant mineur non marié" in page and "Traceback" not in page
    assert not BudgetVersion.objects.exists()
    response = post_version(
        client, world.case, ris_category="cohabitant", partner_outside_case="on"
    )
    assert response.status_code == 302
    version = BudgetVersion.objects.get()
    assert version.partner_outside_case
    assert [(li.kind, li.outside_case) for li in version.incomes.all()] == [
        ("earned", False),
        ("grapa", True),
    ]
    page = client.get(reverse("budget:case_budget", args=[world.case.pk])).content.decode()
    assert "hors procédure" in page and "900,00" in page
    form = client.get(reverse("budget:version_create", args=[world.case.pk])).content.decode()
    assert "Garantie de revenus aux personnes âgées" in form
    assert "Allocation de remplacement de revenus" in form


# --- the case bundle ---------------------------------------------------------------------


@pytest.mark.django_db
def test_bundle_round_trip_with_the_new_household_fields():
    document = load_document((BUNDLES / "namur-case.json").read_bytes())
    version = document["extensions"]["budget"]["versions"][1]
    version["partner_outside_case"] = False  # the couple is in the case: not written back
    # the second applicant's replacement income is an ARR: same brackets, same figures
    line = next(item for item in version["incomes"] if item["kind"] == "replacement")
    line["kind"] = "disability_replacement"
    case = bundle_import(
        document=copy.deepcopy(document), organisation_slug="cpas-namur", today=date(2026, 11, 24)
    )
    exported = export_case(case)["extensions"]["budget"]["versions"][1]
    del version["partner_outside_case"]
    assert exported == version
    assert "partner_outside_case" not in exported  # older readers see what they knew
    assert AllowanceDecision.objects.filter(version__case=case).exists()


@pytest.mark.django_db
def test_bundle_a_contradicting_category_is_refused_at_its_path():
    document = load_document((BUNDLES / "namur-case.json").read_bytes())
    version = document["extensions"]["budget"]["versions"][0]
    version["dependent_children"] = 0
    with pytest.raises(BundleInvalid) as error:
        bundle_import(document=document, organisation_slug="cpas-namur", today=date(2026, 11, 24))
    paths = {problem.path for problem in error.value.problems}
    assert "$.extensions.budget.versions[0].ris_category" in paths
    assert not BudgetVersion.objects.exists()
