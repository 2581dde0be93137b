"""Read selectors of the fees app."""

from decimal import Decimal

from fees.tariffs import TariffRow, TariffTable

from .models import TariffRowRecord

CENT = Decimal("0.01")


def taxed_unpaid_amount(case) -> Decimal:
    """What the court has taxed for the case and is not paid yet (fees.md §8).

    Taxation orders are recorded with the fee statements (issue 5); no order is recorded in
    this version, so nothing is taxed and no fee payment may leave the account — the rule of
    issue 4 until the taxation orders exist."""
    return Decimal("0.00")


def _amount(record: TariffRowRecord) -> Decimal:
    # money rows have two decimals (checked on save); the VAT row is a rate
    return record.amount.normalize() if record.key == "vat" else record.amount.quantize(CENT)


def tariff_table() -> TariffTable:
    """The tariff rows of the database, as the fee engine's pure ``TariffTable``."""
    return TariffTable(
        TariffRow(
            id=record.row_id,
            key=record.key,
            effective_from=record.effective_from,
            amount=_amount(record),
            source=record.source,
        )
        for record in TariffRowRecord.objects.order_by("key", "effective_from")
    )
