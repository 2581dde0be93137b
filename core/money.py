"""Money is Decimal, rounded explicitly half-up to the cent (fees.md §7)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


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
