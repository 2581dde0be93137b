"""Worked examples of the fee engine, each figure derived by hand from fees.md (the arithmetic
is written above every expected amount). Pure Python: no database, no clock.

Tariff rows used (fees.md §2), in EUR:
    2.1 base/extra  539.01/35.94 (2018)  589.95/39.34 (2022)  651.01/43.41 (2023)
    2.2             8.97 (2018)          9.82 (2022)          10.83 (2023)
    2.3 base/extra  215.59/14.37 (2018)  235.96/15.73 (2022)  260.39/17.36 (2023)
    4.1             12.58 (2018)         13.77 (2022)         15.19 (2023)
    4.2 / 4.3 / 4.4 (2023)  8.70 / 130.20 / 0.28 per km; 4.4 (2022) 0.25 per km
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fees.engine import (
    ARTICLES,
    CaseFacts,
    CreditorFacts,
    DuplicateOnceOnlyService,
    FeeEngineError,
    InvalidFacts,
    InvalidPeriod,
    NoTariffInForce,
    PaymentFacts,
    PricingMethod,
    ServiceBeforeAdmissibility,
    ServiceFacts,
    Statement,
    compute_statement,
)
from fees.tariffs import TariffTable, load_default_tariffs

ANNIVERSARY = PricingMethod.ANNIVERSARY
PRORATA = PricingMethod.BY_YEAR_PRORATA
NEW_FORFAIT = PricingMethod.BY_YEAR_NEW_FORFAIT
D = Decimal
ONE_DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def tariffs() -> TariffTable:
    return load_default_tariffs()


def creditors(n: int, time_barred: int = 0) -> tuple[CreditorFacts, ...]:
    return tuple(
        CreditorFacts(f"c{i}", f"Créancier {i}", all_claims_time_barred=i < time_barred)
        for i in range(n)
    )


def make_case(admissibility: date, method: PricingMethod = PRORATA, **kwargs) -> CaseFacts:
    kwargs.setdefault("creditors", creditors(5))
    return CaseFacts("TEST-1", admissibility, pricing_method=method, **kwargs)


def letter(on: date, quantity: int = 1, **kwargs) -> ServiceFacts:
    return ServiceFacts(f"l-{on}", on, "letter", quantity=quantity, **kwargs)


def amounts(statement: Statement, article: str) -> list[Decimal]:
    return [line.amount for line in statement.lines if line.article == article]


def follow_up(case: CaseFacts, start: date, end: date, tariffs: TariffTable) -> list[Decimal]:
    return amounts(compute_statement(case, start, end, tariffs), "2.3")


# --- 2.3, by_year_prorata, both sides of each indexation date ------------------------------


def test_prorata_year_across_2022(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 6, 15))
    # Year 1 = [15/06/2021, 15/06/2022): 365 days.
    # 15/06/2021 -> 01/01/2022 = 16+31+31+30+31+30+31 = 200 days at 215.59 (2018 row);
    # 01/01/2022 -> 15/06/2022 = 31+28+31+30+31+14 = 165 days at 235.96 (2022 row).
    # (215.59 x 200 + 235.96 x 165) / 365 = (43118.00 + 38933.40) / 365 = 82051.40 / 365
    # = 224.7983... -> 224.80
    assert follow_up(case, date(2021, 6, 15), date(2022, 6, 15), tariffs) == [D("224.80")]


def test_prorata_year_across_2023_with_seven_creditors(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 6, 15), creditors=creditors(7))
    statement = compute_statement(case, date(2022, 6, 15), date(2023, 6, 15), tariffs)
    # Year 2 = [15/06/2022, 15/06/2023), 365 days; 7 creditors = 2 above the base.
    # 2022 row: 235.96 + 2 x 15.73 = 267.42 for 200 days (15/06 -> 01/01);
    # 2023 row: 260.39 + 2 x 17.36 = 295.11 for 165 days (01/01 -> 15/06).
    # (267.42 x 200 + 295.11 x 165) / 365 = (53484.00 + 48693.15) / 365 = 102177.15 / 365
    # = 279.9374 -> 279.94   (case-bundle.md shows 289.11 only as a format illustration)
    (line,) = statement.lines
    assert line.amount == D("279.94")
    assert line.label == "Suivi annuel 15/06/2022–14/06/2023 (7 créanciers)"
    assert line.date is None and line.quantity == 1 and line.unit_amount == D("279.94")
    assert line.rule == "2.3 by_year_prorata"
    assert [row.id for row in line.tariff_rows] == [
        "2.3.base@2022-01-01",
        "2.3.extra@2022-01-01",
        "2.3.base@2023-01-01",
        "2.3.extra@2023-01-01",
    ]
    assert "200 j. au tarif du 01/01/2022" in line.explanation
    assert "165 j. au tarif du 01/01/2023" in line.explanation
    assert "7 créanciers participant" in line.explanation
    assert statement.to_json()["lines"][0]["tariff_from"] == ["2022-01-01", "2023-01-01"]


def test_prorata_across_2018_refuses_the_unknown_start_then_prices_2018(
    tariffs: TariffTable,
) -> None:
    case = make_case(date(2017, 6, 15))
    # Year 1 = [15/06/2017, 15/06/2018) has 200 days under the pre-2018 row, whose start is
    # unknown: refused rather than guessed (fees.md §2).
    with pytest.raises(NoTariffInForce, match="date de début d'application est inconnue"):
        compute_statement(case, date(2017, 6, 15), date(2018, 6, 15), tariffs)
    # Year 2 = [15/06/2018, 15/06/2019) lies under the 2018 row only: 215.59 in full.
    assert follow_up(case, date(2018, 6, 15), date(2019, 6, 15), tariffs) == [D("215.59")]


def test_prorata_late_start_first_year_is_prorated(tariffs: TariffTable) -> None:
    case = make_case(date(2022, 1, 10), follow_up_start=date(2022, 9, 1))
    # Follow-up year 1 = [01/09/2022, 01/09/2023), 365 days; inside the period up to
    # 10/01/2023: 30+31+30+31+9 = 131 days = 122 days of 2022 + 9 days of 2023.
    # (235.96 x 122 + 260.39 x 9) / 365 = (28787.12 + 2343.51) / 365 = 31130.63 / 365
    # = 85.2894 -> 85.29
    assert follow_up(case, date(2022, 1, 10), date(2023, 1, 10), tariffs) == [D("85.29")]


def test_follow_up_stops_at_closure(tariffs: TariffTable) -> None:
    case = make_case(date(2022, 1, 10), closure_date=date(2023, 7, 1))
    # Year 2 = [10/01/2023, 10/01/2024), 365 days, cut by the closure on 01/07/2023:
    # 22+28+31+30+31+30 = 172 days at 260.39 -> 260.39 x 172 / 365 = 44787.08 / 365
    # = 122.7043 -> 122.70 ; no JustRestart fee: the anniversary 10/01/2024 is after closure.
    statement = compute_statement(case, date(2023, 1, 10), date(2024, 1, 10), tariffs)
    assert amounts(statement, "2.3") == [D("122.70")]
    assert amounts(statement, "6") == []


def test_leap_year_follow_up_divides_by_366(tariffs: TariffTable) -> None:
    case = make_case(date(2020, 2, 29))
    # Year 4 = [28/02/2023, 29/02/2024) (29/02 -> 28/02 in non-leap 2023): 366 days.
    # Part up to 01/01/2024: 1 + 306 = 307 days at 260.39 -> 260.39 x 307 / 366
    # = 79939.73 / 366 = 218.4146 -> 218.41
    assert follow_up(case, date(2023, 2, 28), date(2024, 1, 1), tariffs) == [D("218.41")]
    # The whole year under one row is the forfait itself: 260.39.
    assert follow_up(case, date(2023, 2, 28), date(2024, 2, 29), tariffs) == [D("260.39")]


def test_a_period_over_two_years_has_one_line_per_year(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 6, 15))
    # Year 1: 224.80 (see test_prorata_year_across_2022); year 2 with 5 creditors:
    # (235.96 x 200 + 260.39 x 165) / 365 = (47192.00 + 42964.35) / 365 = 90156.35 / 365
    # = 247.0037 -> 247.00
    assert follow_up(case, date(2021, 6, 15), date(2023, 6, 15), tariffs) == [
        D("224.80"),
        D("247.00"),
    ]


# --- 2.3, by_year_new_forfait (Dinant) ---------------------------------------------------------


def test_new_forfait_either_side_of_2022(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 6, 15), NEW_FORFAIT)
    # Part [15/06/2021, 01/01/2022) = 200 days, last day 31/12/2021 -> 2018 row:
    # 215.59 x 200 / 365 = 43118 / 365 = 118.1315 -> 118.13
    assert follow_up(case, date(2021, 6, 15), date(2022, 1, 1), tariffs) == [D("118.13")]
    # Part [15/06/2021, 02/01/2022) = 201 days, last day 01/01/2022 -> 2022 row for all of it:
    # 235.96 x 201 / 365 = 47427.96 / 365 = 129.9396 -> 129.94
    assert follow_up(case, date(2021, 6, 15), date(2022, 1, 2), tariffs) == [D("129.94")]
    # Whole year, last day 14/06/2022 -> new forfait 235.96, no proration between rows.
    assert follow_up(case, date(2021, 6, 15), date(2022, 6, 15), tariffs) == [D("235.96")]


def test_new_forfait_either_side_of_2023(tariffs: TariffTable) -> None:
    case = make_case(date(2022, 6, 15), NEW_FORFAIT, creditors=creditors(7))
    # 7 creditors. Part [15/06/2022, 01/01/2023) = 200 days, last day 31/12/2022, 2022 row:
    # (235.96 + 2 x 15.73) x 200 / 365 = 267.42 x 200 / 365 = 53484 / 365 = 146.5315 -> 146.53
    assert follow_up(case, date(2022, 6, 15), date(2023, 1, 1), tariffs) == [D("146.53")]
    # Whole year, last day 14/06/2023, 2023 row: 260.39 + 2 x 17.36 = 295.11
    assert follow_up(case, date(2022, 6, 15), date(2023, 6, 15), tariffs) == [D("295.11")]


def test_new_forfait_either_side_of_2018(tariffs: TariffTable) -> None:
    case = make_case(date(2017, 6, 15), NEW_FORFAIT)
    # Last day 31/12/2017: the pre-2018 row, start unknown -> refused.
    with pytest.raises(NoTariffInForce, match="inconnue"):
        compute_statement(case, date(2017, 6, 15), date(2018, 1, 1), tariffs)
    # Last day 01/01/2018: the 2018 row prices the whole part (the method's point):
    # 201 days of a 365-day year: 215.59 x 201 / 365 = 43333.59 / 365 = 118.7222 -> 118.72
    assert follow_up(case, date(2017, 6, 15), date(2018, 1, 2), tariffs) == [D("118.72")]


# --- anniversary method ----------------------------------------------------------------------


def test_anniversary_reference_is_read_against_to_itself(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 6, 15), ANNIVERSARY, creditors=creditors(7))
    statement = compute_statement(case, date(2022, 6, 15), date(2023, 6, 15), tariffs)
    # The annual report of [15/06/2022, 15/06/2023) is filed at the anniversary 15/06/2023 = to:
    # everything at the 2023 row -> 260.39 + 2 x 17.36 = 295.11 (prorata would give 279.94).
    assert statement.reference_anniversary == date(2023, 6, 15)
    assert amounts(statement, "2.3") == [D("295.11")]


def test_anniversary_on_an_indexation_date(tariffs: TariffTable) -> None:
    case = make_case(date(2019, 1, 1), ANNIVERSARY, services=(letter(date(2022, 3, 1)),))
    # to = 01/01/2023 is anniversary 4: the reference, priced at the 2023 row:
    # 2.3 = 260.39 ; the letter of 01/03/2022 = 1 x 15.19.
    statement = compute_statement(case, date(2022, 1, 1), date(2023, 1, 1), tariffs)
    assert amounts(statement, "2.3") == [D("260.39")]
    assert amounts(statement, "4.1") == [D("15.19")]
    # One day earlier (to = 31/12/2022) the reference is anniversary 3, 01/01/2022: 2022 row.
    # 2.3 = 235.96 x 364 / 365 = 85889.44 / 365 = 235.3135 -> 235.31 ; letter 13.77.
    statement = compute_statement(case, date(2022, 1, 1), date(2022, 12, 31), tariffs)
    assert amounts(statement, "2.3") == [D("235.31")]
    assert amounts(statement, "4.1") == [D("13.77")]


def test_anniversary_either_side_of_2018(tariffs: TariffTable) -> None:
    case = make_case(date(2017, 1, 10), ANNIVERSARY, services=(letter(date(2017, 3, 1)),))
    # Reference = 10/01/2018 (anniversary 1): 2018 row for every line, even the 2017 letter.
    # 2.3 = 215.59 (whole year [10/01/2017, 10/01/2018)) ; letter = 12.58.
    statement = compute_statement(case, date(2017, 1, 10), date(2018, 1, 10), tariffs)
    assert amounts(statement, "2.3") == [D("215.59")]
    assert amounts(statement, "4.1") == [D("12.58")]
    # to = 01/01/2018: the reference is anniversary 0, 10/01/2017, under the unknown-start row.
    with pytest.raises(NoTariffInForce, match="10/01/2017"):
        compute_statement(case, date(2017, 1, 10), date(2018, 1, 1), tariffs)


def test_anniversary_either_side_of_2022_and_2023(tariffs: TariffTable) -> None:
    services = (letter(date(2021, 12, 25)), letter(date(2022, 12, 22)))
    case = make_case(date(2020, 12, 20), ANNIVERSARY, services=services)
    # Reference 20/12/2021 -> 2018 row: 2.3 = 215.59.
    first = compute_statement(case, date(2020, 12, 20), date(2021, 12, 20), tariffs)
    assert amounts(first, "2.3") == [D("215.59")]
    # Reference 20/12/2022 -> 2022 row: 2.3 = 235.96, the letter of 25/12/2021 = 13.77.
    second = compute_statement(case, date(2021, 12, 20), date(2022, 12, 20), tariffs)
    assert amounts(second, "2.3") == [D("235.96")]
    assert amounts(second, "4.1") == [D("13.77")]
    # Reference 20/12/2023 -> 2023 row: 2.3 = 260.39, the letter of 22/12/2022 = 15.19.
    third = compute_statement(case, date(2022, 12, 20), date(2023, 12, 20), tariffs)
    assert amounts(third, "2.3") == [D("260.39")]
    assert amounts(third, "4.1") == [D("15.19")]


def test_anniversary_partial_year(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 6, 15), ANNIVERSARY, creditors=creditors(7))
    # to = 01/01/2023 -> reference 15/06/2022 -> 2022 row 267.42 for 200 of 365 days:
    # 267.42 x 200 / 365 = 146.53
    assert follow_up(case, date(2022, 6, 15), date(2023, 1, 1), tariffs) == [D("146.53")]


# --- dated items on both sides of each indexation date ----------------------------------------


@pytest.mark.parametrize("method", [PRORATA, NEW_FORFAIT])
@pytest.mark.parametrize(
    ("on", "row_from", "expected"),
    [
        # 3 letters x the row in force that day
        (date(2018, 1, 1), date(2018, 1, 1), "37.74"),  # 3 x 12.58
        (date(2021, 12, 31), date(2018, 1, 1), "37.74"),  # 3 x 12.58
        (date(2022, 1, 1), date(2022, 1, 1), "41.31"),  # 3 x 13.77
        (date(2022, 12, 31), date(2022, 1, 1), "41.31"),  # 3 x 13.77
        (date(2023, 1, 1), date(2023, 1, 1), "45.57"),  # 3 x 15.19
    ],
)
def test_dated_items_at_their_own_date(
    tariffs: TariffTable, method: PricingMethod, on: date, row_from: date, expected: str
) -> None:
    case = make_case(date(2017, 11, 1), method, services=(letter(on, quantity=3),))
    statement = compute_statement(case, on, on + ONE_DAY, tariffs)
    (line,) = [line for line in statement.lines if line.article == "4.1"]
    assert line.amount == D(expected)
    assert line.tariff_rows[0].effective_from == row_from
    assert line.rule == f"4.1 {method.value}"


@pytest.mark.parametrize("method", [PRORATA, NEW_FORFAIT])
def test_dated_item_before_2018_is_refused_with_the_service_named(
    tariffs: TariffTable, method: PricingMethod
) -> None:
    case = make_case(date(2017, 11, 1), method, services=(letter(date(2017, 12, 31)),))
    with pytest.raises(NoTariffInForce) as caught:
        compute_statement(case, date(2017, 12, 31), date(2018, 1, 1), tariffs)
    message = str(caught.value)
    assert message.startswith("Lettre ordinaire du 31/12/2017 : le tarif")
    assert "existe mais dont la date de début d'application est inconnue" in message


# --- 2.1 ---------------------------------------------------------------------------------------


def test_homologation_with_five_creditors_one_time_barred(tariffs: TariffTable) -> None:
    service = ServiceFacts(7, date(2022, 3, 10), "homologation_request")
    case = make_case(date(2021, 9, 1), creditors=creditors(5, time_barred=1), services=(service,))
    statement = compute_statement(case, date(2022, 3, 1), date(2022, 4, 1), tariffs)
    # 5 creditors, time-barred included, = the base: 589.95 (2022 row).
    (line,) = [line for line in statement.lines if line.article == "2.1"]
    assert line.amount == D("589.95")
    assert line.label == "Demande d'homologation du plan du 10/03/2022 (5 créanciers)"
    assert "dont 1 forclos" in line.explanation
    assert [row.id for row in line.tariff_rows] == ["2.1.base@2022-01-01"]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        # 2022 row: 589.95 + 3 x 39.34 = 589.95 + 118.02 = 707.97
        (date(2022, 12, 31), "707.97"),
        # 2023 row: 651.01 + 3 x 43.41 = 651.01 + 130.23 = 781.24
        (date(2023, 1, 1), "781.24"),
    ],
)
def test_failure_report_with_eight_creditors_two_time_barred(
    tariffs: TariffTable, on: date, expected: str
) -> None:
    service = ServiceFacts(9, on, "failure_report")
    case = make_case(date(2022, 2, 1), creditors=creditors(8, time_barred=2), services=(service,))
    statement = compute_statement(case, on, on + ONE_DAY, tariffs)
    assert amounts(statement, "2.1") == [D(expected)]


def test_time_barred_count_for_2_1_but_not_for_2_3(tariffs: TariffTable) -> None:
    service = ServiceFacts(9, date(2023, 1, 20), "failure_report")
    case = make_case(date(2022, 2, 1), creditors=creditors(8, time_barred=2), services=(service,))
    statement = compute_statement(case, date(2022, 2, 1), date(2023, 2, 1), tariffs)
    # 2.1: 8 creditors at the 2023 row = 781.24.
    assert amounts(statement, "2.1") == [D("781.24")]
    # 2.3: 6 creditors (2 time-barred excluded). Year [01/02/2022, 01/02/2023), 365 days:
    # 334 days of 2022 at 235.96 + 15.73 = 251.69 ; 31 days of 2023 at 260.39 + 17.36 = 277.75.
    # (251.69 x 334 + 277.75 x 31) / 365 = (84064.46 + 8610.25) / 365 = 92674.71 / 365
    # = 253.9033 -> 253.90
    assert amounts(statement, "2.3") == [D("253.90")]
    assert statement.fees == D("781.24") + D("253.90")


# --- Dinant: paid-off creditors ----------------------------------------------------------------


def dinant_creditors() -> tuple[CreditorFacts, ...]:
    return (
        CreditorFacts("c1", "Banque A", all_claims_time_barred=True),
        CreditorFacts("c2", "Énergie B", paid_off_on=date(2021, 5, 10)),
        CreditorFacts("c3", "Télécom C", paid_off_on=date(2022, 3, 1)),
        *(CreditorFacts(f"n{i}", f"Créancier {i}") for i in range(5)),
    )


def test_dinant_excludes_paid_off_creditors_from_later_years(tariffs: TariffTable) -> None:
    case = make_case(
        date(2019, 3, 1),
        NEW_FORFAIT,
        creditors=dinant_creditors(),
        excludes_paid_off_creditors=True,
    )
    statement = compute_statement(case, date(2021, 3, 1), date(2024, 3, 1), tariffs)
    # Year 3 [01/03/2021, 01/03/2022) begins before c2's pay-off (10/05/2021): c2..c3 + 5 = 7
    #   creditors (c1 time-barred); last day 28/02/2022 -> 2022 row: 235.96 + 2 x 15.73 = 267.42
    # Year 4 [01/03/2022, 01/03/2023) begins after c2's pay-off -> c2 out; c3 paid off on
    #   01/03/2022, the day the year begins (not after) -> still in: 6 creditors;
    #   last day 28/02/2023 -> 2023 row: 260.39 + 17.36 = 277.75
    # Year 5 [01/03/2023, 01/03/2024): c3 out too -> 5 creditors -> 260.39
    assert amounts(statement, "2.3") == [D("267.42"), D("277.75"), D("260.39")]
    # 267.42 + 277.75 + 260.39 = 805.56
    assert statement.fees == D("805.56")
    # JustRestart: anniversaries 01/03/2022 and 01/03/2023 precede 02/11/2023; 01/03/2024 <= to.
    assert amounts(statement, "6") == [D("75.00")]
    assert statement.total == D("880.56")
    assert "Énergie B, désintéressé le 10/05/2021" in statement.lines[1].explanation
    assert "1 créancier forclos" in statement.lines[1].explanation


def test_without_the_dinant_rule_paid_off_creditors_still_count(tariffs: TariffTable) -> None:
    case = make_case(date(2019, 3, 1), NEW_FORFAIT, creditors=dinant_creditors())
    # 7 participating creditors every year (only c1 is out):
    # year 3: 267.42 (2022 row) ; years 4 and 5: 260.39 + 2 x 17.36 = 295.11 (2023 row)
    assert follow_up(case, date(2021, 3, 1), date(2024, 3, 1), tariffs) == [
        D("267.42"),
        D("295.11"),
        D("295.11"),
    ]


# --- 2.2 payments and the standing-order rule -------------------------------------------------


def payments() -> tuple[PaymentFacts, ...]:
    monthly = tuple(
        PaymentFacts(
            f"so-{m}",
            date(2022 + (m - 1) // 12, (m - 1) % 12 + 1, 5),
            "living_allowance",
            D("850.00"),
            standing_order=True,
        )
        for m in range(3, 21)  # 05/03/2022 .. 05/08/2023
    )
    return (
        *monthly,
        PaymentFacts("la-x", date(2022, 12, 20), "living_allowance", D("150.00")),
        PaymentFacts("div", date(2022, 6, 30), "dividend", D("400.00")),
        PaymentFacts("pob", date(2023, 1, 10), "payment_on_behalf", D("60.00"), True),
        PaymentFacts("fee", date(2022, 7, 1), "fee_payment", D("300.00")),
        PaymentFacts("res", date(2022, 7, 2), "reserve_transfer", D("50.00")),
        PaymentFacts("bank", date(2022, 7, 3), "bank_charge", D("2.00")),
    )


def test_standing_order_counts_once_per_follow_up_year(tariffs: TariffTable) -> None:
    case = make_case(date(2022, 3, 1), payments=payments())
    statement = compute_statement(case, date(2022, 3, 1), date(2023, 3, 1), tariffs)
    lines = [line for line in statement.lines if line.article == "2.2"]
    # Year 1: the 12 standing orders count once, dated 05/03/2022 (9.82); the one-off
    # allowance 20/12/2022 (9.82), the dividend 30/06/2022 (9.82), and the payment on behalf
    # 10/01/2023 (standing order, but not an allowance: counts once, 10.83). Fee payments,
    # reserve transfers and bank charges are not billable.
    assert [(line.date, line.amount) for line in lines] == [
        (date(2022, 3, 5), D("9.82")),
        (date(2022, 6, 30), D("9.82")),
        (date(2022, 12, 20), D("9.82")),
        (date(2023, 1, 10), D("10.83")),
    ]
    # 3 x 9.82 + 10.83 = 29.46 + 10.83 = 40.29
    assert statement.subtotals["2.2"] == D("40.29")
    assert lines[0].rule == "2.2 standing_order by_year_prorata"


def test_standing_order_year_straddling_two_periods_is_billed_once(tariffs: TariffTable) -> None:
    case = make_case(date(2022, 3, 1), payments=payments())
    statement = compute_statement(case, date(2022, 9, 1), date(2023, 9, 1), tariffs)
    # Year 1's first standing order (05/03/2022) was billed by the earlier period; year 2's
    # first one, 05/03/2023, is billed here at 10.83; plus 20/12/2022 (9.82) and 10/01/2023
    # (10.83): 10.83 + 9.82 + 10.83 = 31.48
    assert [line.date for line in statement.lines if line.article == "2.2"] == [
        date(2022, 12, 20),
        date(2023, 1, 10),
        date(2023, 3, 5),
    ]
    assert statement.subtotals["2.2"] == D("31.48")


def test_allowance_paid_twice_a_month_counts_twice_a_month(tariffs: TariffTable) -> None:
    paid = tuple(
        PaymentFacts(f"p{day}", date(2023, 2, day), "living_allowance", D("400.00"))
        for day in (1, 15)
    )
    case = make_case(date(2022, 3, 1), payments=paid)
    statement = compute_statement(case, date(2023, 2, 1), date(2023, 3, 1), tariffs)
    # 2 x 10.83 = 21.66
    assert statement.subtotals["2.2"] == D("21.66")


# --- other services ---------------------------------------------------------------------------


def test_each_service_kind_in_2023(tariffs: TariffTable) -> None:
    on = date(2023, 3, 1)
    services = (
        ServiceFacts("r", on, "revision"),
        ServiceFacts("v", on, "revocation"),
        ServiceFacts("s", on, "asset_sale_request"),
        ServiceFacts("i", on, "information_request"),
        ServiceFacts("h", on, "hearing", quantity=2),
        ServiceFacts("e", on, "email", quantity=4),
        ServiceFacts("c30", on, "circular_letter", quantity=30),
        ServiceFacts("c2", on, "circular_letter", quantity=2, registered_postage=D("8.59")),
        ServiceFacts("cx", on, "circular_letter", quantity=21, addressees=33),
        ServiceFacts("f1", on, "phone_copies_forfait", mediator="A"),
        ServiceFacts("f2", on, "phone_copies_forfait", mediator="B"),
        ServiceFacts("t", on, "travel", km=D("42.5")),
        ServiceFacts("a", on, "admin_cost", amount=D("12.40")),
        letter(on, 1, registered_postage=D("8.59")),
    )
    case = make_case(date(2022, 6, 1), follow_up_start=date(2024, 1, 1), services=services)
    statement = compute_statement(case, on, date(2023, 3, 2), tariffs)
    assert statement.subtotals == {
        # revision + revocation + asset sale = 3 x 216.99 = 650.97
        "2.4": D("650.97"),
        "2.5": D("130.20"),
        # 2 hearings x 108.47 = 216.94
        "3": D("216.94"),
        # 4 e-mails x 15.19 = 60.76 ; circular to 2 = 2 ordinary letters = 30.38 ; letter 15.19
        # 60.76 + 30.38 + 15.19 = 106.33
        "4.1": D("106.33"),
        # 30 x 8.70 = 261.00 ; 21 mailings x 33 addressees = 693 x 8.70 = 6029.10 ; = 6290.10
        "4.2": D("6290.10"),
        # one forfait per mediator: 2 x 130.20 = 260.40
        "4.3": D("260.40"),
        # 42.5 km x 0.28 = 11.90
        "4.4": D("11.90"),
        "6": D("12.40"),
        # postage 2 x 8.59 (circular letter to 2) + 8.59 (letter) = 25.77
        "postage": D("25.77"),
    }
    # fees: 650.97 + 130.20 + 216.94 + 106.33 + 6290.10 + 260.40 + 11.90 = 7666.84
    assert statement.fees == D("7666.84")
    assert statement.disbursements == D("38.17")
    assert statement.total == D("7705.01")
    circular_lt3 = next(line for line in statement.lines if line.rule.startswith("4.2<3"))
    assert circular_lt3.article == "4.1" and circular_lt3.quantity == 2


def test_travel_is_km_times_rate_rounded_half_up(tariffs: TariffTable) -> None:
    case = make_case(
        date(2022, 1, 1),
        follow_up_start=date(2023, 1, 1),
        services=(ServiceFacts("t", date(2022, 9, 1), "travel", km=D("12.5")),),
    )
    statement = compute_statement(case, date(2022, 9, 1), date(2022, 9, 2), tariffs)
    # 12.5 x 0.25 = 3.125 -> 3.13 (half-up)
    assert amounts(statement, "4.4") == [D("3.13")]


# --- JustRestart -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("admissibility", "period", "closure", "expected"),
    [
        # anniversary 02/11/2023 = to: included (from < anniversary <= to), first day of the fee
        (date(2020, 11, 2), (date(2022, 11, 2), date(2023, 11, 2)), None, [date(2023, 11, 2)]),
        # 02/11/2023 = from: excluded here (billed by the previous period); 02/11/2024 included
        (date(2020, 11, 2), (date(2023, 11, 2), date(2024, 11, 2)), None, [date(2024, 11, 2)]),
        # anniversary 02/11/2022, before the fee existed
        (date(2020, 11, 2), (date(2021, 11, 2), date(2022, 11, 2)), None, []),
        # anniversary 01/11/2023, one day before 02/11/2023
        (date(2020, 11, 1), (date(2022, 11, 1), date(2023, 11, 1)), None, []),
        # closure on the anniversary: not after the closure, included; the next one is after it
        (
            date(2020, 11, 2),
            (date(2023, 11, 2), date(2025, 11, 2)),
            date(2024, 11, 2),
            [date(2024, 11, 2)],
        ),
        # closure the day before the anniversary
        (date(2020, 11, 2), (date(2023, 11, 2), date(2025, 11, 2)), date(2024, 11, 1), []),
        # the admissibility itself is anniversary 0: no fee at the start
        (date(2023, 12, 1), (date(2023, 12, 1), date(2024, 12, 2)), None, [date(2024, 12, 1)]),
    ],
)
def test_justrestart_boundaries(
    tariffs: TariffTable,
    admissibility: date,
    period: tuple[date, date],
    closure: date | None,
    expected: list[date],
) -> None:
    for method in PricingMethod:
        case = make_case(admissibility, method, closure_date=closure)
        statement = compute_statement(case, *period, tariffs)
        lines = [line for line in statement.lines if line.article == "6"]
        assert [line.date for line in lines] == expected
        assert all(line.amount == D("75.00") and line.rule == "6 justrestart" for line in lines)


# --- VAT -------------------------------------------------------------------------------------


def test_vat_on_fees_only(tariffs: TariffTable) -> None:
    services = (ServiceFacts("a", date(2022, 8, 1), "admin_cost", amount=D("10.00")),)
    case = make_case(
        date(2021, 6, 15), creditors=creditors(7), vat_registered=True, services=services
    )
    statement = compute_statement(case, date(2022, 6, 15), date(2023, 6, 15), tariffs)
    # fees = 279.94 (2.3, see above) ; VAT = 279.94 x 0.21 = 58.7874 -> 58.79
    # disbursements 10.00 bear no VAT ; total = 279.94 + 58.79 + 10.00 = 348.73
    assert statement.fees == D("279.94")
    assert statement.vat == D("58.79")
    assert statement.disbursements == D("10.00")
    assert statement.total == D("348.73")
    assert statement.vat_rate == D("0.21")


def test_vat_is_rounded_half_up_on_the_fee_total(tariffs: TariffTable) -> None:
    travel = ServiceFacts("t", date(2022, 3, 10), "travel", km=D("10"))
    case = make_case(
        date(2022, 1, 1),
        follow_up_start=date(2023, 1, 1),
        vat_registered=True,
        services=(travel,),
    )
    statement = compute_statement(case, date(2022, 3, 1), date(2022, 4, 1), tariffs)
    # fees = 10 km x 0.25 = 2.50 ; VAT = 2.50 x 0.21 = 0.525 -> 0.53 (half-up, not 0.52)
    assert statement.fees == D("2.50")
    assert statement.vat == D("0.53")
    assert statement.total == D("3.03")


def test_no_vat_when_not_registered(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 6, 15), creditors=creditors(7))
    statement = compute_statement(case, date(2022, 6, 15), date(2023, 6, 15), tariffs)
    assert statement.vat == D("0.00") and statement.vat_rate is None
    assert statement.total == D("279.94")


# --- JSON ------------------------------------------------------------------------------------


def test_to_json_is_the_rcd_taxation_1_shape(tariffs: TariffTable) -> None:
    services = (
        letter(date(2022, 7, 1), 2),
        ServiceFacts("t", date(2022, 9, 1), "travel", km=D(12)),
    )
    case = CaseFacts(
        "NAM-2022-0042",
        date(2021, 6, 15),
        creditors=creditors(7),
        services=services,
    )
    document = compute_statement(case, date(2022, 6, 15), date(2023, 6, 15), tariffs).to_json()
    assert list(document) == [
        "format",
        "case",
        "period",
        "pricing_method",
        "lines",
        "subtotals",
        "fees",
        "vat",
        "disbursements",
        "total",
    ]
    assert document["format"] == "rcd-taxation/1"
    assert document["case"] == "NAM-2022-0042"
    assert document["period"] == {"from": "2022-06-15", "to": "2023-06-15"}
    assert document["pricing_method"] == "by_year_prorata"
    # 2 x 13.77 = 27.54 ; 12 km x 0.25 = 3.00 ; fees = 279.94 + 27.54 + 3.00 = 310.48
    assert document["subtotals"] == {"2.3": "279.94", "4.1": "27.54", "4.4": "3.00"}
    assert (document["fees"], document["vat"], document["disbursements"], document["total"]) == (
        "310.48",
        "0.00",
        "0.00",
        "310.48",
    )
    first = document["lines"][0]
    assert first == {
        "article": "2.3",
        "label": "Suivi annuel 15/06/2022–14/06/2023 (7 créanciers)",
        "date": None,
        "quantity": "1",
        "unit_amount": "279.94",
        "amount": "279.94",
        "tariff_from": ["2022-01-01", "2023-01-01"],
        "explanation": first["explanation"],
    }
    assert document["lines"][1]["date"] == "2022-07-01"
    assert document["lines"][1]["quantity"] == "2"
    assert document["lines"][2]["quantity"] == "12"
    assert [line["article"] for line in document["lines"]] == ["2.3", "4.1", "4.4"]
    assert set(document["subtotals"]) <= set(ARTICLES)


def test_period_label_shows_the_last_day(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 6, 15))
    statement = compute_statement(case, date(2022, 6, 15), date(2023, 6, 15), tariffs)
    assert statement.period_label == "du 15/06/2022 au 14/06/2023"


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period_from", "period_to"),
    [
        (date(2023, 1, 1), date(2023, 1, 1)),
        (date(2023, 1, 2), date(2023, 1, 1)),
        (date(2021, 1, 1), date(2021, 6, 15)),  # ends on the admissibility date
    ],
)
def test_invalid_period(tariffs: TariffTable, period_from: date, period_to: date) -> None:
    case = make_case(date(2021, 6, 15))
    with pytest.raises(InvalidPeriod) as caught:
        compute_statement(case, period_from, period_to, tariffs)
    assert "période de taxation" in str(caught.value).lower()
    assert isinstance(caught.value, FeeEngineError)


def test_second_2_1_forfait_is_refused(tariffs: TariffTable) -> None:
    services = (
        ServiceFacts(7, date(2022, 3, 10), "homologation_request"),
        ServiceFacts(9, date(2023, 5, 2), "failure_report"),
    )
    case = make_case(date(2021, 9, 1), services=services)
    # Even for a period that contains neither: the case itself is inconsistent.
    with pytest.raises(DuplicateOnceOnlyService) as caught:
        compute_statement(case, date(2023, 9, 1), date(2024, 9, 1), tariffs)
    message = str(caught.value)
    assert "« Procès-verbal de carence » n° 9 du 02/05/2023" in message
    assert "« Demande d'homologation du plan » n° 7 du 10/03/2022" in message


def test_second_phone_forfait_by_the_same_mediator_is_refused(tariffs: TariffTable) -> None:
    services = (
        ServiceFacts(1, date(2022, 3, 10), "phone_copies_forfait", mediator="Me Dupont"),
        ServiceFacts(2, date(2023, 3, 10), "phone_copies_forfait", mediator="Me Martin"),
        ServiceFacts(3, date(2023, 6, 10), "phone_copies_forfait", mediator="Me Dupont"),
    )
    case = make_case(date(2021, 9, 1), services=services)
    with pytest.raises(DuplicateOnceOnlyService, match="n° 3 du 10/06/2023 du médiateur Me Dupont"):
        compute_statement(case, date(2022, 9, 1), date(2023, 9, 1), tariffs)


def test_service_before_admissibility(tariffs: TariffTable) -> None:
    case = make_case(date(2021, 9, 1), services=(letter(date(2021, 8, 31)),))
    with pytest.raises(ServiceBeforeAdmissibility) as caught:
        compute_statement(case, date(2021, 9, 1), date(2022, 9, 1), tariffs)
    assert "31/08/2021" in str(caught.value) and "01/09/2021" in str(caught.value)
    assert isinstance(caught.value, FeeEngineError)


def test_invalid_facts() -> None:
    with pytest.raises(InvalidFacts, match="kilomètres"):
        ServiceFacts(1, date(2023, 1, 1), "travel")
    with pytest.raises(InvalidFacts, match="type inconnu"):
        ServiceFacts(1, date(2023, 1, 1), "lunch")
    with pytest.raises(InvalidFacts, match="recommandé"):
        ServiceFacts(1, date(2023, 1, 1), "hearing", registered_postage=D("8.00"))
    with pytest.raises(InvalidFacts, match="montant des frais"):
        ServiceFacts(1, date(2023, 1, 1), "admin_cost")
    with pytest.raises(InvalidFacts, match="quantité"):
        ServiceFacts(1, date(2023, 1, 1), "homologation_request", quantity=2)
    with pytest.raises(InvalidFacts, match="catégorie inconnue"):
        PaymentFacts(1, date(2023, 1, 1), "gift", D("1.00"))
    with pytest.raises(TypeError):
        ServiceFacts(1, date(2023, 1, 1), "admin_cost", amount=1.5)
    with pytest.raises(InvalidFacts, match="deux fois"):
        CaseFacts("X", date(2023, 1, 1), creditors=(CreditorFacts("a", "A"),) * 2)
