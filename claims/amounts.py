"""A claim's amounts, pure (plain Decimal in, Decimal out): the one definition that
``Claim.total`` / ``Claim.admitted_total`` apply to a model instance and that a reader of plain
rows applies to ``values_list`` (the plan's basis over many cases, ``plans.selectors``,
issue 15), so that the rules are never written twice.
"""

from decimal import Decimal

ZERO = Decimal("0.00")


def claim_total(principal: Decimal, interest: Decimal, costs: Decimal) -> Decimal:
    """The declared amount: principal, interest and costs."""
    return principal + interest + costs


def claim_admitted_total(
    *,
    principal: Decimal,
    interest: Decimal,
    costs: Decimal,
    admitted_amount: Decimal | None,
    interest_after_admissibility: Decimal,
) -> Decimal:
    """What the plan counts (docs/plan-rules.md): the admitted amount, or the declared one less
    the interest run after admissibility (interest stops running at admissibility, art. 1675/7
    §1 C.J.), never below zero."""
    if admitted_amount is not None:
        return admitted_amount
    return max(claim_total(principal, interest, costs) - interest_after_admissibility, ZERO)
