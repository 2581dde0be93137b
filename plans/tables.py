"""The plan's result laid out as tables for the page and the PDFs: the schedule per period (one
column per creditor) and its summary per plan year. Pure: sums of the engine's figures, nothing
is rounded again."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import format_date

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
