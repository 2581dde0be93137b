"""Pure date arithmetic shared by the case calendar and the fee engine.

Rule (``../shared/domain/fees.md`` §4): years are always counted from the original start
date; a date that would fall on 29 February of a non-leap year falls on 28 February.
"""

from datetime import date


def add_years(start: date, years: int) -> date:
    """``start`` + ``years`` calendar years; 29/02 becomes 28/02 in a non-leap year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February -> 28 February
        return start.replace(year=start.year + years, day=28)


def anniversary(admissibility: date, k: int) -> date:
    """Anniversary ``k`` of the admissibility order (k = 0 is the order itself)."""
    if k < 0:
        raise ValueError("anniversary index must be >= 0")
    return add_years(admissibility, k)


def next_anniversary(admissibility: date, on_or_after: date) -> date:
    """The first anniversary (k >= 1) falling on or after ``on_or_after``."""
    k = max(1, on_or_after.year - admissibility.year - 1)
    while anniversary(admissibility, k) < on_or_after:
        k += 1
    return anniversary(admissibility, k)


def years_between(start: date, end: date) -> int:
    """Whole years elapsed from ``start`` to ``end`` (0 if ``end`` < ``start``)."""
    if end < start:
        return 0
    years = end.year - start.year
    if add_years(start, years) > end:
        years -= 1
    return years
