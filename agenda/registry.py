"""The kinds of duty the daily run knows, registered by the apps that own their data.

The agenda sits just above ``cases`` (ARCHITECTURE.md): it stores duties and runs the clocks but
knows nothing of fees, claims, reports or plans. Each of those apps registers, from its
``AppConfig.ready``, the kinds of duty it is responsible for: how to find the dates that fall in
a period (``produce``), what to do in the same transaction when a duty is recorded
(``on_created``: e.g. the fees app writes the JustRestart invoice), how to tell that an open duty
has been settled (``settled``) and which screen settles it (``url``).

A kind's ``produce`` is a pure read: it may be called for the coming days to forecast the agenda
without recording anything.

A kind may also give ``produce_many(cases, start, end)``: the same specs for many cases at once,
in a few queries whatever their number (``{case id: [specs]}``, a case without any may be left
out), so that the agenda's forecast and the daily run do not read each case apart. For every case
it must give exactly what ``produce`` gives, in the same order (tests/test_agenda_batch.py).
``produce_for_cases`` calls it, or ``produce`` case by case for a kind without it.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class DutySpec:
    """One dated duty of one case. ``(case, kind, due_date, subject)`` is its identity: the
    daily run records it once, whatever the number of runs or workers."""

    kind: str
    due_date: date
    subject: str = ""  # tells apart duties of one kind and date (e.g. "creditor:12")
    deadline: date | None = None  # when it becomes overdue (default: due_date)
    data: dict[str, Any] = field(default_factory=dict)  # JSON-safe details shown with it


@dataclass(frozen=True)
class DutyKind:
    code: str
    label: str | Promise
    # produce(case, start, end) -> the specs of this kind with start < due_date <= end
    produce: Callable[[Any, date, date], Iterable[DutySpec]]
    # on_created(duty) -> None: side effects inside the duty's transaction
    on_created: Callable[[Any], None] | None = None
    # settled(open_duties_of_one_case) -> {duty id: date it was settled}
    settled: Callable[[list[Any]], dict[int, date]] | None = None
    # url(duty) -> the screen that settles it
    url: Callable[[Any], str] | None = None
    order: int = 100
    # produce_many(cases, start, end) -> {case id: specs}: ``produce`` for many cases at once
    produce_many: Callable[[Sequence[Any], date, date], dict[int, Iterable[DutySpec]]] | None = None
    # False for a kind whose dates are never in the future (e.g. the day a statement was
    # filed, the day payments were prepared): the forecast of the coming days skips it.
    forecast: bool = True


_kinds: dict[str, DutyKind] = {}


def register_duty_kind(kind: DutyKind) -> None:
    if kind.code in _kinds and _kinds[kind.code] != kind:
        raise ValueError(f"duty kind {kind.code!r} is already registered")
    _kinds[kind.code] = kind


def unregister_duty_kind(code: str) -> None:
    """For tests that register a kind of their own."""
    _kinds.pop(code, None)


def duty_kinds() -> list[DutyKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.code))


def duty_kind(code: str) -> DutyKind | None:
    return _kinds.get(code)


# The batch forms read the cases with ``case_id IN (...)``: callers pass at most this many.
BATCH_SIZE = 500


def produce_for_cases(
    kind: DutyKind, cases: Sequence[Any], start: date, end: date
) -> dict[int, list[DutySpec]]:
    """``{case id: the specs of kind for that case in (start, end]}`` for every case given: the
    kind's ``produce_many`` when it has one (a few queries), else its ``produce`` per case. An
    exception of either goes to the caller (who may retry case by case to isolate a case)."""
    if kind.produce_many is not None:
        found = kind.produce_many(cases, start, end)
        return {case.pk: list(found.get(case.pk, ())) for case in cases}
    return {case.pk: list(kind.produce(case, start, end)) for case in cases}


# Reads shared by the kinds of one batch: several kinds read the same rows (the claims' kinds
# the known creditors and first declarations, the plans' kinds the approved versions). Within
# ``shared_reads()`` (the forecast, the daily run's batch reads) ``shared(key, read)`` reads
# once per key; outside it, every call reads. The key names the read and its arguments (e.g.
# ``("claims.known_creditors", case ids)``); callers must not change what they are given.
_shared: ContextVar[dict | None] = ContextVar("agenda_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key: tuple, read: Callable[[], Any]) -> Any:
    memo = _shared.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


# Hooks run once at the end of each successful daily run (e.g. the mediators' digest e-mail):
# hook(run_date) -> {"name": count} merged into the run's JSON summary.
_after_run: list[Callable[[date], dict[str, int]]] = []


def register_after_run(hook: Callable[[date], dict[str, int]]) -> None:
    if hook not in _after_run:
        _after_run.append(hook)


def after_run_hooks() -> list[Callable[[date], dict[str, int]]]:
    return list(_after_run)


# --- what the agenda screens show ----------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    """One line of the agenda: an open duty, a forecast of the coming week, or an item of a
    higher app (e.g. a negotiation follow-up of ``contacts``). Plain data: the screens, the
    iCalendar feed and the digest e-mail show it without knowing where it comes from."""

    kind: str  # a stable code (the duty kind's, or the source's, e.g. "follow_up")
    label: str | Promise
    case: Any  # the Case (its reference is shown; never the applicants' national numbers)
    due_date: date  # the legal date of the event
    deadline: date  # when it becomes overdue
    url: str  # the screen that settles it
    uid: str  # stable identity (the iCalendar event's UID)
    detail: str = ""  # a short precision (e.g. the creditor of a follow-up)
    forecast: bool = False  # produced for the coming days, not recorded yet


# source(cases, start, end) -> the open items of those cases (a Case queryset, already scoped
# to what the user may see) whose deadline d is start < d <= end (start None: no lower bound).
# Registered from a higher app's AppConfig.ready (contacts: the negotiation follow-ups).
# count(cases, start, end) -> how many items source(cases, start, end) gives, counted by the
# database (the navigation badge, on every page): optional, the items are counted otherwise.
AgendaSource = Callable[[Any, date | None, date], Iterable[AgendaItem]]
AgendaSourceCount = Callable[[Any, date | None, date], int]
_sources: dict[str, AgendaSource] = {}
_counts: dict[str, AgendaSourceCount] = {}


def register_agenda_source(
    key: str, source: AgendaSource, *, count: AgendaSourceCount | None = None
) -> None:
    _sources[key] = source
    if count is not None:
        _counts[key] = count
    else:
        _counts.pop(key, None)


def unregister_agenda_source(key: str) -> None:
    """For tests."""
    _sources.pop(key, None)
    _counts.pop(key, None)


def agenda_sources() -> list[AgendaSource]:
    return [_sources[key] for key in sorted(_sources)]


def agenda_source_counts() -> list[AgendaSourceCount]:
    """One counting function a source: its own, or one counting the items it gives."""

    def counting(source: AgendaSource) -> AgendaSourceCount:
        return lambda cases, start, end: sum(1 for _item in source(cases, start, end))

    return [_counts.get(key) or counting(_sources[key]) for key in sorted(_sources)]
