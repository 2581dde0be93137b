"""Read selectors of the fees app."""

from decimal import Decimal

from fees.tariffs import TariffRow, TariffTable

from .models import TariffRowRecord

CENT = Decimal("0.01")


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
