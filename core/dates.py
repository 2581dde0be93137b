"""Pure date arithmetic shared by the case calendar and the fee engine, and the one way a date
is shown.

Rule (``../shared/domain/fees.md`` §4): years are always counted from the original start
date; a date that would fall on 29 February of a non-leap year falls on 28 February.

Display (fr-BE and nl-BE alike): :func:`format_date` -> 15/06/2023, :func:`format_datetime`
-> 15/06/2023 14:30; the templates' ``|dmy`` and ``|dmy_hm`` filters (``core.templatetags.fr_be``)
are built on them. No other module writes a display format inline (a test scans the sources).
A datetime is formatted as it is given: the caller converts an aware one to local time
(``timezone.localtime``; the template filters do it themselves), this module stays free of
Django for the pure engines. Machine formats are not display: ISO dates in JSON and bundles,
``%Y%m%d`` stamps in file names, the CODA ``%d%m%y`` fields, the localised month names of
Django's ``date_format(d, "F Y")``.
"""

from datetime import date, datetime

DATE_FORMAT = "%d/%m/%Y"  # 15/06/2023; also the date widgets' format (cases.forms)
DATETIME_FORMAT = "%d/%m/%Y %H:%M"  # 15/06/2023 14:30
FORMATS = {
    "short": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "month": "%m/%Y",  # 06/2023: a chart's axis
    "day_month": "%d/%m",  # 15/06: a chart's axis
}


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


def anniversaries_in(admissibility: date, after: date, up_to: date) -> list[tuple[int, date]]:
    """The anniversaries ``(k, date)``, k >= 1, with ``after < date <= up_to`` (29 February
    falls on 28 February in a non-leap year: fees.md §4)."""
    found: list[tuple[int, date]] = []
    k = max(1, after.year - admissibility.year)
    while True:
        when = anniversary(admissibility, k)
        if when > up_to:
            return found
        if when > after:
            found.append((k, when))
        k += 1


def years_between(start: date, end: date) -> int:
    """Whole years elapsed from ``start`` to ``end`` (0 if ``end`` < ``start``)."""
    if end < start:
        return 0
    years = end.year - start.year
    if add_years(start, years) > end:
        years -= 1
    return years


def format_date(value: date | None, fmt: str = "short", *, empty: str = "") -> str:
    """15/06/2023 (``fmt``: a key of :data:`FORMATS`); ``empty`` for no date. A datetime gives
    its date, as it is (local time is the caller's business)."""
    if not value:
        return empty
    return value.strftime(FORMATS[fmt])


def format_datetime(value: datetime | None, *, empty: str = "") -> str:
    """15/06/2023 14:30; ``empty`` for no datetime."""
    return format_date(value, "datetime", empty=empty)
