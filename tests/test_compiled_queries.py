"""``core.compiled`` (issue 15): a query over a list of ids compiled once per process and run
with other ids gives what the ORM gives (rows, converted values, model instances with their
``select_related`` rows and annotations), on SQLite and PostgreSQL alike."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import CharField, F, Min, Value
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, ClaimStatus, Creditor, KnownCreditor
from claims.selectors import _known_first_declared as _known  # select_related + annotation
from core import compiled
from core.compiled import models_for_ids, rows_for_ids

from .factories import make_case

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    cases = [
        make_case(
            organisation=world.org,
            mediator=world.mediator,
            reference=f"C-{n}",
            admissibility_date=date(2022, 1, 1 + n),
        )
        for n in range(4)
    ]
    for n, case in enumerate(cases):
        for k in range(n):  # 0, 1, 2, 3 claims
            creditor = Creditor.objects.create(organisation=world.org, name=f"Banque {n}-{k}")
            Claim.objects.create(
                case=case,
                creditor=creditor,
                principal=D("1000.10") + k,
                declared_on=date(2022, 2, 1 + k),
                status=ClaimStatus.ACCEPTED,
            )
            KnownCreditor.objects.create(case=case, creditor=creditor)
    compiled._compiled.clear()
    return cases


def _claims(ids):
    return (
        Claim.objects.filter(case_id__in=ids)
        .annotate(label=Value("x", output_field=CharField()), name=F("creditor__name"))
        .order_by("creditor__name", "pk")
        .values_list("case_id", "principal", "declared_on", "label", "name")
    )


def _sums(ids):
    first = Claim.objects.filter(case_id__in=ids).values("case_id").annotate(d=Min("declared_on"))
    return (
        first.order_by()
        .values_list("case_id", "d")
        .union(
            Claim.objects.filter(case_id__in=ids, principal__gt=0)
            .values("case_id")
            .annotate(d=Min("declared_on"))
            .order_by()
            .values_list("case_id", "d"),
            all=True,
        )
    )


def test_rows_are_the_orm_s_for_any_ids_of_the_same_number(data):
    pks = [case.pk for case in data]
    for ids in ([pks[0], pks[2]], [pks[3], pks[1]], [pks[1], pks[2]], pks, pks[::-1], [pks[3]]):
        got = rows_for_ids("test.claims", _claims, ids, Claim)
        assert got == list(_claims(ids)), ids
        assert all(type(row[1]) is Decimal and type(row[2]) is date for row in got)
        assert sorted(rows_for_ids("test.sums", _sums, ids, Claim)) == sorted(_sums(ids))
    assert rows_for_ids("test.claims", _claims, [], Claim) == []
    # compiled once per number of ids
    assert {key[2] for key in compiled._compiled if key[0] == "test.claims"} == {1, 2, 4}


def _declared_between(ids, after, last):
    return (
        Claim.objects.filter(case_id__in=ids, declared_on__gt=after, declared_on__lte=last)
        .order_by("pk")
        .values_list("pk", "declared_on", "principal")
    )


def test_rows_with_days_are_the_orm_s_for_any_days(data):
    """The days are parameters too: each run with its own (a date, or its text on SQLite)."""
    pks = [case.pk for case in data]
    windows = [(date(2022, 1, 1), date(2022, 2, 1)), (date(2022, 2, 1), date(2022, 2, 3))]
    windows += [(date(2022, 2, 2), date(2030, 1, 1)), (date(2022, 2, 3), date(2022, 2, 3))]
    for after, last in windows:
        for ids in (pks, pks[::-1]):
            got = rows_for_ids("test.days", _declared_between, ids, Claim, days=(after, last))
            assert got == list(_declared_between(ids, after, last)), (after, last)
    assert len(rows_for_ids("test.days", _declared_between, pks, Claim, days=windows[0])) == 3


def test_model_instances_are_the_orm_s_with_their_related_rows_and_annotations(data):
    pks = [case.pk for case in data]
    for ids in ([pks[1], pks[3]], [pks[2], pks[3]], [pks[0], pks[1]]):
        expected = list(_known(ids))
        with CaptureQueriesContext(connection) as captured:
            got = models_for_ids("test.known", _known, ids, KnownCreditor)
            seen = [
                (k.pk, k.case_id, k.creditor.name, k.time_barred_by, k.first_declared) for k in got
            ]
        assert len(captured) == 1  # the related rows come with the query
        assert seen == [
            (k.pk, k.case_id, k.creditor.name, k.time_barred_by, k.first_declared) for k in expected
        ]
        assert all(not k._state.adding and k._state.db == "default" for k in got)
    assert models_for_ids("test.known", _known, [], KnownCreditor) == []


def test_the_agenda_s_case_list_is_agenda_cases_for_s(world, data):
    """``agenda.selectors.agenda_case_list`` (compiled for one mediator's cases) gives the cases
    ``agenda_cases_for`` gives, filtered on a case, for each role and filter."""
    from agenda.selectors import agenda_case_list, agenda_cases_for

    theirs = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="COLL-1",
        admissibility_date=date(2022, 5, 1),
    )
    one = data[2]

    def expected(user, mediator_id=None, case_id=None):
        cases = agenda_cases_for(user, mediator_id=mediator_id)
        return list(cases.filter(pk=case_id) if case_id else cases)

    for user in (world.mediator, world.colleague, world.supervisor, world.administrator):
        for mediator_id in (None, world.mediator.pk, world.colleague.pk):
            for case_id in (None, one.pk, theirs.pk):
                for _twice in range(2):
                    got = agenda_case_list(user, mediator_id=mediator_id, case_id=case_id)
                    want = expected(user, mediator_id, case_id)
                    assert sorted(case.pk for case in got) == sorted(c.pk for c in want)
                    assert [case.reference for case in got] == sorted(c.reference for c in want)
                    assert all(
                        {f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields}
                        == {f.attname: getattr(w, f.attname) for f in w._meta.concrete_fields}
                        for case, w in zip(
                            got, sorted(want, key=lambda c: c.reference), strict=True
                        )
                    )
    assert agenda_case_list(world.clerk, mediator_id=world.mediator.pk) == []
    other = agenda_case_list(world.other_mediator, mediator_id=world.mediator.pk)
    assert [case.pk for case in other] == [c.pk for c in expected(world.other_mediator)]


def test_named_ids_read_rows_converted_and_keyed_by_database(data):
    """``rows_of``: one SQL per key and database alias, the rows converted (Decimals, dates on
    SQLite too) and read afresh with each id; ``uses`` holds how many parameters the ids are."""

    def principal_of(case):
        return Claim.objects.filter(case_id=case).order_by("pk").values_list("principal")

    for case in data:
        got = compiled.rows_of("test.principal", Claim, principal_of, case=case.pk)
        assert got == [list(row) for row in principal_of(case.pk)]
        assert all(type(value) is Decimal for (value,) in got)
    assert [key[:2] for key in compiled._compiled] == [("test.principal", "default")]
    with pytest.raises(AssertionError):  # the id is one parameter, not two
        compiled.rows_of("test.uses", Claim, principal_of, uses=2, case=data[1].pk)


def test_kept_sql_is_made_once_per_key_and_forgets_other_days(monkeypatch):
    monkeypatch.setattr(compiled, "_kept_sql", {})
    made = []

    def make(day):
        made.append(day)
        return f"SELECT {len(made)}", [day]

    first = date(2026, 3, 2)
    assert compiled.kept_sql(("t", first), lambda: make(first), day=first) == ("SELECT 1", (first,))
    assert compiled.kept_sql(("t", first), lambda: make(first), day=first) == ("SELECT 1", (first,))
    assert compiled.kept_sql(("t", "no day"), lambda: make(None)) == ("SELECT 2", (None,))
    second = date(2026, 3, 3)
    compiled.kept_sql(("t", second), lambda: make(second), day=second)
    assert made == [first, None, second]
    assert set(compiled._kept_sql) == {("t", "no day"), ("t", second)}  # yesterday's forgotten
