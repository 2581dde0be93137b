"""Reads whose SQL is compiled once per process (issue 15): building a queryset's SQL costs the
ORM some 0.5 to 2 ms at each request, for statements that differ only by an id. A read is
compiled once per key and database with stand-in ids, then run with the real ones: only the
SQL is kept, the rows are read afresh and made into instances as ``ModelIterable`` makes them
(the database's converters, ``Model.from_db``, the ``select_related`` instances).

The pattern of ``cases.selectors._overview_counts`` and ``closure.selectors._compile``, for
querysets of model instances. A key names one statement: ``build`` must give the same SQL for
every value of its ids, and each id must be one parameter of it (checked when compiled).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_STAND_IN = -(2**62) - 1675  # no row has it: the first stand-in, the next ones below it


@dataclass(frozen=True)
class CompiledRead:
    """A queryset's SQL and parameters, where its stand-ins are (``at``: index of the
    parameter, name of the id), and what the ORM needs to make its rows into instances."""

    sql: str
    params: tuple
    at: tuple[tuple[int, str], ...]
    select: tuple
    klass_info: dict
    columns: tuple

    @classmethod
    def of(cls, queryset: QuerySet, db: str, stand_ins: dict[str, int]) -> CompiledRead:
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        names = {value: name for name, value in stand_ins.items()}
        at = tuple((i, names[p]) for i, p in enumerate(params) if type(p) is int and p in names)
        if sorted(name for _i, name in at) != sorted(stand_ins):  # each id once, or no kept SQL
            raise AssertionError(f"the ids {sorted(stand_ins)} are not each one parameter")
        if queryset._iterable_class is not ModelIterable or compiler.klass_info is None:
            raise AssertionError("a compiled read makes model instances (no values())")
        columns = tuple(column[0] for column in compiler.select[: compiler.col_count])
        return cls(sql, tuple(params), at, tuple(compiler.select), compiler.klass_info, columns)

    def run(self, db: str, values: dict[str, int]) -> list:
        """The instances of the rows read with ``values`` in place of the stand-ins."""
        params = list(self.params)
        for i, name in self.at:
            params[i] = values[name]
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        converters = [
            (i, functions, column)
            for i, column in enumerate(self.columns)
            if (
                functions := connection.ops.get_db_converters(column)
                + column.get_db_converters(connection)
            )
        ]
        model = self.klass_info["model"]
        fields = self.klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in self.select[start:end]]
        populators = get_related_populators(self.klass_info, list(self.select), db)
        instances = []
        for row in rows:
            row = list(row)
            for i, functions, column in converters:
                for convert in functions:
                    row[i] = convert(row[i], column, connection)
            instance = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances


_kept: dict[tuple[str, str], CompiledRead] = {}


def run_compiled(key: str, model, build: Callable[..., QuerySet], **ids: int) -> list:
    """The instances ``build(**ids)`` reads, its SQL compiled once per ``key`` and database
    (the database ``model`` is read from): ``build`` is called once, with stand-ins."""
    db = router.db_for_read(model)
    read = _kept.get((key, db))
    if read is None:
        stand_ins = {name: _STAND_IN - i for i, name in enumerate(sorted(ids))}
        read = _kept[(key, db)] = CompiledRead.of(build(**stand_ins), db, stand_ins)
    return read.run(db, ids)


def filled(queryset: QuerySet, instances: list) -> QuerySet:
    """``queryset`` with ``instances`` as its rows already read (as a prefetch leaves it): it
    iterates, counts and indexes them without a query; a further ``filter()`` or ``get()``
    queries afresh."""
    queryset._result_cache = instances
    queryset._prefetch_done = True
    return queryset
