"""Where higher apps plug into the mediation account (ARCHITECTURE.md: a lower app never imports
a higher one).

The fee ceiling: a fee payment may not exceed what the court has taxed and is still unpaid
(fees.md §8). Taxation orders belong to the ``fees`` app, which registers the function that
computes that amount from its ``AppConfig.ready``. Without it (no fees app), no fee payment is
possible at all.
"""

from collections.abc import Callable
from decimal import Decimal

_fee_payment_ceiling: Callable[[object], Decimal] | None = None


def register_fee_payment_ceiling(function: Callable[[object], Decimal]) -> None:
    """``function(case)`` -> what may still be paid in fees (taxed and unpaid), never negative."""
    global _fee_payment_ceiling
    _fee_payment_ceiling = function


def fee_payment_ceiling(case) -> Decimal:
    if _fee_payment_ceiling is None:
        return Decimal("0.00")
    return _fee_payment_ceiling(case)
