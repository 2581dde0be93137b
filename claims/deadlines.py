"""The creditors' declaration periods (art. 1675/9 §§2-3 C.J.): pure date arithmetic, no ORM.

The rule implemented (issue #11; ``../shared/domain/README.md`` step 3):

- The clerk notifies the admissibility order to the creditors; from that sending each creditor
  has **one month** to declare its claims. A creditor that has not declared receives the
  mediator's registered reminder, which gives it a **last 15 days** from its receipt; after that
  it is time-barred (*forclos*).
- For a notification sent **on or after 9 January 2023**, a creditor established abroad has
  longer periods: **three months** and a last **30 days** in another member state of the
  European Union, **five months** and a last **50 days** outside the Union. This is the rule
  stated in issue #11 for art. 1675/9 C.J. as amended by the law of 2022 (in force on
  9 January 2023). We could not check the text of the amended article from here: the figures
  and the date live in :data:`PERIODS` and :data:`ABROAD_SINCE` only, to be corrected in one
  place if the Moniteur belge says otherwise. Which regime applies is decided by the date the
  period starts (the notification for the declaration, the reminder's receipt for the last
  days).
- Counting (art. 52-54 C.J.): a period starts the day after the act; a period in months runs
  "de quantième à veille de quantième" (15 March -> 15 April; 31 January -> 28/29 February); a
  period in days counts every day; the last day is included, and moves to the next working day
  when it is a Saturday, a Sunday or a Belgian legal holiday (art. 53 C.J.; the ten holidays
  of the law of 4 January 1974).
- The creditor's country is where it is established (``Creditor.country``, ISO 3166-1 alpha-2;
  empty means Belgium).
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

ABROAD_SINCE = date(2023, 1, 9)

# The kinds of duty of the case's calendar that the claims app owns (agenda.registry; public
# codes of ``run_daily_jobs``' JSON summary).
DECLARATION_DEADLINE = "declaration_deadline"
REMINDER_DEADLINE = "declaration_reminder_deadline"
TIME_BAR = "creditor_time_barred"

BELGIUM = "be"
EU = "eu"
OUTSIDE_EU = "outside_eu"

# ISO 3166-1 alpha-2 codes of the member states of the European Union (27 since 1 February
# 2020). Greece is "GR" in ISO 3166 ("EL" in the EU's own notation: accepted too).
EU_MEMBER_STATES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "EL", "HR",
        "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Periods:
    declaration_months: int
    reminder_days: int


# zone -> periods for a period starting on or after ABROAD_SINCE; before it, Belgium's for all.
PERIODS: dict[str, Periods] = {
    BELGIUM: Periods(declaration_months=1, reminder_days=15),
    EU: Periods(declaration_months=3, reminder_days=30),
    OUTSIDE_EU: Periods(declaration_months=5, reminder_days=50),
}


def zone_of(country: str) -> str:
    """'BE' or '' -> Belgium; another member state -> EU; anything else -> outside the EU."""
    code = (country or "BE").strip().upper()
    if code == "BE":
        return BELGIUM
    return EU if code in EU_MEMBER_STATES else OUTSIDE_EU


def periods_for(zone: str, starts_on: date) -> Periods:
    if starts_on < ABROAD_SINCE:
        return PERIODS[BELGIUM]
    return PERIODS[zone]


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar; the anonymous algorithm of Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def legal_holidays(year: int) -> frozenset[date]:
    """The ten Belgian legal holidays (law of 4 January 1974, royal decree of 18 April 1974)."""
    sunday = easter(year)
    return frozenset(
        {
            date(year, 1, 1),
            sunday + timedelta(days=1),  # Easter Monday
            date(year, 5, 1),
            sunday + timedelta(days=39),  # Ascension
            sunday + timedelta(days=50),  # Whit Monday
            date(year, 7, 21),
            date(year, 8, 15),
            date(year, 11, 1),
            date(year, 11, 11),
            date(year, 12, 25),
        }
    )


def next_working_day(day: date) -> date:
    """``day`` itself, or the next day that is not a Saturday, a Sunday or a legal holiday."""
    while day.weekday() >= 5 or day in legal_holidays(day.year):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later; the end of the month when that day does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def declaration_last_day(notified_on: date, country: str) -> date:
    """The last day on which a creditor may declare, for a notification sent on
    ``notified_on`` (art. 1675/9 §2 C.J.)."""
    periods = periods_for(zone_of(country), notified_on)
    return next_working_day(add_months(notified_on, periods.declaration_months))


def reminder_last_day(received_on: date, country: str) -> date:
    """The last day given by the registered reminder received on ``received_on``
    (art. 1675/9 §3 C.J.); the creditor is time-barred from the next day."""
    periods = periods_for(zone_of(country), received_on)
    return next_working_day(received_on + timedelta(days=periods.reminder_days))
