"""The plan's result laid out as tables for the page and the PDFs: the schedule per period (one
column per creditor) and its summary per plan year. Pure: sums of the engine's figures, nothing
is rounded again."""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import format_date
from core.money import format_eur
from core.monotext import CHAR_EM, text_table

from .charts import DebtChart, debt_chart
from .engine import CreditorResult, PlanResult

ZERO = Decimal("0.00")


@dataclass
class ScheduleRow:
    label: str
    due: str  # due date (dd/mm/yyyy) or a span of months
    available: Decimal
    fees: Decimal
    dividends: list[Decimal]
    unallocated: Decimal
    remaining: Decimal
    to_creditors: Decimal = ZERO  # every creditor's dividends (also in a chunk of columns)

    def __post_init__(self) -> None:
        if not self.to_creditors:
            self.to_creditors = sum(self.dividends, ZERO)


@dataclass
class Schedule:
    columns: list[CreditorResult]
    rows: list[ScheduleRow] = field(default_factory=list)

    @property
    def totals(self) -> list[Decimal]:
        return [sum((r.dividends[i] for r in self.rows), ZERO) for i in range(len(self.columns))]

    @property
    def available(self) -> Decimal:
        return sum((r.available for r in self.rows), ZERO)

    @property
    def fees(self) -> Decimal:
        return sum((r.fees for r in self.rows), ZERO)

    @property
    def to_creditors(self) -> Decimal:
        return sum((r.to_creditors for r in self.rows), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return sum((r.unallocated for r in self.rows), ZERO)

    @property
    def has_unallocated(self) -> bool:
        return any(r.unallocated for r in self.rows)

    def chunks(self, size: int) -> list["Schedule"]:
        """The same schedule split into tables of at most ``size`` creditor columns (PDF)."""
        if len(self.columns) <= size:
            return [self]
        parts = []
        for start in range(0, len(self.columns), size):
            part = Schedule(columns=self.columns[start : start + size])
            part.rows = [
                ScheduleRow(
                    label=r.label,
                    due=r.due,
                    available=r.available,
                    fees=r.fees,
                    dividends=r.dividends[start : start + size],
                    unallocated=r.unallocated,
                    remaining=r.remaining,
                    to_creditors=r.to_creditors,
                )
                for r in self.rows
            ]
            parts.append(part)
        return parts


def schedule(result: PlanResult) -> Schedule:
    """One row per period (per month for a monthly plan)."""
    table = Schedule(columns=list(result.creditors))
    per_creditor = [result.creditor_dividends(c.creditor_key) for c in table.columns]
    for i, p in enumerate(result.periods):
        table.rows.append(
            ScheduleRow(
                label=str(p.period.index),
                due=format_date(p.period.last_day),
                available=p.available,
                fees=p.fees,
                dividends=[column[i] for column in per_creditor],
                unallocated=p.unallocated,
                remaining=p.remaining,
            )
        )
    return table


def yearly(result: PlanResult) -> Schedule:
    """The schedule added up per plan year (12 months from the plan's start)."""
    table = Schedule(columns=list(result.creditors))
    per_creditor = [result.creditor_dividends(c.creditor_key) for c in table.columns]
    groups: dict[int, list[int]] = {}
    month = 0
    for i, p in enumerate(result.periods):
        groups.setdefault(month // 12, []).append(i)
        month += p.period.months
    for year, indexes in groups.items():
        first = result.periods[indexes[0]].period
        last = result.periods[indexes[-1]].period
        table.rows.append(
            ScheduleRow(
                label=_("Année %(n)s") % {"n": year + 1},
                due=f"{format_date(first.start, 'month')} – {format_date(last.last_day, 'month')}",
                available=sum((result.periods[i].available for i in indexes), ZERO),
                fees=sum((result.periods[i].fees for i in indexes), ZERO),
                dividends=[sum((col[i] for i in indexes), ZERO) for col in per_creditor],
                unallocated=sum((result.periods[i].unallocated for i in indexes), ZERO),
                remaining=result.periods[indexes[-1]].remaining,
            )
        )
    return table


class _Same:
    """A result as a cache key: the same object, not an equal one (comparing two results field
    by field costs more than drawing them)."""

    __slots__ = ("result",)

    def __init__(self, result: PlanResult):
        self.result = result

    def __hash__(self) -> int:
        return id(self.result)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Same) and other.result is self.result


DRAWN_KEPT = 16  # as many as ``plans.selectors.PLANS_KEPT``


def drawn(result: PlanResult) -> tuple[DebtChart | None, "Schedule", "Schedule"]:
    """The plan tab's chart, yearly and detailed schedules of ``result``, in the active
    language. The engine's results are kept by their terms (``plans.selectors._plan_of_terms``):
    a plan shown again is the same result, and what is drawn of it is kept with it (issue 15:
    some 3 ms for a 7-year plan). Read only: the page and the PDFs never change them."""
    return _drawn(_Same(result), get_language() or "fr")


@lru_cache(maxsize=DRAWN_KEPT)
def _drawn(same: _Same, language: str) -> tuple[DebtChart | None, "Schedule", "Schedule"]:
    result = same.result  # the key holds the result: its id is not reused while kept
    return debt_chart(result), yearly(result), schedule(result)


# -- the schedules set as lines of monospaced text (the plan's PDF: annex and yearly summary) ---
#
# Issue 15: WeasyPrint's cost is per box. The annex of a plan for 50 creditors over 5 years is
# some 6,000 table cells, most of the whole mailing's layout and drawing; the same figures set
# as one line of text per payment, its columns aligned by padding in a monospaced face
# (``core.monotext``), cost a tenth. Every figure of the table is still printed, in the same
# columns and the same fr-BE / nl-BE formats.

MONEY_MIN = 10  # characters of a money column, at least (its heading wraps to it)
# The annex's page (templates/plans/_pdf_style.html, "@page annex": A4 landscape, margins 14 mm
# left and right, 14 mm top, 18 mm bottom) and the text's metrics (DejaVu Sans Mono: every
# character ``CHAR_EM`` wide; a line 1.3 em high plus its .4pt rule and .25 mm padding).
LINE_MM = 297 - 28
PAGE_MM = 210 - 32
# the plan's portrait pages ("@page": A4, margins 20 mm left, 16 mm right): the yearly summary
PORTRAIT_LINE_MM = 210 - 36
LINE_EM = 1.3
PT_MM = 25.4 / 72
ROW_EXTRA_MM = 0.4 * PT_MM + 0.25
HEADING_MM = 13.0  # the part's heading (h2) on its first page, with its margins
MAX_PT = 7.0
MIN_PT = 5.0


@dataclass(frozen=True)
class TextPage:
    """The rows of a text table that one page prints, under the table's heading lines."""

    rows: list[str]
    first: bool
    last: bool


@dataclass(frozen=True)
class TextTable:
    """A table set as lines of monospaced text: ``heading`` its column headings (one string of
    several lines), ``pages`` its rows cut in pages (each repeats the heading), ``total`` its
    last line, ``font_pt`` the font size at which its widest line fits the page."""

    heading: str
    pages: list[TextPage]
    total: str
    font_pt: float
    chars: int


def _font_pt(chars: int, width_mm: float) -> float:
    """The font size (a tenth of a point, ``MAX_PT`` at most) at which a line of ``chars``
    characters fits ``width_mm``."""
    font_pt = min(MAX_PT, width_mm / (max(chars, 1) * CHAR_EM * PT_MM))
    return max(MIN_PT, math.floor(font_pt * 10) / 10)


def paged(heading: str, rows: list[str], total: str, chars: int) -> TextTable:
    """The table cut in pages of as many rows as the annex's page holds at the font size at
    which a line of ``chars`` characters fits its width (``MAX_PT`` at most)."""
    font_pt = _font_pt(chars, LINE_MM)
    line_mm = font_pt * LINE_EM * PT_MM
    row_mm = line_mm + ROW_EXTRA_MM
    heading_mm = (heading.count("\n") + 1) * line_mm + 2.0
    # the first page also holds the part's title; a row of room is kept for the total line,
    # another for rounding
    first = max(1, int((PAGE_MM - HEADING_MM - heading_mm) // row_mm) - 2)
    others = max(1, int((PAGE_MM - heading_mm) // row_mm) - 2)
    chunks = [rows[:first]]
    rest = rows[first:]
    while rest:
        chunks.append(rest[:others])
        rest = rest[others:]
    pages = [
        TextPage(rows=chunk, first=n == 0, last=n == len(chunks) - 1)
        for n, chunk in enumerate(chunks)
    ]
    return TextTable(heading=heading, pages=pages, total=total, font_pt=font_pt, chars=chars)


def _figures(part: Schedule, language: str):
    """The columns both text tables share, with their cells: available, fees and each
    creditor's dividend (a creditor's name is its heading); per row, and their totals."""

    def money(value: Decimal) -> str:
        return format_eur(value, language)

    columns = [
        (_("Disponible"), True, MONEY_MIN),
        (_("Honoraires"), True, MONEY_MIN),
        *((c.name, True, MONEY_MIN) for c in part.columns),
    ]
    rows = [
        [money(r.available), money(r.fees), *(money(d) for d in r.dividends)] for r in part.rows
    ]
    total = [money(part.available), money(part.fees), *(money(t) for t in part.totals)]
    return money, columns, rows, total


def schedule_text(part: Schedule, language: str) -> TextTable:
    """The detailed schedule (a chunk of its creditor columns) as a :class:`TextTable`, the
    columns of the annex's table: n°, due date, available, fees, each creditor's dividend,
    every creditor's dividends, remaining due; a last line of totals."""
    money, columns, rows, total = _figures(part, language)
    return paged(
        *text_table(
            [
                (_("N°"), True, 3),
                (_("Échéance"), False, 10),
                *columns,
                (_("Total dividendes"), True, MONEY_MIN),
                (_("Reste dû"), True, MONEY_MIN),
            ],
            [
                [r.label, r.due, *cells, money(r.to_creditors), money(r.remaining)]
                for r, cells in zip(part.rows, rows, strict=True)
            ],
            ["", _("Total"), *total, money(part.to_creditors), ""],
            language,
        )
    )


def yearly_text(part: Schedule, language: str) -> TextTable:
    """The schedule's summary per plan year (a chunk of its creditor columns) as a
    :class:`TextTable` of one page (a few lines: the plan's portrait pages keep it whole): the
    columns of the former table, each year on two lines, its figures on the first, the months
    it spans on the second, under its label; a last line of totals."""
    money, columns, rows, total = _figures(part, language)
    span = max((len(r.due) for r in part.rows), default=0)
    heading, lines, last, chars = text_table(
        [
            (_("Année du plan"), False, span),
            *columns,
            (_("Reste dû en fin d'année"), True, MONEY_MIN),
        ],
        [[r.label, *cells, money(r.remaining)] for r, cells in zip(part.rows, rows, strict=True)],
        [_("Total"), *total, ""],
        language,
    )
    lines = [f"{line}\n{r.due}" for line, r in zip(lines, part.rows, strict=True)]
    return TextTable(
        heading=heading,
        pages=[TextPage(rows=lines, first=True, last=True)],
        total=last,
        font_pt=_font_pt(chars, PORTRAIT_LINE_MM),
        chars=chars,
    )
