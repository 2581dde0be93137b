"""The supervisor's overview reads all its numbers in one query, a ``UNION ALL`` whose SQL is
compiled once per day and organisation (cases.registry, "Counts per mediator"; issue 15); the
numbers themselves are read afresh at every request."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import registry
from cases.selectors import supervisor_overview
from core import compiled as core_compiled

from .factories import make_case

TODAY = date(2026, 3, 2)


@pytest.fixture
def compiled(monkeypatch):
    """Each registered count's filter, counting the times it is built (compiled)."""
    monkeypatch.setattr(core_compiled, "_kept_sql", {})
    calls: list[tuple[str, date]] = []
    counts = {}
    for key, spec in registry._counts.items():

        def matching(cases, today, spec=spec):
            calls.append((spec.key, today))
            return spec.matching(cases, today)

        counts[key] = replace(spec, matching=matching)
    monkeypatch.setattr(registry, "_counts", counts)
    return calls


def test_the_sql_is_compiled_once_a_day_and_the_numbers_read_afresh(world, compiled):
    assert registry.supervisor_counts(), "no count registered: nothing to test"
    first = {r.mediator.username: r.total for r in supervisor_overview(world.supervisor, TODAY)}
    assert len(compiled) == len(registry.supervisor_counts())
    make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2026-0002")
    with CaptureQueriesContext(connection) as captured:
        rows = {r.mediator.username: r for r in supervisor_overview(world.supervisor, TODAY)}
    assert len(compiled) == len(registry.supervisor_counts())  # not compiled again
    assert rows["mediator"].total == first["mediator"] + 1  # read afresh
    # The mediators, then every number in one query.
    assert len(captured) == 2, [q["sql"] for q in captured]
    assert captured[1]["sql"].count("UNION ALL") == len(registry.supervisor_counts())

    supervisor_overview(world.supervisor, TODAY + timedelta(days=1))  # the next day: again
    assert len(compiled) == 2 * len(registry.supervisor_counts())
    assert {day for _key, day in compiled} == {TODAY, TODAY + timedelta(days=1)}
    assert len(core_compiled._kept_sql) == 1  # yesterday's forgotten


def test_each_organisation_has_its_own_sql(world, compiled):
    supervisor_overview(world.supervisor, TODAY)
    others = {
        r.mediator.username: r.total for r in supervisor_overview(world.other_supervisor, TODAY)
    }
    assert others == {"other_mediator": 1}
    assert len(compiled) == 2 * len(registry.supervisor_counts())


def test_a_count_that_can_match_nothing_is_zero(world, monkeypatch):
    monkeypatch.setattr(core_compiled, "_kept_sql", {})
    nothing = registry.SupervisorCount(
        key="nothing", label="Rien", matching=lambda cases, today: cases.filter(pk__in=[])
    )
    monkeypatch.setattr(registry, "_counts", {**registry._counts, "nothing": nothing})
    rows = {r.mediator.username: r for r in supervisor_overview(world.supervisor, TODAY)}
    assert rows["mediator"].total == 1 and rows["mediator"].count("nothing") == 0
