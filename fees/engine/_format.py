"""French renderings used in labels, explanations and error messages."""

from decimal import Decimal

from core.money import format_eur


def eur(amount: Decimal) -> str:
    """1.234,50 € (fr-BE)."""
    return format_eur(amount)


def fr_number(value: Decimal | int) -> str:
    """A quantity without useless zeros, decimal comma: 12,5 ; 3."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 créancier', '7 créanciers'."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"
