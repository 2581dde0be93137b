"""Follow-up years and anniversaries (fees.md §4). Pure date arithmetic on ``core.dates``."""

from dataclasses import dataclass
from datetime import date, timedelta

from core.dates import add_years, anniversaries_in, anniversary, years_between

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class FollowUpYear:
    """Follow-up year ``index`` (k): ``[start + (k-1) years, start + k years)``, always counted
    from the original start; 29/02 falls on 28/02 in a non-leap year (fees.md §4)."""

    index: int
    start: date
    end: date

    @property
    def days(self) -> int:
        """365 or 366."""
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - ONE_DAY


def follow_up_year(start: date, index: int) -> FollowUpYear:
    return FollowUpYear(index, add_years(start, index - 1), add_years(start, index))


def follow_up_year_containing(start: date, on: date) -> FollowUpYear:
    """The year of the follow-up grid that contains ``on``. Dates before ``start`` get an index
    <= 0 (the same yearly grid continued backwards), used only to group standing orders."""
    index = on.year - start.year + 1
    year = follow_up_year(start, index)
    while year.start > on:
        year = follow_up_year(start, year.index - 1)
    while year.end <= on:
        year = follow_up_year(start, year.index + 1)
    return year


@dataclass(frozen=True)
class FollowUpPart:
    """The part ``[start, end)`` of a follow-up year that lies inside the taxation period and
    before the closure (fees.md §4: a part of a year is prorated)."""

    year: FollowUpYear
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - ONE_DAY

    @property
    def whole_year(self) -> bool:
        return self.start == self.year.start and self.end == self.year.end


def follow_up_parts(
    start: date, closure: date | None, period_from: date, period_to: date
) -> tuple[FollowUpPart, ...]:
    """The follow-up years (or parts of them) inside ``[period_from, period_to)``.

    Follow-up runs from ``start`` and stops at the closure date (fees.md §4); the closure day
    itself is not followed up (half-open, like every interval of fees.md §7), so a plan closed
    on its 7th anniversary has exactly 7 whole years.
    """
    low = max(period_from, start)
    high = period_to if closure is None else min(period_to, closure)
    if high <= low:
        return ()
    parts = []
    year = follow_up_year_containing(start, low)
    while year.start < high:
        parts.append(FollowUpPart(year, max(low, year.start), min(high, year.end)))
        year = follow_up_year(start, year.index + 1)
    return tuple(parts)


def anniversaries_between(admissibility: date, after: date, up_to: date) -> tuple[date, ...]:
    """Anniversaries ``admissibility + k years`` (k >= 1) with ``after < anniversary <= up_to``
    (fees.md §4 and the JustRestart bound of §6): the dates of ``core.dates.anniversaries_in``,
    the one rule the calendar uses too."""
    return tuple(day for _k, day in anniversaries_in(admissibility, after, up_to))


def latest_anniversary(admissibility: date, on: date) -> date:
    """The latest anniversary (the admissibility date is anniversary 0) on or before ``on``."""
    if on < admissibility:
        raise ValueError("no anniversary before the admissibility date")
    return anniversary(admissibility, years_between(admissibility, on))
