"""Read selectors of the mediation account.

Every function takes a case or an account already obtained through the organisation-scoped case
selectors (``cases.selectors.case_get_for_user``): another organisation's case is a 404 before
any of these runs, and an entry is only ever looked up inside its case's account.

Money is ``Decimal`` throughout. Periods are half-open, ``[start, end)`` on the value date, like
the fee periods (fees.md §7): an entry dated ``start`` is in, one dated ``end`` is not. The
balance and the reserve follow the rules of the posting trigger (migration 0002): a
``reserve_transfer`` moves money between the available part and the reserve without changing the
balance (in = set aside, out = released); a ``fee_payment`` out is drawn from the reserve first.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from cases.models import Case
from claims.models import Claim, ClaimStatus, Creditor
from claims.selectors import admitted_ceilings
from core.dates import add_years
from core.fields import MoneyField
from core.money import round_cents

from . import registry
from .chain import GENESIS_HASH, entry_hash
from .models import (
    Account,
    Category,
    Direction,
    Entry,
)

ZERO = Decimal("0.00")
JOURNAL_PAGE_SIZE = 50


def account_of(case: Case) -> Account | None:
    return Account.objects.filter(case=case).first()


def account_for_journal(case: Case) -> Account | None:
    """The case's account (:func:`account_of`, the same one query) with ``last_hash``, the
    chain hash of its latest entry (``None`` before the first): what the journal tab keeps its
    period figures by (:func:`journal_page`); and ``last_value_date``, its latest value date
    (:func:`default_export_end`)."""
    entries = Entry.objects.filter(account=OuterRef("pk"))
    return (
        Account.objects.filter(case=case)
        .annotate(
            last_hash=Subquery(entries.order_by("-sequence").values("hash")[:1]),
            last_value_date=Subquery(entries.order_by("-value_date").values("value_date")[:1]),
        )
        .first()
    )


def entry_get_for_case(case: Case, pk: int) -> Entry:
    """An entry of the case's account; anything else (another case's entry) is a 404."""
    entry = (
        Entry.objects.filter(pk=pk, account__case=case)
        .select_related("account", "creditor", "reverses", "reversed_by", "posted_by")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def journal(
    account: Account, *, start: date | None = None, end: date | None = None, category: str = ""
) -> QuerySet[Entry]:
    qs = account.entries.select_related(
        "creditor", "reverses", "reversed_by", "posted_by"
    ).order_by("sequence")
    if start:
        qs = qs.filter(value_date__gte=start)
    if end:
        qs = qs.filter(value_date__lt=end)
    if category:
        qs = qs.filter(category=category)
    return qs


@dataclass(slots=True)
class JournalRow:
    """An entry as a row of the journal tab shows it, read as plain values (issue 15: a page of
    50 entries with their creditor, reversals and author was some 120 model instances). The
    names are the entry's; its creditor, reversals and author are what the row shows of them
    (``None``: none)."""

    pk: int
    sequence: int
    value_date: date
    booked_at: datetime
    direction: str
    amount: Decimal
    category: str
    counterparty: str
    counterparty_iban: str
    communication: str
    standing_order: bool
    authorisation: str
    bank_reference: str
    note: str
    settlement_reason: str
    creditor_name: str | None  # the creditor's name
    reverses_sequence: int | None  # the number of the entry it reverses
    reversed_by_sequence: int | None  # the number of the entry that reverses it
    posted_by: str | None  # who posted it (``str(user)``); none: imported


_ROW_FIELDS = (
    "pk",
    "sequence",
    "value_date",
    "booked_at",
    "direction",
    "amount",
    "category",
    "counterparty",
    "counterparty_iban",
    "communication",
    "standing_order",
    "authorisation",
    "bank_reference",
    "note",
    "settlement_reason",
    "creditor__name",
    "reverses__sequence",
    "reversed_by__sequence",
)
_AUTHOR_FIELDS = (
    "posted_by_id",
    "posted_by__first_name",
    "posted_by__last_name",
    "posted_by__username",
)


def journal_row(entry: Entry) -> JournalRow:
    """The row of an entry read as a model (with its creditor, reversals and author)."""
    try:
        reversed_by = entry.reversed_by
    except ObjectDoesNotExist:
        reversed_by = None
    values = [getattr(entry, name) for name in _ROW_FIELDS[:15]]
    return JournalRow(
        *values,
        creditor_name=entry.creditor.name if entry.creditor is not None else None,
        reverses_sequence=entry.reverses.sequence if entry.reverses is not None else None,
        reversed_by_sequence=reversed_by.sequence if reversed_by is not None else None,
        posted_by=str(entry.posted_by) if entry.posted_by is not None else None,
    )


def _journal_rows(entries: QuerySet[Entry]) -> list[JournalRow]:
    """``entries`` as rows, in one query; each author read once (``str(user)``)."""
    authors: dict[int, str] = {}
    rows = []
    for *values, author_id, first_name, last_name, username in entries.values_list(
        *_ROW_FIELDS, *_AUTHOR_FIELDS
    ):
        author = None
        if author_id is not None:
            author = authors.get(author_id)
            if author is None:
                user = User(first_name=first_name, last_name=last_name, username=username)
                author = authors[author_id] = str(user)
        rows.append(JournalRow(*values, posted_by=author))
    return rows


@dataclass
class JournalLine:
    entry: Entry | JournalRow  # a row on the journal tab (journal_page), else the entry
    balance: Decimal  # running balance after the entry (in posting order)
    reserve: Decimal | None = None  # fee reserve after the entry


def journal_with_running_balance(account: Account) -> list[JournalLine]:
    """Every entry in posting order with the balance after it. The reserve transfers do not
    change the balance (they earmark part of it)."""
    running = Decimal("0.00")
    lines = []
    for entry in journal(account):
        if entry.category != "reserve_transfer":
            running += entry.signed_amount
        lines.append(JournalLine(entry=entry, balance=running))
    return lines


# Balance and reserve -------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """The state of the account at a point: balance, and the part of it set aside for fees."""

    balance: Decimal = ZERO
    reserve: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.balance - self.reserve

    def after(self, direction: str, amount: Decimal, category: str) -> "Position":
        """The position after one entry (the posting trigger's rules)."""
        signed = amount if direction == Direction.IN else -amount
        if category == Category.RESERVE_TRANSFER:
            return Position(self.balance, self.reserve + signed)
        reserve = self.reserve
        if category == Category.FEE_PAYMENT and direction == Direction.OUT:
            reserve = max(reserve - amount, ZERO)
        return Position(self.balance + signed, reserve)


@dataclass(frozen=True)
class Movement:
    """The figures of one entry, without its texts (cheap to load by the thousand)."""

    sequence: int
    value_date: date
    direction: str
    amount: Decimal
    category: str


def _signed_amount():
    return CaseWhen(
        When(direction=Direction.IN, then=F("amount")),
        default=-F("amount"),
        output_field=MoneyField(),
    )


def position_before(account: Account, day: date | None) -> Position:
    """The account's position from the entries value-dated before ``day`` (the opening position
    of a period starting on ``day``). ``None``: the very beginning (zero)."""
    return _position_before(account.entries.all(), day)


def _position_before(entries: QuerySet[Entry], day: date | None) -> Position:
    if day is None:
        return Position()
    dated = entries.filter(value_date__lt=day)
    balance = dated.exclude(category=Category.RESERVE_TRANSFER).aggregate(
        total=Coalesce(Sum(_signed_amount()), Value(ZERO), output_field=MoneyField())
    )["total"]
    # The reserve is not a plain sum (a fee payment takes it down to zero at most): replay the
    # few entries that move it, in posting order.
    position = Position(balance=ZERO, reserve=ZERO)
    for direction, amount, category in (
        dated.filter(
            Q(category=Category.RESERVE_TRANSFER)
            | Q(category=Category.FEE_PAYMENT, direction=Direction.OUT)
        )
        .order_by("sequence")
        .values_list("direction", "amount", "category")
    ):
        position = position.after(direction, amount, category)
    return Position(balance=balance, reserve=position.reserve)


def movements(account: Account, start: date | None, end: date | None) -> list[Movement]:
    """The entries of ``[start, end)`` in posting order, figures only (one query)."""
    qs = account.entries.all()
    if start:
        qs = qs.filter(value_date__gte=start)
    if end:
        qs = qs.filter(value_date__lt=end)
    return [
        Movement(*row)
        for row in qs.order_by("sequence").values_list(
            "sequence", "value_date", "direction", "amount", "category"
        )
    ]


@dataclass
class CategoryTotal:
    category: str
    label: str
    total_in: Decimal = ZERO
    total_out: Decimal = ZERO
    count: int = 0


@dataclass
class PeriodSummary:
    """Opening and closing position of a period ``[start, end)`` and its totals. The totals in
    and out leave out the reserve transfers (they do not move money), which are summed apart.
    A reversal counts in its original's category, in the opposite direction."""

    start: date | None
    end: date | None
    opening: Position
    closing: Position
    total_in: Decimal = ZERO
    total_out: Decimal = ZERO
    reserve_set_aside: Decimal = ZERO
    reserve_released: Decimal = ZERO
    count: int = 0
    categories: list[CategoryTotal] = field(default_factory=list)

    @property
    def last_day(self) -> date | None:
        """The period's last day, as printed: "du <start> au <end - 1 day>"."""
        return self.end - timedelta(days=1) if self.end else None

    @property
    def balanced(self) -> bool:
        return self.opening.balance + self.total_in - self.total_out == self.closing.balance


def summarise(
    opening: Position, rows: Iterable[Movement], *, start: date | None, end: date | None
) -> tuple[PeriodSummary, dict[int, Position]]:
    """The period's summary and the position after each entry (by sequence), from its opening
    position and its movements in posting order."""
    labels = dict(Category.choices)
    by_category = {code: CategoryTotal(code, str(labels[code])) for code in Category.values}
    summary = PeriodSummary(start=start, end=end, opening=opening, closing=opening)
    after: dict[int, Position] = {}
    position = opening
    for row in rows:
        position = position.after(row.direction, row.amount, row.category)
        after[row.sequence] = position
        total = by_category[row.category]
        total.count += 1
        summary.count += 1
        if row.direction == Direction.IN:
            total.total_in += row.amount
        else:
            total.total_out += row.amount
        if row.category == Category.RESERVE_TRANSFER:
            if row.direction == Direction.IN:
                summary.reserve_set_aside += row.amount
            else:
                summary.reserve_released += row.amount
        elif row.direction == Direction.IN:
            summary.total_in += row.amount
        else:
            summary.total_out += row.amount
    summary.closing = position
    summary.categories = [t for t in by_category.values() if t.count]
    return summary, after


def period_summary(account: Account, start: date | None, end: date | None) -> PeriodSummary:
    """Opening position at ``start``, totals in and out per category, closing position at
    ``end`` (exclusive) — the figures of the journal export."""
    summary, _after = summarise(
        position_before(account, start), movements(account, start, end), start=start, end=end
    )
    return summary


# The journal tab ----------------------------------------------------------------------------


@dataclass
class ChartPoint:
    day: date
    balance: Decimal
    reserve: Decimal


@dataclass
class JournalPage:
    summary: PeriodSummary
    page: Page  # object_list: JournalLine, most recent first
    selected_in: Decimal  # totals of the rows matching the filters (category included)
    selected_out: Decimal
    chart: list[ChartPoint]  # end-of-day position, value-date order, from the opening
    figures_key: tuple | None = None  # what the period's figures are kept by (period_figures)


def daily_positions(opening: Position, rows: Iterable[Movement]) -> list[ChartPoint]:
    """End-of-day balance and reserve on each value date with entries, in date order."""
    points: list[ChartPoint] = []
    position = opening
    for row in sorted(rows, key=lambda r: (r.value_date, r.sequence)):
        position = position.after(row.direction, row.amount, row.category)
        if points and points[-1].day == row.value_date:
            points[-1] = ChartPoint(row.value_date, position.balance, position.reserve)
        else:
            points.append(ChartPoint(row.value_date, position.balance, position.reserve))
    return points


def _period(account: Account, start: date | None, end: date | None) -> QuerySet[Entry]:
    qs = account.entries.all()
    if start:
        qs = qs.filter(value_date__gte=start)
    if end:
        qs = qs.filter(value_date__lt=end)
    return qs


def entry_count(account: Account, start: date | None, end: date | None) -> int:
    """How many entries ``[start, end)`` has (one query): how long a journal excerpt will
    print (issue 15: a long PDF is made in the background)."""
    return _period(account, start, end).count()


def _reserve_moves(period: QuerySet[Entry]) -> QuerySet[Entry]:
    """The entries that move the fee reserve (a reserve transfer, a fee payment out): a few a
    year; the others leave it as it is (``Position.after``)."""
    return period.filter(
        Q(category=Category.RESERVE_TRANSFER)
        | Q(category=Category.FEE_PAYMENT, direction=Direction.OUT)
    )


def _summary_from_totals(
    opening: Position, totals, reserve: Decimal, *, start: date | None, end: date | None
) -> PeriodSummary:
    """The period's summary from its totals per category and direction (one aggregate query),
    the same figures as :func:`summarise` over its rows."""
    labels = dict(Category.choices)
    by_category = {code: CategoryTotal(code, str(labels[code])) for code in Category.values}
    summary = PeriodSummary(start=start, end=end, opening=opening, closing=opening)
    for category, direction, amount, count in totals:
        total = by_category[category]
        total.count += count
        summary.count += count
        if direction == Direction.IN:
            total.total_in += amount
        else:
            total.total_out += amount
        if category == Category.RESERVE_TRANSFER:
            if direction == Direction.IN:
                summary.reserve_set_aside += amount
            else:
                summary.reserve_released += amount
        elif direction == Direction.IN:
            summary.total_in += amount
        else:
            summary.total_out += amount
    summary.closing = Position(
        balance=opening.balance + summary.total_in - summary.total_out, reserve=reserve
    )
    summary.categories = [t for t in by_category.values() if t.count]
    return summary


@dataclass(frozen=True)
class PeriodFigures:
    """What the journal tab reads of a whole period ``[start, end)``, whatever its page: the
    opening position, the totals per category and direction, the entries that move the fee
    reserve, the end-of-day positions (the chart). Read only."""

    key: tuple | None
    opening: Position
    totals: tuple  # (category, direction, total, count)
    moves: tuple  # (sequence, value_date, direction, amount, category), posting order
    chart: tuple[ChartPoint, ...]


FIGURES_KEPT = 32  # periods kept per process (a long journal's figures: some 100 kB)
_figures_kept: "OrderedDict[tuple, PeriodFigures]" = OrderedDict()
_figures_lock = threading.Lock()


def _figures_key(account: Account, start: date | None, end: date | None) -> tuple | None:
    last_hash = getattr(account, "last_hash", None)  # account_for_journal
    if not last_hash:
        return None
    return (account.pk, account.entry_count, last_hash, start, end)


def period_figures(account: Account, start: date | None, end: date | None) -> PeriodFigures:
    """The figures of ``[start, end)`` (:class:`PeriodFigures`), in five queries (three without
    a start date), or none at all when they were read before for the same journal (issue 15:
    they are some 4 ms of the account tab of a long journal, on every page of it).

    They are kept per process by the account, its number of entries and the chain hash of its
    latest entry (``last_hash``: :func:`account_for_journal` reads it with the account, on
    every request), and the period. The journal is append-only (database triggers) and each
    entry's hash covers the previous hash and the entry's value date, direction, amount and
    category (``chain.entry_hash``): the same key is the same entries, and a new entry gives
    another key. Read without ``last_hash`` (an account from :func:`account_of`), or before
    the first entry, nothing is kept. Kept figures are only read, never changed."""
    key = _figures_key(account, start, end)
    if key is not None:
        with _figures_lock:
            kept = _figures_kept.get(key)
            if kept is not None:
                _figures_kept.move_to_end(key)
                return kept
    entries = account.entries.all()
    if key is not None:  # the entries the key names, not one posted since it was read
        entries = entries.filter(sequence__lte=account.entry_count)
    opening = _position_before(entries, start)
    period = entries
    if start:
        period = period.filter(value_date__gte=start)
    if end:
        period = period.filter(value_date__lt=end)
    totals = tuple(
        period.order_by()
        .values_list("category", "direction")
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    moves = tuple(
        _reserve_moves(period)
        .order_by("sequence")
        .values_list("sequence", "value_date", "direction", "amount", "category")
    )
    chart = tuple(_daily_chart(opening, period, list(moves)))
    figures = PeriodFigures(key=key, opening=opening, totals=totals, moves=moves, chart=chart)
    if key is not None:
        with _figures_lock:
            _figures_kept[key] = figures
            while len(_figures_kept) > FIGURES_KEPT:
                _figures_kept.popitem(last=False)
    return figures


def journal_page(
    account: Account,
    *,
    start: date | None = None,
    end: date | None = None,
    category: str = "",
    page: int | str | None = 1,
    per_page: int = JOURNAL_PAGE_SIZE,
) -> JournalPage:
    """One page of the journal (most recent first) with the balance after each entry, in a
    fixed number of queries and reading only the page's entries (issue 15: a 5,000-entry
    journal was read whole on every page): the period's totals are one aggregate query, the
    page is paginated in the database, the balance before the page's first entry is one
    aggregate, and the reserve is replayed from the few entries that move it. The chart reads
    one total per value date."""
    figures = period_figures(account, start, end)
    opening, totals, moves = figures.opening, figures.totals, figures.moves
    period = _period(account, start, end)
    if figures.key is not None:  # the entries the figures count, not one posted since
        period = period.filter(sequence__lte=account.entry_count)
    reserve_after: list[tuple[int, Decimal]] = []  # (sequence, reserve after it), posting order
    position = opening
    for sequence, _day, direction, amount, row_category in moves:
        position = position.after(direction, amount, row_category)
        reserve_after.append((sequence, position.reserve))
    summary = _summary_from_totals(opening, totals, position.reserve, start=start, end=end)
    selected = [row for row in totals if not category or row[0] == category]
    selected_in = sum((row[2] for row in selected if row[1] == Direction.IN), ZERO)
    selected_out = sum((row[2] for row in selected if row[1] == Direction.OUT), ZERO)

    shown = period.filter(category=category) if category else period
    paginator = Paginator(shown.order_by("-sequence"), per_page)
    paginator.count = sum(row[3] for row in selected)  # the totals counted them: no COUNT(*)
    current = paginator.get_page(page)
    # The page's entries are chosen first (a subquery on the account's sequence index), then
    # joined to their creditor, reversals and author: joined before the LIMIT, PostgreSQL
    # joined and sorted every entry of the account to keep the last 50 (issue 15).
    entries = _journal_rows(
        Entry.objects.filter(pk__in=current.object_list.values("pk")).order_by("-sequence")
    )
    lines: list[JournalLine] = []
    if entries:
        first, last = entries[-1].sequence, entries[0].sequence
        if category:
            # The entries of other categories between the page's count too: the balance is
            # the account's.
            span = list(
                period.filter(sequence__gte=first, sequence__lte=last)
                .order_by("sequence")
                .values_list("sequence", "direction", "amount", "category")
            )
        else:  # the page is the period's entries from ``first`` to ``last``, none between
            span = [(e.sequence, e.direction, e.amount, e.category) for e in reversed(entries)]
        if not category and current.number == paginator.num_pages:
            before = ZERO  # the period's oldest entries: none before them
        elif not category and current.number == 1:  # its newest: all but the page's before
            before = summary.closing.balance - opening.balance - _net(span)
        else:
            before = (
                period.filter(sequence__lt=first)
                .exclude(category=Category.RESERVE_TRANSFER)
                .aggregate(
                    total=Coalesce(Sum(_signed_amount()), Value(ZERO), output_field=MoneyField())
                )["total"]
            )
        # The balance after each entry of the page's span.
        balance = opening.balance + before
        after: dict[int, Decimal] = {}
        for sequence, direction, amount, row_category in span:
            if row_category != Category.RESERVE_TRANSFER:
                balance += amount if direction == Direction.IN else -amount
            after[sequence] = balance
        reserve_index = 0
        reserve = opening.reserve
        reserves: dict[int, Decimal] = {}
        for entry in reversed(entries):  # posting order
            while (
                reserve_index < len(reserve_after)
                and reserve_after[reserve_index][0] <= entry.sequence
            ):
                reserve = reserve_after[reserve_index][1]
                reserve_index += 1
            reserves[entry.sequence] = reserve
        lines = [JournalLine(e, after[e.sequence], reserves[e.sequence]) for e in entries]
    current.object_list = lines
    return JournalPage(
        summary=summary,
        page=current,
        selected_in=selected_in,
        selected_out=selected_out,
        chart=list(figures.chart),
        figures_key=figures.key,
    )


def _net(rows) -> Decimal:
    """What ``(sequence, direction, amount, category)`` rows change the balance by."""
    return sum(
        (
            amount if direction == Direction.IN else -amount
            for _sequence, direction, amount, row_category in rows
            if row_category != Category.RESERVE_TRANSFER
        ),
        ZERO,
    )


def _daily_chart(opening: Position, period: QuerySet[Entry], moves: list) -> list[ChartPoint]:
    """End-of-day balance and reserve on each value date with entries (as
    :func:`daily_positions`), from one total per day and the reserve's few moves."""
    per_day = dict(
        period.exclude(category=Category.RESERVE_TRANSFER)
        .order_by()
        .values_list("value_date")
        .annotate(net=Sum(_signed_amount()))
        .values_list("value_date", "net")
    )
    days = sorted(set(per_day) | {row[1] for row in moves})
    moves_by_date = sorted(moves, key=lambda row: (row[1], row[0]))
    points: list[ChartPoint] = []
    balance, reserve, index = opening.balance, opening.reserve, 0
    for day in days:
        balance += per_day.get(day, ZERO)
        while index < len(moves_by_date) and moves_by_date[index][1] == day:
            _sequence, _day, direction, amount, row_category = moves_by_date[index]
            reserve = Position(ZERO, reserve).after(direction, amount, row_category).reserve
            index += 1
        points.append(ChartPoint(day, balance, reserve))
    return points


# The journal export --------------------------------------------------------------------------


@dataclass
class JournalExport:
    summary: PeriodSummary
    lines: list[JournalLine]  # posting order


def journal_export(account: Account, start: date | None, end: date | None) -> JournalExport:
    """Every entry of ``[start, end)`` in posting order, with the balance and reserve after it,
    and the period's summary (three queries)."""
    opening = position_before(account, start)
    entries = list(journal(account, start=start, end=end))
    rows = [Movement(e.sequence, e.value_date, e.direction, e.amount, e.category) for e in entries]
    summary, after = summarise(opening, rows, start=start, end=end)
    lines = [JournalLine(e, after[e.sequence].balance, after[e.sequence].reserve) for e in entries]
    return JournalExport(summary=summary, lines=lines)


def default_export_end(
    account: Account, today: date, *, journal: JournalPage | None = None
) -> date:
    """The exclusive end of "everything so far": the day after today or after the last value
    date (a payment prepared for next week), whichever is later. A ``journal`` page of the
    whole account (no period chosen) already knows its last value date, and so does an account
    read by :func:`account_for_journal`: no query then."""
    if journal is not None and journal.summary.start is None and journal.summary.end is None:
        last = journal.chart[-1].day if journal.chart else None
    elif hasattr(account, "last_value_date"):
        last = account.last_value_date
    else:
        last = account.entries.order_by("-value_date").values_list("value_date", flat=True).first()
    return max(today, last or today) + timedelta(days=1)


@dataclass(frozen=True)
class PeriodPreset:
    index: int
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def anniversary_periods(case: Case, account: Account, today: date) -> list[PeriodPreset]:
    """The years between anniversaries of the admissibility order (the annual report's
    periods), from the account's opening to the year containing today, most recent first."""
    presets = []
    k = 1
    while True:
        start = add_years(case.admissibility_date, k - 1)
        end = add_years(case.admissibility_date, k)
        if start > today:
            break
        if end > account.opened_on:
            presets.append(PeriodPreset(k, start, end))
        k += 1
    return list(reversed(presets))


# For the posting form and the fee engine ----------------------------------------------------


def dividend_creditors(case: Case) -> QuerySet[Creditor]:
    """Creditors that may receive a dividend: at least one claim in the case that is neither
    time-barred nor rejected (the rule of ``ledger.services``)."""
    taking_part = Claim.objects.filter(
        case=case, creditor=OuterRef("pk"), time_barred=False
    ).exclude(status=ClaimStatus.REJECTED)
    unpaid = taking_part.filter(paid_off_on__isnull=True)
    return (
        Creditor.objects.filter(organisation_id=case.organisation_id)
        .filter(Exists(taking_part))
        .annotate(has_unpaid=Exists(unpaid))
        .order_by("name", "pk")
    )


def fee_payment_allowance(case: Case) -> Decimal:
    """What the court has taxed and is still unpaid (fees.md §8). The taxation orders are
    recorded by the fees module (``ledger.registry``); until one exists no fee payment is
    possible at all."""
    return registry.fee_payment_ceiling(case)


def verify_chain(account: Account) -> list[int]:
    """Sequence numbers whose hash does not match the chain (empty when intact)."""
    broken = []
    previous = GENESIS_HASH
    for entry in account.entries.order_by("sequence"):
        expected = entry_hash(previous, account.pk, entry.sequence, entry)
        if entry.previous_hash != previous or entry.hash != expected:
            broken.append(entry.sequence)
        previous = entry.hash
    return broken


# A creditor is never paid beyond its admitted claim (docs/plan-rules.md) -------------------


@dataclass(frozen=True)
class PaidVsAdmitted:
    """What a creditor of the case was admitted for and what the account paid it."""

    creditor_id: int
    name: str
    admitted: Decimal  # its ceiling: claims.selectors.admitted_ceilings
    paid: Decimal  # dividends paid, not reversed

    @property
    def room(self) -> Decimal:
        """What it may still receive (never negative)."""
        return max(self.admitted - self.paid, ZERO)

    @property
    def overpaid(self) -> Decimal:
        return max(self.paid - self.admitted, ZERO)


def live_dividends(**scope) -> QuerySet[Entry]:
    """The dividends paid out to a creditor that stand (neither reversed nor reversals), within
    ``scope`` (the case or cases, the value dates): the one definition the payment page, the
    checks before filing and the plan's selectors share."""
    return Entry.objects.filter(
        **scope,
        category=Category.DIVIDEND,
        direction=Direction.OUT,
        reverses__isnull=True,
        reversed_by__isnull=True,
        creditor__isnull=False,
    )


def dividends_paid_by_creditor(case: Case, *, before: date | None = None) -> dict[int, Decimal]:
    """Dividends paid from the case's account to each creditor (``live_dividends``),
    value-dated before ``before`` when given: summed in the database, one query."""
    qs = live_dividends(account__case=case)
    if before is not None:
        qs = qs.filter(value_date__lt=before)
    rows = qs.values("creditor_id").annotate(total=Sum("amount")).order_by("creditor_id")
    return {
        creditor_id: round_cents(total)
        for creditor_id, total in rows.values_list("creditor_id", "total")
    }


def paid_vs_admitted(
    case: Case,
    *,
    before: date | None = None,
    claims: Iterable | None = None,
    paid: dict[int, Decimal] | None = None,
) -> dict[int, PaidVsAdmitted]:
    """Each creditor of the case (with a claim or a dividend): the most it may receive
    (``claims.selectors.admitted_ceilings``: its accepted claims that are not time-barred, at
    their admitted amounts; a pending or contested claim counts for nothing until accepted)
    against the dividends the account paid it (value-dated before ``before`` when given).
    The one comparison of the app: the payment page refuses a dividend beyond it, the checks
    before filing with the court (``reports.court_checks.paid_against_ceilings``) read it.
    Three queries, whatever the number of claims and dividends; fewer when the caller has
    already read the case's ``claims`` (with ``claims.selectors.CEILING_FIELDS``, and their
    creditor's name when read with ``select_related("creditor")``: no query for the names unless
    a creditor was paid without a claim) or the dividends ``paid`` per creditor before
    ``before`` (the plan page, issue 15)."""
    names: dict[int, str] = {}
    if claims is not None:
        claims = list(claims)
        # the creditors' names the caller read with its claims (``select_related("creditor")``)
        for claim in claims:
            if Claim.creditor.is_cached(claim):
                names[claim.creditor_id] = claim.creditor.name
    admitted = admitted_ceilings(case, claims=claims)
    if paid is None:
        paid = dividends_paid_by_creditor(case, before=before)
    unnamed = (set(admitted) | set(paid)) - names.keys()
    if unnamed:  # a creditor paid without a claim, or claims read without their creditor
        names.update(Creditor.objects.filter(pk__in=unnamed).values_list("pk", "name"))
    names = {pk: names[pk] for pk in set(admitted) | set(paid)}
    return {
        pk: PaidVsAdmitted(
            creditor_id=pk,
            name=names[pk],
            admitted=admitted.get(pk, ZERO),
            paid=paid.get(pk, ZERO),
        )
        for pk in sorted(names, key=lambda pk: (names[pk], pk))
    }
