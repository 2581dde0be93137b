"""The duty kinds' batch form (``DutyKind.produce_many``, issue 15): for every registered kind,
over a varied set of cases and many windows, the batch gives exactly what ``produce`` gives
case by case (same specs, same order), in a number of queries that does not grow with the
number of cases. The cases cover every kind: anniversaries on 29 February (the leap-year cases
of tests/test_agenda_run.py: JustRestart fee, annual report, fee statement draft), a closed
case, an approved plan with missed and paid instalments, the seven-year limit of a judicial
plan and none for a total remission, declaration periods in Belgium, the EU and outside with a
reminder, allowance reviews at new legal rows, payments waiting for approval and a fee
statement awaiting its taxation order."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agenda import registry
from agenda.models import Duty
from agenda.selectors import forecast_items
from agenda.services import daily_run
from banking.services import payment_prepare
from budget.services import (
    AllowanceData,
    BudgetData,
    ChargeData,
    IncomeData,
    allowance_decide,
    budget_version_create,
)
from cases.models import Case
from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    creditor_create,
    known_creditor_add,
    reminder_record,
)
from fees.services import statement_create, statement_file
from fees.tests.db import creditors_with_claims, income, service
from fees.tests.db import open_account as fees_account
from ledger.services import EntryData, account_open, entry_post
from plans import services as plan_services

from .factories import make_case
from .test_banking_support import living_allowance
from .test_plan_services import creditors, data  # noqa: F401 (a fixture)

D = Decimal
pytestmark = pytest.mark.django_db
LEDGER_TODAY = date(2030, 1, 1)


def _budget(case, by, on: date, decided_on: date):
    version = budget_version_create(
        case=case,
        data=BudgetData(
            date=on,
            ris_category="single",
            incomes=[IncomeData(kind="earned", amount=D("2000.00"), label="Salaire")],
            charges=[
                ChargeData(kind="rent", amount=D("650.00"), label="Loyer", paid_from_account=True)
            ],
        ),
        by=by,
    )
    allowance_decide(
        version=version, data=AllowanceData(amount=D("1750.00")), by=by, today=decided_on
    )


@pytest.fixture
def cases(world, creditors):  # noqa: F811
    org, by = world.org, world.mediator

    def case(reference, admissibility_date, **fields):
        return make_case(
            organisation=org,
            mediator=by,
            reference=reference,
            admissibility_date=admissibility_date,
            **fields,
        )

    # world.case (15/06/2022): an amicable plan from 01/09/2022, some instalments paid
    plan = plan_services.plan_create(case=world.case, data=data(fee_provision=D("0.00")), by=by)
    plan_services.plan_approve(
        version=plan,
        decision_date=date(2022, 8, 20),
        decision_reference="",
        by=by,
        today=date(2022, 8, 25),
    )
    account_open(case=world.case, iban="BE71096123456769")
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2022, 9, 1), direction="in", amount=D("20000.00"), category="income"
        ),
        by=by,
        today=LEDGER_TODAY,
    )
    for day, creditor, amount in [
        (date(2022, 10, 10), "a", "500.00"),
        (date(2022, 10, 10), "b", "300.00"),
        (date(2022, 10, 12), "c", "200.00"),
        (date(2022, 11, 14), "a", "500.00"),
        (date(2023, 1, 20), "b", "600.00"),
    ]:
        entry_post(
            case=world.case,
            data=EntryData(
                value_date=day,
                direction="out",
                amount=D(amount),
                category="dividend",
                creditor_id=creditors[creditor].pk,
            ),
            by=by,
            today=LEDGER_TODAY,
        )
    # the leap-year cases of test_agenda_run
    leap = case("A", date(2020, 2, 29))
    case("B", date(2021, 3, 10))
    case("C", date(2019, 1, 5), closure_date=date(2022, 6, 1))
    # a judicial plan homologated on 29/02/2024 (seven years from then), a total remission
    judicial = case("J", date(2021, 5, 3))
    Case.objects.filter(pk=judicial.pk).update(
        status="judicial_plan", homologation_date=date(2024, 2, 29)
    )
    remission = case("T", date(2020, 7, 1))
    Case.objects.filter(pk=remission.pk).update(status="total_remission")
    # declarations: notified on 01/02/2023; Belgium, EU and outside; one late, one reminded
    notified = case("K", date(2023, 1, 20), creditors_notified_on=date(2023, 2, 1))
    known = {}
    for name, country in [("Orange", "BE"), ("Free", "FR"), ("Verizon", "US"), ("Base", "BE")]:
        creditor = creditor_create(organisation=org, data=ContactData(name=name, country=country))
        known[name] = known_creditor_add(case=notified, creditor=creditor, today=date(2023, 2, 2))
    claim_create(
        case=notified,
        data=ClaimData(
            creditor=known["Base"].creditor, principal=D("90.00"), declared_on=date(2023, 2, 20)
        ),
    )
    claim_create(
        case=notified,
        data=ClaimData(
            creditor=known["Free"].creditor, principal=D("80.00"), declared_on=date(2023, 9, 1)
        ),
    )
    reminder_record(
        known=known["Orange"],
        sent_on=date(2023, 4, 28),
        received_on=date(2023, 5, 2),
        today=date(2023, 5, 3),
    )
    # allowances decided under the 2024 rows (reviews at the 2025 rows); one case closed
    _budget(leap, by, date(2024, 6, 1), date(2024, 6, 3))
    reviewed = case("R", date(2022, 6, 15))
    _budget(reviewed, by, date(2025, 1, 15), date(2025, 1, 20))
    # payments waiting for approval (prepared today)
    account_open(case=notified, iban="BE43068999999501")
    entry_post(
        case=notified,
        data=EntryData(
            value_date=date(2023, 3, 1), direction="in", amount=D("3000.00"), category="income"
        ),
        by=by,
        today=LEDGER_TODAY,
    )
    payment_prepare(case=notified, data=living_allowance(), by=by)
    payment_prepare(case=notified, data=living_allowance("100.00"), by=by)
    # a fee statement filed, its taxation order awaited
    filed = case("F", date(2022, 6, 15))
    creditors_with_claims(filed, 3, declared_on=date(2022, 7, 1))
    fees_account(filed)
    income(filed, date(2022, 7, 1), "2000.00")
    service(filed, "hearing", date(2022, 12, 20))
    statement = statement_create(
        case=filed,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="annual_report",
        by=by,
    )
    statement_file(statement=statement, by=by)
    return list(Case.objects.order_by("pk"))


def windows() -> list[tuple[date, date]]:
    today = timezone.localdate()
    found = [
        (date(2018, 12, 31), date(2031, 12, 31)),
        (today - timedelta(days=1), today + timedelta(days=7)),
    ]
    start = date(2019, 1, 1)
    while start < date(2031, 1, 1):
        found.append((start, start + timedelta(days=91)))
        start += timedelta(days=61)
    return found


def test_every_kind_has_a_batch_form():
    assert [kind.code for kind in registry.duty_kinds() if kind.produce_many is None] == []


def test_the_batch_gives_what_each_case_gives(cases):
    produced: dict[str, int] = {}
    for kind in registry.duty_kinds():
        for start, end in windows():
            each = {case.pk: list(kind.produce(case, start, end)) for case in cases}
            with CaptureQueriesContext(connection) as batch_queries:
                batch = registry.produce_for_cases(kind, cases, start, end)
            assert batch == each, (kind.code, start, end)
            # a few queries, whatever the number of cases (at most: instalments: versions,
            # shares, one-off sums, dividends; allowance reviews: dates (2), versions,
            # decisions, legal rows (2))
            assert len(batch_queries) <= 6, (kind.code, start, end, len(batch_queries))
            produced[kind.code] = produced.get(kind.code, 0) + sum(map(len, each.values()))
    # the data set exercises every kind (else the comparison proves little)
    assert {code for code, count in produced.items() if count == 0} == set()


def test_the_batch_s_queries_do_not_grow_with_the_cases(cases):
    few = cases[:2]

    def count(kind, group):
        with CaptureQueriesContext(connection) as captured:
            registry.produce_for_cases(kind, group, date(2018, 12, 31), date(2031, 12, 31))
        return len(captured)

    for kind in registry.duty_kinds():
        assert count(kind, cases) <= max(count(kind, few), 1) + 4, kind.code


def test_the_daily_run_and_the_forecast_with_a_failing_batch_go_case_by_case(world, monkeypatch):
    """A kind whose batch fails: the forecast and the run go case by case; the case whose data
    the kind cannot read is reported (the run) or skipped (the forecast), the others are
    recorded."""
    calls = []

    def produce(case, start, end):
        calls.append(case.pk)
        if case.reference == "BAD":
            raise ValueError("données illisibles")
        day = start + timedelta(days=1)
        return [registry.DutySpec(kind="batch_probe", due_date=day)] if day <= end else []

    def produce_many(cases, start, end):
        raise ValueError("batch refused")

    saved = {k.code: k for k in registry.duty_kinds()}
    for code in saved:
        registry.unregister_duty_kind(code)
    registry.register_duty_kind(
        registry.DutyKind(
            code="batch_probe", label="Probe", produce=produce, produce_many=produce_many
        )
    )
    try:
        bad = make_case(
            organisation=world.org,
            mediator=world.mediator,
            reference="BAD",
            admissibility_date=date(2022, 1, 1),
        )
        today = timezone.localdate()
        items = forecast_items(Case.objects.filter(organisation=world.org), today=today)
        assert [item.case.reference for item in items] == [world.case.reference]
        result = daily_run(run_date=today, catch_up_days=3)
        assert [error["case"] for error in result.errors] == ["BAD"]
        assert sorted(Duty.objects.values_list("case__reference", flat=True)) == sorted(
            [world.case.reference, world.other_case.reference]
        )
        assert bad.pk in calls
    finally:
        registry.unregister_duty_kind("batch_probe")
        for kind in saved.values():
            registry.register_duty_kind(kind)


def test_the_daily_run_reads_each_kind_once_per_batch_of_cases(world):
    """Per case, the run's own transaction (a savepoint here) and its open duties; each kind's
    reads are shared by the batch (before issue 15: about 15 queries a case)."""

    def run_queries(day):
        with CaptureQueriesContext(connection) as captured:
            result = daily_run(run_date=day)
        assert result.errors == []
        return len(captured), result.cases

    today = date(2026, 3, 2)
    daily_run(run_date=today - timedelta(days=1), catch_up_days=0)
    few, few_cases = run_queries(today)
    for n in range(10):
        make_case(
            organisation=world.org,
            mediator=world.mediator,
            reference=f"NAM-2020-{n:04d}",
            admissibility_date=date(2020, 5, 10 + n),
        )
    daily_run(run_date=today + timedelta(days=1), catch_up_days=0)  # the new cases' catch-up
    many, many_cases = run_queries(today + timedelta(days=2))
    assert many_cases == few_cases + 10
    assert many - few <= 3 * 10, (few, many)


def _forecast_queries(cases, today: date) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        items = forecast_items(cases, today=today)
    return len(captured), items


def forecast_days() -> list[date]:
    """Days whose coming week holds the data set's dates: missed plan instalments and the
    plan's end, declaration periods and the reminder's, anniversaries, the seven years."""
    days = [timezone.localdate()]
    day = date(2022, 9, 20)
    while day < date(2031, 1, 1):
        days.append(day)
        day += timedelta(days=23)
    return days


def test_the_forecast_s_queries_are_the_same_whatever_the_cases_hold(cases):
    """The forecast (the agenda's fragment, the case tab's) runs the same queries for a case
    with nothing to foresee and for every case of the data set (a plan with instalments due
    and missed, known creditors, budgets...), whatever falls due in the coming week (issue
    15: the case tab's count grew with a plan's instalment due); and a handful of them: the
    kinds that read the same rows share them, a kind that never forecasts is not asked."""
    plain = Case.objects.filter(reference="B")  # nothing but anniversaries
    everything = Case.objects.all()
    counts = set()
    foreseen = 0
    for today in forecast_days():
        few, _items = _forecast_queries(plain, today)
        many, items = _forecast_queries(everything, today)
        assert many == few, (today, few, many)
        counts.add(many)
        foreseen += len(items)
    assert foreseen > 50  # the data set has dates to foresee (else this proves little)
    # cases, recorded duties, known creditors with their first declarations, tariff rows,
    # approved plans, when their cases left the amicable phase, their shares and one-off
    # sums, dividends, claims, the dates of new legal rows (and, in a week when one takes
    # effect, the budget versions, decisions and the two legal tables: 4 more)
    assert min(counts) <= 10 and max(counts) <= 14, counts


def test_the_forecast_gives_what_each_kind_s_produce_gives(cases):
    """The shared reads change nothing: the forecast is every forecasting kind's ``produce``
    case by case, less what is recorded; the kinds that never forecast foresee nothing."""
    everything = Case.objects.all()
    for today in forecast_days():
        end = today + timedelta(days=7)
        expected = sorted(
            (case.pk, spec.kind, spec.due_date, spec.subject)
            for kind in registry.duty_kinds()
            for case in everything
            for spec in kind.produce(case, today, end)
            if today < spec.due_date <= end
        )
        recorded = set(
            Duty.objects.filter(due_date__gt=today, due_date__lte=end).values_list(
                "case_id", "kind", "due_date", "subject"
            )
        )
        got = sorted(
            (item.case.pk, item.kind, item.due_date, item.uid.split("-", 6)[-1])
            for item in forecast_items(everything, today=today)
        )
        assert got == [key for key in expected if key not in recorded], today
    never = [kind for kind in registry.duty_kinds() if not kind.forecast]
    assert {kind.code for kind in never} == {"taxation_order_awaited", "payment_approval_pending"}


def _forecast_rows(items) -> list[tuple]:
    return [
        (
            item.kind,
            item.case.pk,
            item.case.reference,
            item.due_date,
            item.deadline,
            item.uid,
            str(item.label),
            item.url,
            item.case.mediator.pk if item.case.mediator else None,
            str(item.case.mediator),
        )
        for item in items
    ]


def test_the_forecast_with_the_mediators_known_gives_the_same_items(cases, world):
    """``mediators``: the cases are read without their mediator, each given it (issue 15): the
    same items, the rows naming the same mediator, in one query less a case's mediator for the
    cases of a mediator not given (here a colleague's case); none more when all are known."""
    colleague_case = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="COLL",
        admissibility_date=date(2022, 3, 10),
    )
    ours = Case.objects.filter(mediator=world.mediator)
    everything = Case.objects.filter(pk__in=[*ours.values_list("pk", flat=True), colleague_case.pk])
    for today in forecast_days()[::3]:
        expected = _forecast_rows(forecast_items(ours, today=today))
        with CaptureQueriesContext(connection) as plain:
            forecast_items(ours, today=today)
        with CaptureQueriesContext(connection) as known:
            got = _forecast_rows(forecast_items(ours, today=today, mediators=[world.mediator]))
        assert got == expected, today
        assert len(known) == len(plain)
        expected = _forecast_rows(forecast_items(everything, today=today))
        with CaptureQueriesContext(connection) as one_more:
            got = _forecast_rows(
                forecast_items(everything, today=today, mediators=[world.mediator])
            )
        assert got == expected, today
        assert len(one_more) == len(plain) + 1
