"""Per-division fee policies (shared vocabulary, in core because a case records its pricing
method and the fee engine applies it): which pricing method a division uses by default, and its
counting rules. Source: ``../shared/domain/fees.md`` §3 and §5, seed ``003_be04556a2d8d8e1f.txt``
(MEDENAM sheet 6: Namur, Dinant, Brabant wallon).

Divisions differ by *strategy*, chosen here by ``division_policy(division)``; no other module
should branch on a division code. Pure Python: no ORM.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class PricingMethod(StrEnum):
    """How the indexed tariff rows are applied (fees.md §5). Codes are a public interface."""

    ANNIVERSARY = "anniversary"
    BY_YEAR_PRORATA = "by_year_prorata"
    BY_YEAR_NEW_FORFAIT = "by_year_new_forfait"

    @property
    def label(self) -> str:
        return str(PRICING_METHOD_LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, PRICING_METHOD_LABELS[m]) for m in cls]


PRICING_METHOD_LABELS = {
    PricingMethod.ANNIVERSARY: _("Tarif de la date anniversaire pour toutes les prestations"),
    PricingMethod.BY_YEAR_PRORATA: _("Ventilation par année, forfait 2,3° au prorata temporis"),
    PricingMethod.BY_YEAR_NEW_FORFAIT: _(
        "Ventilation par année, nouveau forfait 2,3° sans prorata"
    ),
}


@dataclass(frozen=True)
class DivisionPolicy:
    default_method: PricingMethod
    # Dinant: a paid-off creditor is excluded from the follow-up years (2,3°) that begin
    # after its pay-off date (fees.md §3).
    excludes_paid_off_creditors: bool = False
    note: str = ""


DEFAULT_POLICY = DivisionPolicy(
    default_method=PricingMethod.BY_YEAR_PRORATA,
    note="fees.md §5: by_year_prorata is the default for every other division.",
)

_POLICIES: dict[str, DivisionPolicy] = {
    "brabant-wallon": DivisionPolicy(
        default_method=PricingMethod.ANNIVERSARY,
        note="Seed 003, 'Dans le Brabant-Wallon': tarif de la date anniversaire.",
    ),
    "namur": DivisionPolicy(
        default_method=PricingMethod.BY_YEAR_PRORATA,
        note=(
            "Seed 003, 'A Namur': chaque magistrat choisit (ventilation par année ou tarif de "
            "la date anniversaire); the case overrides the method when its judge uses the "
            "anniversary rule."
        ),
    ),
    "dinant": DivisionPolicy(
        default_method=PricingMethod.BY_YEAR_NEW_FORFAIT,
        excludes_paid_off_creditors=True,
        note="Seed 003, 'A Dinant': ventilation par année, nouveau forfait sans prorata.",
    ),
}


def division_policy(division: str) -> DivisionPolicy:
    """The fee policy of a court division (selector of the per-division strategy)."""
    return _POLICIES.get(division, DEFAULT_POLICY)


def effective_pricing_method(*, division: str, override: str | None) -> PricingMethod:
    """The case's own method when set, else its division's default (fees.md §5)."""
    if override:
        return PricingMethod(override)
    return division_policy(division).default_method
