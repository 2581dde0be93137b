"""The plan's clocks (plans.clocks): the amicable phase past six months, missed plan instalments
(one per instalment, from the monitoring, settled when caught up), the plan's end and the
seven-year limit (settled at closure), with daily runs travelling in time across leap years."""

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from agenda import registry
from agenda.models import Duty
from agenda.services import daily_run
from cases.services import case_change_status
from cases.status import CaseStatus
from fees.models import Service, ServiceKind
from ledger.services import EntryData, account_open, entry_post
from plans import clocks, engine, services

from .factories import make_case
from .test_plan_services import creditors, data  # noqa: F401 (a fixture)

D = Decimal
KINDS = {
    clocks.AMICABLE_PHASE_OVERDUE,
    clocks.PLAN_INSTALMENT_MISSED,
    clocks.PLAN_END,
    clocks.SEVEN_YEAR_LIMIT,
}
LEDGER_TODAY = date(2030, 1, 1)


@pytest.fixture
def only_plan_kinds():
    saved = {k.code: k for k in registry.duty_kinds()}
    assert set(saved) >= KINDS  # registered by PlansConfig.ready
    for code in saved:
        if code not in KINDS:
            registry.unregister_duty_kind(code)
    yield
    for kind in saved.values():
        registry.register_duty_kind(kind)


def travel(first: date, last: date, before_each=None) -> None:
    """A daily run on every day from ``first`` to ``last``; ``before_each(day)`` does that
    day's work (payments) before the run."""
    daily_run(run_date=first, catch_up_days=0)
    day = first
    while day < last:
        day += timedelta(days=1)
        if before_each is not None:
            before_each(day)
        daily_run(run_date=day)


def duties(kind, case=None):
    qs = Duty.objects.filter(kind=kind)
    if case is not None:
        qs = qs.filter(case=case)
    return list(qs.order_by("due_date", "subject"))


def test_the_amicable_phase_past_six_months(world, only_plan_kinds, creditors):  # noqa: F811
    # world.case: admissibility 15/06/2022 -> six months on 15/12/2022, still amicable
    failed_early = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="FAIL-EARLY",
        admissibility_date=date(2022, 6, 20),
    )
    Service.objects.create(
        case=failed_early,
        date=date(2022, 11, 2),
        kind=ServiceKind.FAILURE_REPORT,
        mediator=world.mediator,
    )
    failed_late = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="FAIL-LATE",
        admissibility_date=date(2022, 6, 1),
    )
    judicial = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="JUDICIAL",
        admissibility_date=date(2022, 6, 10),
    )
    case_change_status(
        case=judicial,
        to_status=CaseStatus.JUDICIAL_PLAN,
        decision_date=date(2022, 12, 1),
        by=world.mediator,
        history_replay=True,  # a recorded decision: the case has no plan here
    )

    def before_each(day):
        if day == date(2023, 1, 5):  # the failure report, after the six months
            Service.objects.create(
                case=failed_late, date=day, kind=ServiceKind.FAILURE_REPORT, mediator=world.mediator
            )

    travel(date(2022, 11, 1), date(2023, 1, 10), before_each)
    got = {d.case.reference: d for d in duties(clocks.AMICABLE_PHASE_OVERDUE)}
    # FAIL-EARLY (report before the six months) and JUDICIAL (a plan imposed) have none
    assert set(got) == {world.case.reference, "FAIL-LATE", world.other_case.reference}
    assert got["FAIL-LATE"].due_date == date(2022, 12, 1)
    assert got["FAIL-LATE"].settled_on == date(2023, 1, 5)  # by the kind's hook
    duty = got[world.case.reference]
    assert (duty.due_date, duty.deadline, duty.settled_on) == (
        date(2022, 12, 15),
        date(2022, 12, 15),
        None,
    )
    assert clocks.url_plan(duty) == reverse("plans:case_plan", args=[world.case.pk])
    # the plan is homologated: the approval service settles it at once, on the decision's date
    version = services.plan_create(
        case=world.case, data=data(start_date=date(2023, 2, 1)), by=world.mediator
    )
    services.plan_approve(
        version=version,
        decision_date=date(2023, 1, 20),
        decision_reference="R/23/1",
        by=world.mediator,
        today=date(2023, 1, 25),
    )
    duty.refresh_from_db()
    assert (duty.settled_on, duty.settled_by) == (date(2023, 1, 20), world.mediator)


def test_the_amicable_phase_end_with_leap_day():
    class C:
        admissibility_date = date(2023, 8, 31)

    assert clocks.amicable_phase_end(C) == date(2024, 2, 29)
    C.admissibility_date = date(2024, 8, 31)
    assert clocks.amicable_phase_end(C) == date(2025, 2, 28)


@pytest.fixture
def plan(world, creditors):  # noqa: F811
    """An amicable plan homologated on 20/08/2022 from 01/09/2022, 12 months of 1.000 € (no
    fees): A 500, B 300, C 200 a month; each month's dividends due on the 15th of the next."""
    version = services.plan_create(
        case=world.case, data=data(fee_provision=D("0.00")), by=world.mediator
    )
    services.plan_approve(
        version=version,
        decision_date=date(2022, 8, 20),
        decision_reference="",
        by=world.mediator,
        today=date(2022, 8, 25),
    )
    account_open(case=world.case, iban="BE71096123456769")
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2022, 9, 1), direction="in", amount=D("20000.00"), category="income"
        ),
        by=world.mediator,
        today=LEDGER_TODAY,
    )
    return version


def pay(world, creditor, day, amount):
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=day,
            direction="out",
            amount=D(amount),
            category="dividend",
            creditor_id=creditor.pk,
        ),
        by=world.mediator,
        today=LEDGER_TODAY,
    )


def test_missed_instalments_one_each_settled_when_caught_up_and_the_plans_end(
    world,
    only_plan_kinds,
    creditors,  # noqa: F811
    plan,
):
    shares = {"a": "500.00", "b": "300.00", "c": "200.00"}

    def before_each(day):
        if day.day == 25 and date(2022, 9, 1) <= day <= date(2023, 8, 31):
            for key, amount in shares.items():
                # B pays nothing for November and December, then catches up on 20/01/2023
                if key == "b" and day in (date(2022, 11, 25), date(2022, 12, 25)):
                    continue
                pay(world, creditors[key], day, amount)
        if day == date(2023, 1, 20):
            pay(world, creditors["b"], day, "600.00")
        if day == date(2023, 10, 2):  # the mediator asks for closure after the plan's end
            case_change_status(
                case=world.case,
                to_status=CaseStatus.CLOSED,
                decision_date=date(2023, 10, 1),
                by=world.mediator,
            )

    travel(date(2022, 9, 1), date(2023, 10, 10), before_each)
    missed = duties(clocks.PLAN_INSTALMENT_MISSED, world.case)
    assert [(d.due_date, d.subject, d.data["shortfall"], d.settled_on) for d in missed] == [
        (date(2022, 12, 15), "plan-v1:3", "300.00", date(2023, 1, 20)),
        (date(2023, 1, 15), "plan-v1:4", "600.00", date(2023, 1, 20)),
    ]
    assert clocks.url_monitoring(missed[0]) == reverse("plans:monitoring", args=[world.case.pk])
    (end,) = duties(clocks.PLAN_END, world.case)
    assert (end.due_date, end.subject, end.settled_on) == (
        date(2023, 8, 31),
        "plan-v1",
        date(2023, 10, 1),
    )
    assert clocks.url_status(end) == reverse("cases:status", args=[world.case.pk])
    # closed before the seven years: no such clock
    assert duties(clocks.SEVEN_YEAR_LIMIT, world.case) == []


def test_an_instalment_still_missed_stays_open(world, only_plan_kinds, creditors, plan):  # noqa: F811
    travel(date(2022, 10, 10), date(2022, 11, 20))  # nothing paid at all
    missed = duties(clocks.PLAN_INSTALMENT_MISSED, world.case)
    assert [(d.due_date, d.data["shortfall"], d.settled_on) for d in missed] == [
        (date(2022, 10, 15), "1000.00", None),
        (date(2022, 11, 15), "2000.00", None),
    ]


def test_the_seven_year_limit_across_a_leap_day(world, only_plan_kinds):
    amicable = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="AMICABLE",
        admissibility_date=date(2020, 2, 29),
    )
    judicial = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="JUDICIAL",
        admissibility_date=date(2019, 1, 10),
    )
    case_change_status(
        case=judicial,
        to_status=CaseStatus.JUDICIAL_PLAN,
        decision_date=date(2020, 2, 29),  # the judicial plan counts from its decision
        by=world.mediator,
        history_replay=True,  # a recorded decision: the case has no plan here
    )
    remission = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="REMISSION",
        admissibility_date=date(2020, 2, 29),
    )
    case_change_status(
        case=remission,
        to_status=CaseStatus.TOTAL_REMISSION,
        decision_date=date(2021, 1, 4),
        by=world.mediator,
    )

    def before_each(day):
        if day == date(2027, 3, 15):
            case_change_status(
                case=amicable,
                to_status=CaseStatus.REVOKED,
                decision_date=date(2027, 3, 12),
                by=world.mediator,
            )

    travel(date(2027, 1, 1), date(2027, 3, 31), before_each)
    got = {d.case.reference: d for d in duties(clocks.SEVEN_YEAR_LIMIT)}
    assert set(got) == {"AMICABLE", "JUDICIAL"}  # total remission: no plan, no limit
    assert got["AMICABLE"].due_date == date(2027, 2, 28)  # 29/02/2020 + 7 years
    assert got["JUDICIAL"].due_date == date(2027, 2, 28)  # 29/02/2020 + 7 years
    # the judgment of the judicial status (recorded without its plan), with its source
    assert got["JUDICIAL"].data == {"from": "2020-02-29", "source": "judgment"}
    assert got["AMICABLE"].settled_on == date(2027, 3, 12)  # revoked: closed
    assert got["JUDICIAL"].settled_on is None
    assert clocks.url_status(got["JUDICIAL"]) == reverse("cases:status", args=[judicial.pk])


def test_engine_caught_up_on_and_shortfall():
    terms = engine.PlanTerms(
        start=date(2024, 1, 1),
        duration_months=3,
        monthly_available=D("100.00"),
        lines=(engine.Line(key="1", creditor_key="1", name="A", admitted=D("300.00")),),
    )
    result = engine.compute_plan(terms)
    pay = [engine.Payment("1", date(2024, 1, 31), D("100.00"))]
    # January due 15/02: paid; February due 14/03/2024 (leap year): 100 short
    assert engine.instalment_due_day(result.periods[1].period) == date(2024, 3, 15)
    assert engine.instalment_shortfall(result, pay, 1, date(2024, 2, 15)) == D("0.00")
    assert engine.instalment_shortfall(result, pay, 2, date(2024, 3, 15)) == D("100.00")
    assert engine.caught_up_on(result, pay, 2) is None
    pay.append(engine.Payment("1", date(2024, 4, 2), D("99.50")))  # within the 1 € tolerance
    assert engine.caught_up_on(result, pay, 2) == date(2024, 4, 2)


def test_the_run_summary_names_the_kinds(world):
    """The public JSON of ``run_daily_jobs``: the kinds' codes, snake_case and stable."""
    out = StringIO()
    call_command("run_daily_jobs", "--date", "2023-06-20", "--catch-up-days", "10", stdout=out)
    summary = json.loads(out.getvalue())
    assert KINDS | {"annual_report_due"} <= set(summary["created"])
    # world.case (admissibility 15/06/2022): its first anniversary falls in the window
    assert summary["created"]["annual_report_due"] == 2  # and the other organisation's case
    assert summary["errors"] == []
