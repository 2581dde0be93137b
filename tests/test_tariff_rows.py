"""Tariff rows in the database: loaded from the shipped data, extendable by an administrator,
and turned into the engine's TariffTable."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from fees.models import TariffRowRecord
from fees.selectors import tariff_table
from fees.tariffs import NoTariffInForce, load_default_tariffs

pytestmark = pytest.mark.django_db


def test_the_migration_loaded_every_shipped_row():
    shipped = load_default_tariffs()
    assert TariffRowRecord.objects.filter(shipped=True).count() == len(shipped)
    table = tariff_table()
    for row in shipped:
        assert table.in_force(row.key, date(2024, 6, 1)) == shipped.in_force(
            row.key, date(2024, 6, 1)
        )
    assert table.in_force("2.3.base", date(2022, 6, 1)).amount == Decimal("235.96")
    assert table.in_force("vat", date(2024, 1, 1)).amount == Decimal("0.21")


def test_load_tariffs_is_idempotent(capsys):
    before = TariffRowRecord.objects.count()
    call_command("load_tariffs")
    assert TariffRowRecord.objects.count() == before
    assert "0 tariff row(s) added" in capsys.readouterr().out


def test_an_administrator_adds_a_new_notice():
    TariffRowRecord.objects.create(
        row_id="2.2@2027-01-01",
        key="2.2",
        effective_from=date(2027, 1, 1),
        amount=Decimal("11.40"),
        source="Avis MB (exemple de test)",
    )
    table = tariff_table()
    assert table.in_force("2.2", date(2026, 12, 31)).amount == Decimal("10.83")
    assert table.in_force("2.2", date(2027, 1, 1)).amount == Decimal("11.40")


def test_the_unknown_start_row_prices_nothing_until_its_start_is_entered():
    with pytest.raises(NoTariffInForce):
        tariff_table().in_force("4.1", date(2017, 6, 1))
    TariffRowRecord.objects.filter(row_id="4.1@until-2017-12-31").update(
        effective_from=date(2014, 1, 1)
    )
    assert tariff_table().in_force("4.1", date(2017, 6, 1)).amount == Decimal("11.82")


def test_a_money_row_has_two_decimals():
    record = TariffRowRecord(
        row_id="x", key="4.1", effective_from=date(2030, 1, 1), amount=Decimal("1.234"), source="s"
    )
    with pytest.raises(ValidationError):
        record.full_clean()
