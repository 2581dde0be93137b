"""Money is Decimal, rounded explicitly half-up to the cent (fees.md §7).

The one set of money constants of the application: every euro amount is stored with
``MAX_DIGITS`` digits, ``DECIMAL_PLACES`` of them decimals (``core.fields.MoneyField``, the model
field), so ``MAX_AMOUNT`` is the largest amount any app accepts (services, the form field
``core.forms.MoneyField``, the bundle importer): one maximum, whatever the app.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MAX_DIGITS = 12  # numeric(12, 2)
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("9999999999.99")  # 10 ** (MAX_DIGITS - DECIMAL_PLACES) - CENT


def round_cents(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be Decimal, got {type(value).__name__}")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_eur(value: Decimal | None, language: str = "fr") -> str:
    """1234.5 -> '1.234,50 €' (fr-BE) or '€ 1.234,50' (nl-BE)."""
    if value is None:
        return ""
    amount = round_cents(Decimal(value))
    sign = "-" if amount < 0 else ""
    integer, _, cents = f"{abs(amount):.2f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    body = f"{sign}{'.'.join(groups)},{cents}"
    return f"€\u00a0{body}" if language.startswith("nl") else f"{body}\u00a0€"
