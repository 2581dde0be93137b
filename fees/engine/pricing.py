"""Which tariff row prices a line: one strategy per pricing method (fees.md §5, seed 003).

A strategy answers two questions and nothing else:

- ``dated_on(day)``: the date whose rows price an item dated ``day`` (2,1°, 2,2°, 2,4°, 2,5°,
  3, 4.x);
- ``follow_up_segments(part)``: how the days of a follow-up part (2,3°) are spread over the
  dates whose rows price them.

The engine then reads the rows from the :class:`~fees.tariffs.TariffTable`, so legislation stays
data. Strategies are chosen from :data:`PRICERS` by the case's pricing method.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from core.phrases import Phrase, gettext_noop
from core.pricing import PricingMethod
from fees.engine.years import FollowUpPart, latest_anniversary
from fees.tariffs import TariffTable


@dataclass(frozen=True)
class Segment:
    """``days`` days of a follow-up part, priced at the rows in force on ``priced_on``."""

    priced_on: date
    days: int


class Pricer(ABC):
    method: ClassVar[PricingMethod]

    def __init__(self, tariffs: TariffTable, *, admissibility: date, period_to: date) -> None:
        self.tariffs = tariffs
        self.admissibility = admissibility
        self.period_to = period_to

    @property
    def reference_anniversary(self) -> date | None:
        return None

    def dated_on(self, day: date) -> date:
        """By default an item is priced at the row in force on its own date (fees.md §5)."""
        return day

    def dated_basis(self, day: date) -> Phrase:
        return gettext_noop("tarif en vigueur le %(date)s, date de la prestation", date=day)

    @abstractmethod
    def follow_up_segments(self, part: FollowUpPart, keys: tuple[str, ...]) -> list[Segment]:
        """Spread the days of ``part`` over pricing dates; ``keys`` are the rows of the forfait."""

    @abstractmethod
    def follow_up_basis(self, part: FollowUpPart) -> Phrase:
        """The phrase (French, translatable) saying how the forfait of ``part`` was priced."""


class AnniversaryPricer(Pricer):
    """``anniversary`` (Brabant wallon; Namur, judge's choice A): every line of the statement,
    2,3° included, at the row in force on the reference anniversary (fees.md §5).

    Reading of fees.md §5: the reference anniversary is the latest anniversary (admissibility =
    anniversary 0) on or before the period's end ``to`` *itself*, not on or before its last day
    ``to - 1``. fees.md glosses it as "for an annual report, the anniversary at which it is
    filed": the annual report of ``[A + k - 1, A + k)`` is filed at ``A + k``, which is ``to``;
    reading against ``to - 1`` would pick ``A + k - 1``, the anniversary the year started from.
    """

    method = PricingMethod.ANNIVERSARY

    def __init__(self, tariffs: TariffTable, *, admissibility: date, period_to: date) -> None:
        super().__init__(tariffs, admissibility=admissibility, period_to=period_to)
        self._reference = latest_anniversary(admissibility, period_to)

    @property
    def reference_anniversary(self) -> date:
        return self._reference

    def dated_on(self, day: date) -> date:
        return self._reference

    def _basis(self) -> Phrase:
        return gettext_noop(
            "méthode de la date anniversaire : tarif en vigueur à l'anniversaire de référence "
            "du %(date)s",
            date=self._reference,
        )

    def dated_basis(self, day: date) -> Phrase:
        return self._basis()

    def follow_up_segments(self, part: FollowUpPart, keys: tuple[str, ...]) -> list[Segment]:
        return [Segment(self._reference, part.days)]

    def follow_up_basis(self, part: FollowUpPart) -> Phrase:
        return self._basis()


class ByYearProrataPricer(Pricer):
    """``by_year_prorata`` (Namur, judge's choice B; default elsewhere): each follow-up year is
    split pro rata temporis across the rows in force during it (fees.md §5)."""

    method = PricingMethod.BY_YEAR_PRORATA

    def follow_up_segments(self, part: FollowUpPart, keys: tuple[str, ...]) -> list[Segment]:
        # Cut the part wherever any row of the forfait (base or supplement) changes.
        cuts = {part.start, part.end}
        for key in keys:
            cuts.update(span.start for span in self.tariffs.spans(key, part.start, part.end))
        bounds = sorted(cuts)
        return [
            Segment(start, (end - start).days)
            for start, end in zip(bounds, bounds[1:], strict=False)
        ]

    def follow_up_basis(self, part: FollowUpPart) -> Phrase:
        return gettext_noop(
            "ventilation par année, prorata temporis entre les tarifs en vigueur pendant l'année"
        )


class ByYearNewForfaitPricer(Pricer):
    """``by_year_new_forfait`` (Dinant): the part of each follow-up year inside the period is
    priced entirely at the row in force on the last day of that part, with no proration between
    rows (fees.md §5; seed 003 "application du nouveau forfait"). The part itself is still
    prorated when it is not a whole year (fees.md §4 applies to every method)."""

    method = PricingMethod.BY_YEAR_NEW_FORFAIT

    def follow_up_segments(self, part: FollowUpPart, keys: tuple[str, ...]) -> list[Segment]:
        return [Segment(part.last_day, part.days)]

    def follow_up_basis(self, part: FollowUpPart) -> Phrase:
        return gettext_noop(
            "ventilation par année, nouveau forfait : tarif en vigueur le dernier jour de la "
            "période couverte (%(date)s), sans prorata entre tarifs",
            date=part.last_day,
        )


PRICERS: dict[PricingMethod, type[Pricer]] = {
    PricingMethod.ANNIVERSARY: AnniversaryPricer,
    PricingMethod.BY_YEAR_PRORATA: ByYearProrataPricer,
    PricingMethod.BY_YEAR_NEW_FORFAIT: ByYearNewForfaitPricer,
}


def pricer_for(
    method: PricingMethod, tariffs: TariffTable, *, admissibility: date, period_to: date
) -> Pricer:
    return PRICERS[method](tariffs, admissibility=admissibility, period_to=period_to)
