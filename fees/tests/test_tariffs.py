"""The tariff rows as data (fees.md §2) and the TariffTable lookups. No database."""

import json
from datetime import date
from decimal import Decimal

import pytest

from fees.tariffs import (
    DATA_FILE,
    FeeEngineError,
    NoTariffInForce,
    TariffDataError,
    TariffRow,
    TariffTable,
    load_default_tariffs,
    rows_from_json,
)

# fees.md §2, copied column by column: until 31.12.2017 | 1.1.2018 | 1.1.2022 | 1.1.2023.
FEES_MD_TABLE = {
    "2.1.base": ("506.64", "539.01", "589.95", "651.01"),
    "2.1.extra": ("33.78", "35.94", "39.34", "43.41"),
    "2.2": ("8.43", "8.97", "9.82", "10.83"),
    "2.3.base": ("202.64", "215.59", "235.96", "260.39"),
    "2.3.extra": ("13.51", "14.37", "15.73", "17.36"),
    "2.4": ("168.87", "179.66", "196.64", "216.99"),
    "2.5": ("101.33", "107.80", "117.99", "130.20"),
    "3": ("84.42", "89.81", "98.30", "108.47"),
    "4.1": ("11.82", "12.58", "13.77", "15.19"),
    "4.2": ("6.77", "7.20", "7.88", "8.70"),
    "4.3": ("101.33", "107.80", "117.99", "130.20"),
    "4.4": ("0.22", "0.23", "0.25", "0.28"),
}
COLUMNS = (None, date(2018, 1, 1), date(2022, 1, 1), date(2023, 1, 1))


@pytest.fixture(scope="module")
def table() -> TariffTable:
    return load_default_tariffs()


@pytest.mark.parametrize("key", sorted(FEES_MD_TABLE))
def test_every_cell_of_the_fees_md_table_is_a_dated_row(table: TariffTable, key: str) -> None:
    rows = table.rows_for(key)
    assert [row.effective_from for row in rows] == list(COLUMNS)
    assert [row.amount for row in rows] == [Decimal(a) for a in FEES_MD_TABLE[key]]
    assert rows[0].start_unknown  # the "until 31.12.2017" column: start not confirmed
    assert all(row.source for row in rows)
    assert "etaamb.openjustice.be" in rows[0].source and "etaamb" in rows[1].source
    assert "24.01.2022" in rows[2].source and "3346" in rows[2].source
    assert "2023" in rows[3].source


def test_justrestart_and_vat_rows(table: TariffTable) -> None:
    (justrestart,) = table.rows_for("6.justrestart")
    assert justrestart.effective_from == date(2023, 11, 2)
    assert justrestart.amount == Decimal("75.00")
    assert "29.03.2024" in justrestart.source and "2024003081" in justrestart.source
    (vat,) = table.rows_for("vat")
    assert vat.amount == Decimal("0.21")
    assert vat.source


def test_the_data_file_is_flat_and_amounts_are_decimal_strings() -> None:
    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert document["format"] == "rcd-tariffs/1"
    assert len(document["rows"]) == 12 * 4 + 2
    for row in document["rows"]:
        assert set(row) == {"id", "key", "effective_from", "start_unknown", "amount", "source"}
        assert isinstance(row["amount"], str)
        assert row["key"] in document["keys"]
    assert len({row["id"] for row in document["rows"]}) == len(document["rows"])


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2018, 1, 1), "215.59"),
        (date(2021, 12, 31), "215.59"),
        (date(2022, 1, 1), "235.96"),
        (date(2022, 12, 31), "235.96"),
        (date(2023, 1, 1), "260.39"),
        # after the newest row: the newest row applies (fees.md §2)
        (date(2031, 7, 1), "260.39"),
    ],
)
def test_in_force_on_both_sides_of_each_indexation(
    table: TariffTable, on: date, expected: str
) -> None:
    assert table.in_force("2.3.base", on).amount == Decimal(expected)


def test_a_row_of_unknown_start_covers_no_date(table: TariffTable) -> None:
    with pytest.raises(NoTariffInForce) as caught:
        table.in_force("4.1", date(2017, 12, 31))
    message = str(caught.value)
    assert "4.1@until-2017-12-31" in message
    assert "existe" in message and "date de début" in message and "inconnue" in message
    assert "31/12/2017" in message and "01/01/2018" in message
    assert caught.value.key == "4.1" and caught.value.on == date(2017, 12, 31)
    assert isinstance(caught.value, FeeEngineError) and isinstance(caught.value, ValueError)


def test_once_an_administrator_enters_the_start_the_old_row_prices(table: TariffTable) -> None:
    rows = [
        TariffRow(r.id, r.key, r.effective_from or date(2016, 1, 1), r.amount, r.source)
        for r in table.rows_for("4.1")
    ]
    amended = TariffTable(rows)
    assert amended.in_force("4.1", date(2017, 12, 31)).amount == Decimal("11.82")
    with pytest.raises(NoTariffInForce, match="première ligne encodée s'applique à partir du"):
        amended.in_force("4.1", date(2015, 12, 31))


def test_missing_key_and_date_before_a_known_first_row(table: TariffTable) -> None:
    with pytest.raises(NoTariffInForce, match="Aucune ligne de tarif"):
        table.in_force("9.9", date(2023, 1, 1))
    with pytest.raises(NoTariffInForce, match="02/11/2023"):
        table.in_force("6.justrestart", date(2023, 11, 1))


def test_spans_give_the_rows_and_days_over_an_interval(table: TariffTable) -> None:
    spans = table.spans("2.3.base", date(2021, 6, 15), date(2023, 6, 15))
    # 15/06/2021 -> 01/01/2022 = 16 + 31 + 31 + 30 + 31 + 30 + 31 = 200 days;
    # 2022 = 365 days; 01/01/2023 -> 15/06/2023 = 31 + 28 + 31 + 30 + 31 + 14 = 165 days.
    assert [(s.row.effective_from, s.days) for s in spans] == [
        (date(2018, 1, 1), 200),
        (date(2022, 1, 1), 365),
        (date(2023, 1, 1), 165),
    ]
    assert table.spans("2.3.base", date(2023, 2, 1), date(2023, 2, 1)) == ()
    with pytest.raises(NoTariffInForce):
        table.spans("2.3.base", date(2017, 6, 15), date(2018, 6, 15))


def test_table_is_built_from_a_plain_list_and_validated() -> None:
    row = TariffRow("x@2020", "x", date(2020, 1, 1), Decimal("1.00"), "test")
    assert TariffTable([row]).in_force("x", date(2020, 1, 1)) is row
    with pytest.raises(TariffDataError, match="double"):
        TariffTable([row, row])
    with pytest.raises(TariffDataError, match="sans date de début"):
        TariffTable(
            [
                TariffRow("a", "x", None, Decimal("1"), "s"),
                TariffRow("b", "x", None, Decimal("2"), "s"),
            ]
        )
    with pytest.raises(TariffDataError, match="commencent"):
        TariffTable([row, TariffRow("y", "x", date(2020, 1, 1), Decimal("2"), "s")])


def test_json_rows_are_checked() -> None:
    good = {
        "id": "k@x",
        "key": "k",
        "effective_from": None,
        "start_unknown": True,
        "amount": "1.00",
        "source": "s",
    }
    assert rows_from_json({"format": "rcd-tariffs/1", "rows": [good]})[0].start_unknown
    for broken, message in [
        ({**good, "start_unknown": False}, "start_unknown"),
        ({**good, "amount": 1.0}, "chaîne décimale"),
        ({**good, "source": ""}, "source"),
        ({k: v for k, v in good.items() if k != "source"}, "manquant"),
    ]:
        with pytest.raises(TariffDataError, match=message):
            rows_from_json({"format": "rcd-tariffs/1", "rows": [broken]})
    with pytest.raises(TariffDataError, match="format"):
        rows_from_json({"rows": []})
