"""Counting creditors for the 2,1° and 2,3° forfaits (fees.md §3)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fees.engine.facts import CreditorFacts

# AR 18.12.1998 art. 2, 1° and 3°: the base amount covers up to 5 creditors (fees.md §3).
CREDITORS_IN_BASE = 5


def forfait(base: Decimal, supplement: Decimal, creditors: int) -> Decimal:
    """base + max(0, n - 5) x supplement (fees.md §3)."""
    return base + max(0, creditors - CREDITORS_IN_BASE) * supplement


@dataclass(frozen=True)
class HomologationCount:
    """2,1°: every creditor that declared, time-barred ones included (fees.md §3)."""

    creditors: tuple[CreditorFacts, ...]

    @property
    def n(self) -> int:
        return len(self.creditors)

    @property
    def time_barred(self) -> int:
        return sum(1 for creditor in self.creditors if creditor.all_claims_time_barred)


@dataclass(frozen=True)
class FollowUpCount:
    """2,3°: the creditors taking part in the plan during one follow-up year (fees.md §3)."""

    participating: tuple[CreditorFacts, ...]
    time_barred: tuple[CreditorFacts, ...]
    paid_off: tuple[CreditorFacts, ...]

    @property
    def n(self) -> int:
        return len(self.participating)


def homologation_count(creditors: Sequence[CreditorFacts]) -> HomologationCount:
    return HomologationCount(tuple(creditors))


def follow_up_count(
    creditors: Sequence[CreditorFacts], year_start: date, excludes_paid_off: bool
) -> FollowUpCount:
    """Creditors counted for the follow-up year beginning on ``year_start``.

    A creditor all of whose claims are time-barred takes no part in the plan. Where the division
    excludes paid-off creditors (Dinant), a creditor paid off is excluded from every follow-up
    year that *begins after* its pay-off date; it still counts in the year of its pay-off, and
    in a year beginning on the pay-off day itself (fees.md §3).
    """
    participating, time_barred, paid_off = [], [], []
    for creditor in creditors:
        if creditor.all_claims_time_barred:
            time_barred.append(creditor)
        elif (
            excludes_paid_off
            and creditor.paid_off_on is not None
            and year_start > creditor.paid_off_on
        ):
            paid_off.append(creditor)
        else:
            participating.append(creditor)
    return FollowUpCount(tuple(participating), tuple(time_barred), tuple(paid_off))
