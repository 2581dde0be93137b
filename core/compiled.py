"""Queries whose SQL is compiled once per process and database (issue 15): the one place.

Building a queryset's SQL costs the ORM some 0.5 to 2 ms at each request, whatever the number
of rows, for statements that differ only by an id (a case, an organisation, a list of case
ids) or a day. A query is compiled once per key, database alias and number of ids, with
stand-ins in place of its ids and days, then run with the real ones swapped in its
parameters: only the SQL is kept, the rows are always read afresh.

- ``rows_for_ids`` / ``models_for_ids``: over a list of ids (and days);
- ``rows_of`` / ``models_of``: over named ids (``case=…``, ``organisation=…``);
- ``kept_sql``: SQL a caller builds itself, kept under a key that holds all it depends on
  (an organisation, a day: only the latest day's kept).

Rows go through the ORM's converters (the backend's, then the column's: Decimals and dates on
SQLite too), asked of the running thread's connection; instances are made as ``ModelIterable``
makes them (``Model.from_db``, ``select_related`` instances, annotations).

``build`` must give the same SQL for any values of its ids (and days): they only as parameters
(``case_id__in=ids``, ``pk=case``), each at least once, nothing else depending on them. This is
checked when compiled. What is kept is immutable and shared by threads: two threads compiling
the same key at once both compile, one's result is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# No row has such ids: ``_STAND_IN - i`` stands for the i-th id; ``_FIRST_DAY`` + i days for
# the i-th day.
_STAND_IN = -(2**62) - 15_000
_FIRST_DAY = date(1, 1, 3)
_KEPT_SQL_MAX = 2000  # ``kept_sql`` entries (keys with a day or organisation), then forgotten


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (parameter index, value index)
    day_slots: tuple[tuple[int, int, bool], ...]  # (parameter index, day index, as text)
    columns: tuple  # the expressions of the columns kept of a row (their converters)
    width: int | None  # the columns kept of a row (None: all; an ordering may add some)
    model: type[Model] | None = None
    model_start: int = 0
    model_end: int = 0
    init_list: tuple[str, ...] = ()
    related_populators: tuple = ()
    annotation_col_map: tuple[tuple[str, int], ...] = ()


_compiled: dict[tuple, _Compiled] = {}
_kept_sql: dict[tuple, tuple[str, tuple, date | None]] = {}
_kept_sql_lock = threading.Lock()


def _compile(queryset: QuerySet, db: str, values: int, days: list[date], models: bool, uses):
    compiler = queryset.query.get_compiler(using=db)
    sql, params = compiler.as_sql()
    slots = tuple(
        (i, _STAND_IN - p)
        for i, p in enumerate(params)
        if type(p) is int and _STAND_IN - values < p <= _STAND_IN
    )
    if {index for _i, index in slots} != set(range(values)):
        raise AssertionError("every id must be a parameter of the query")
    if uses is not None and len(slots) != uses:
        raise AssertionError(f"the ids are {len(slots)} parameters of the query, not {uses}")
    # a day is a date, or its text on a backend that passes dates as text (SQLite)
    day_slots = tuple(
        (i, k, type(p) is str)
        for i, p in enumerate(params)
        for k, day in enumerate(days)
        if (type(p) is date and p == day) or (type(p) is str and p == str(day))
    )
    if {k for _i, k, _text in day_slots} != set(range(len(days))):
        raise AssertionError("every day must be a parameter of the query")
    kept = {
        "sql": sql,
        "params": tuple(params),
        "slots": slots,
        "day_slots": day_slots,
        "columns": tuple(column[0] for column in compiler.select[: compiler.col_count]),
        "width": compiler.col_count if compiler.has_extra_select else None,
    }
    if not models:
        return _Compiled(**kept)
    if queryset._iterable_class is not ModelIterable or compiler.klass_info is None:
        raise AssertionError("models_of / models_for_ids make model instances (no values())")
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Compiled(
        **kept,
        model=klass_info["model"],
        model_start=start,
        model_end=end,
        init_list=tuple(f[0].target.attname for f in select[start:end]),
        related_populators=tuple(get_related_populators(klass_info, select, db)),
        annotation_col_map=tuple((compiler.annotation_col_map or {}).items()),
    )


def _run(key: tuple, model, build, ids: Sequence[int], days: Sequence[date], models, uses=None):
    """``build``'s rows (converted) for ``ids`` and ``days``; ``build(stand_ins, day_stand_ins)``
    gives the query with stand-ins, once per ``key``, database and number of ids and days."""
    db = router.db_for_read(model)
    full_key = (key[0], db, *key[1:], len(ids), len(days), models)
    compiled = _compiled.get(full_key)
    if compiled is None:
        stand_ins = [_STAND_IN - i for i in range(len(ids))]
        day_stand_ins = [_FIRST_DAY + timedelta(days=i) for i in range(len(days))]
        queryset = build(stand_ins, day_stand_ins)
        compiled = _compile(queryset, db, len(ids), day_stand_ins, models, uses)
        compiled = _compiled.setdefault(full_key, compiled)  # atomic: one kept, if two threads
    params = list(compiled.params)
    for i, index in compiled.slots:
        params[i] = ids[index]
    for i, k, as_text in compiled.day_slots:
        params[i] = str(days[k]) if as_text else days[k]
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if not rows:
        return db, compiled, []
    width = compiled.width
    converters = [
        (i, functions, column)
        for i, column in enumerate(compiled.columns)
        if (
            functions := connection.ops.get_db_converters(column)
            + column.get_db_converters(connection)
        )
    ]
    converted = []
    for row in rows:
        row = list(row if width is None else row[:width])
        for i, functions, column in converters:
            for convert in functions:
                row[i] = convert(row[i], column, connection)
        converted.append(row)
    return db, compiled, converted


def _instances(db: str, compiled: _Compiled, rows: list[list]) -> list[Any]:
    start, end, cls = compiled.model_start, compiled.model_end, compiled.model
    init_list = list(compiled.init_list)
    found = []
    for row in rows:
        obj = cls.from_db(db, init_list, row[start:end])
        for populator in compiled.related_populators:
            populator.populate(row, obj)
        for attr, at in compiled.annotation_col_map:
            setattr(obj, attr, row[at])
        found.append(obj)
    return found


def rows_for_ids(
    name: str,
    build: Callable[..., QuerySet],
    ids: Sequence[int],
    model: type[Model],
    days: Sequence[date] = (),
) -> list[tuple]:
    """The rows of ``build(ids, *days)`` (a ``values_list`` query of ``model``), as tuples;
    ``name`` names the query (with the number of ids and days, its key in the cache).
    ``days``: dates the query compares with (each a parameter of its own)."""
    if not ids:
        return [tuple(row) for row in build([], *days)]
    _db, _c, rows = _run((name,), model, lambda i, d: build(i, *d), ids, days, models=False)
    return [tuple(row) for row in rows]


def models_for_ids(
    name: str, build: Callable[[list[int]], QuerySet], ids: Sequence[int], model: type[Model]
) -> list[Any]:
    """The model instances of ``build(ids)`` (a model query of ``model``, ``select_related``
    and annotations allowed; no ``prefetch_related``), as ``QuerySet`` makes them."""
    if not ids:
        return list(build([]))
    db, compiled, rows = _run((name,), model, lambda i, _d: build(i), ids, (), models=True)
    return _instances(db, compiled, rows)


def _named(build: Callable[..., QuerySet], names: list[str]):
    return lambda stand_ins, _days: build(**dict(zip(names, stand_ins, strict=True)))


def rows_of(
    key: str, model: type[Model], build: Callable[..., QuerySet], uses: int | None = None, **ids
) -> list[list]:
    """The rows of ``build(**ids)`` (a ``values_list`` or ``union`` query of ``model``),
    converted, as lists. ``uses``: how many parameters the ids must be, if known (a part of
    a union that reads its ids otherwise: an error when compiled)."""
    names = sorted(ids)
    values = [ids[name] for name in names]
    return _run((key,), model, _named(build, names), values, (), models=False, uses=uses)[2]


def models_of(key: str, model: type[Model], build: Callable[..., QuerySet], **ids) -> list:
    """The instances ``build(**ids)`` reads (a model query of ``model``, ``select_related``
    allowed), its SQL compiled once per ``key`` and database: ``build`` is called once, with
    stand-ins."""
    names = sorted(ids)
    values = [ids[name] for name in names]
    db, compiled, rows = _run((key,), model, _named(build, names), values, (), models=True)
    return _instances(db, compiled, rows)


def kept_sql(
    key: tuple, make: Callable[[], tuple[str, Sequence]], day: date | None = None
) -> tuple[str, tuple]:
    """The SQL and parameters ``make()`` gives, made once per ``key``: the key holds all the
    SQL depends on (its database, organisation, ``day``). Made for a new day, the other days'
    are forgotten; and all past ``_KEPT_SQL_MAX`` keys."""
    kept = _kept_sql.get(key)
    if kept is None:
        sql, params = make()
        with _kept_sql_lock:  # one thread at a time forgets
            if len(_kept_sql) >= _KEPT_SQL_MAX:
                _kept_sql.clear()
            for other, (_sql, _params, other_day) in list(_kept_sql.items()):
                if other_day is not None and other_day != day:  # another day: of no use
                    _kept_sql.pop(other)
            kept = _kept_sql.setdefault(key, (sql, tuple(params), day))
    return kept[0], kept[1]


def filled(queryset: QuerySet, instances: list) -> QuerySet:
    """``queryset`` with ``instances`` as its rows already read (as a prefetch leaves it): it
    iterates, counts and indexes them without a query; a further ``filter()`` or ``get()``
    queries afresh."""
    queryset._result_cache = instances
    queryset._prefetch_done = True
    return queryset
