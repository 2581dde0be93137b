"""Queries over a list of ids compiled once per process (issue 15).

Building a query's SQL costs the ORM about 1-2 ms each time, whatever the number of rows: on a
page that runs the same few queries over a list of case ids (the agenda's forecast: one query
per kind of data, for the user's cases) that is most of its time. ``rows_for_ids`` and
``models_for_ids`` build the query once per process, database, name and number of ids, with
stand-in ids in place of the real ones, and then run that SQL with the ids swapped in its
parameters: the rows are always read afresh, only the SQL is kept. The rows are converted as
the ORM converts them (Decimals and dates on SQLite too); ``models_for_ids`` makes the model
instances as ``QuerySet`` does (``select_related`` and annotations included).

``build(ids)`` (``build(ids, *days)`` with days) must give the same SQL for any ids of the same
number: the ids (and days) only as parameters (e.g. ``case_id__in=ids``), each at least once,
nothing else depending on them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# No row has such ids; ``_STAND_IN - i`` stands for the i-th id, ``_FIRST_DAY`` + i days for
# the i-th day.
_STAND_IN = -(2**62) - 15_000
_FIRST_DAY = date(1, 1, 3)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (parameter index, id index)
    day_slots: tuple[tuple[int, int, bool], ...]  # (parameter index, day index, as text)
    converters: tuple  # (column, [converter], expression)
    width: int | None  # the columns kept of a row (None: all; an ordering may add some)
    model: type[Model] | None = None
    model_start: int = 0
    model_end: int = 0
    init_list: tuple[str, ...] = ()
    related_populators: tuple = ()
    annotation_col_map: tuple[tuple[str, int], ...] = ()


_compiled: dict[tuple, _Compiled] = {}


def _day_stand_in(i: int) -> date:
    return _FIRST_DAY + timedelta(days=i)


def _compile(build: Callable[..., QuerySet], n: int, days: int, db: str, models: bool) -> _Compiled:
    stand_ins = [_STAND_IN - i for i in range(n)]
    day_stand_ins = [_day_stand_in(i) for i in range(days)]
    compiler = build(stand_ins, *day_stand_ins).query.get_compiler(using=db)
    sql, params = compiler.as_sql()
    slots = tuple(
        (i, _STAND_IN - p)
        for i, p in enumerate(params)
        if type(p) is int and _STAND_IN - n < p <= _STAND_IN
    )
    if {index for _i, index in slots} != set(range(n)):
        raise AssertionError("every id must be a parameter of the query")
    # a day is a date, or its text on a backend that passes dates as text (SQLite)
    day_slots = tuple(
        (i, k, type(p) is str)
        for i, p in enumerate(params)
        for k, day in enumerate(day_stand_ins)
        if (type(p) is date and p == day) or (type(p) is str and p == str(day))
    )
    if {k for _i, k, _text in day_slots} != set(range(days)):
        raise AssertionError("every day must be a parameter of the query")
    columns = compiler.select[: compiler.col_count]
    converters = tuple(
        (i, tuple(functions), expression)
        for i, (functions, expression) in compiler.get_converters(
            [column[0] for column in columns]
        ).items()
    )
    width = compiler.col_count if compiler.has_extra_select else None
    if not models:
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            day_slots=day_slots,
            converters=converters,
            width=width,
        )
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=slots,
        day_slots=day_slots,
        converters=converters,
        width=width,
        model=klass_info["model"],
        model_start=start,
        model_end=end,
        init_list=tuple(f[0].target.attname for f in select[start:end]),
        related_populators=tuple(get_related_populators(klass_info, select, db)),
        annotation_col_map=tuple((compiler.annotation_col_map or {}).items()),
    )


def _run(name: str, build, ids: Sequence[int], days: Sequence[date], model_for_db, models: bool):
    db = router.db_for_read(model_for_db)
    key = (name, db, len(ids), len(days), models)
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compiled[key] = _compile(build, len(ids), len(days), db, models)
    params = list(compiled.params)
    for i, index in compiled.slots:
        params[i] = ids[index]
    for i, k, as_text in compiled.day_slots:
        params[i] = str(days[k]) if as_text else days[k]
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if compiled.width is not None:
        rows = [row[: compiled.width] for row in rows]
    if compiled.converters:
        converted = []
        for row in rows:
            row = list(row)
            for i, functions, expression in compiled.converters:
                value = row[i]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[i] = value
            converted.append(row)
        rows = converted
    return db, compiled, rows


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
    _db, _compiled_query, rows = _run(name, build, ids, days, model, models=False)
    return [tuple(row) for row in rows]


def models_for_ids(
    name: str, build: Callable[[list[int]], QuerySet], ids: Sequence[int], model: type[Model]
) -> list[Any]:
    """The model instances of ``build(ids)`` (a model query of ``model``, ``select_related``
    and annotations allowed; no ``prefetch_related``), as ``QuerySet`` makes them."""
    if not ids:
        return list(build([]))
    db, compiled, rows = _run(name, build, ids, (), model, models=True)
    found = []
    start, end, cls, init_list = (
        compiled.model_start,
        compiled.model_end,
        compiled.model,
        list(compiled.init_list),
    )
    for row in rows:
        obj = cls.from_db(db, init_list, row[start:end])
        for populator in compiled.related_populators:
            populator.populate(row, obj)
        for attr, at in compiled.annotation_col_map:
            setattr(obj, attr, row[at])
        found.append(obj)
    return found
