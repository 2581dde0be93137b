"""The agenda at scale (issue 15): the mediator's agenda and the case's agenda tab forecast the
instalments of the plans in force in a number of queries that does not grow with the plans, and
the batch reads behind them give what the case-by-case reads give.

The plans here are approved without a frozen basis (``snapshot`` empty, as ``seed_scale`` writes
them): each is then computed on the live claims, which used to cost three queries a plan."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimStatus, Creditor
from ledger.services import EntryData, account_open, entry_post
from plans import clocks, engine, selectors
from plans.models import PlanKind, PlanState, PlanVersion

from .factories import make_case
from .test_query_counts import client_for, query_count

D = Decimal
pytestmark = pytest.mark.django_db
SMALL, LARGE = 1, 5


def plan_case(world, n: int, *, creditors: int = 2):
    """A case whose approved plan (monthly, no snapshot) has an instalment due in 3 days."""
    today = timezone.localdate()
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference=f"NAM-2024-{n:04d}",
        admissibility_date=today - timedelta(days=900),
    )
    for k in range(creditors):
        creditor = Creditor.objects.create(organisation=world.org, name=f"Banque {n}-{k}")
        Claim.objects.create(
            case=case,
            creditor=creditor,
            principal=D("3000.00") + k,
            declared_on=case.admissibility_date + timedelta(days=20),
            status=ClaimStatus.ACCEPTED,
        )
    # period 1 ends on add_months(start, 1) - 1 day; due 15 days later: today + 2 or 3
    start = engine.add_months(today - timedelta(days=11), -1)
    PlanVersion.objects.create(
        case=case,
        number=1,
        kind=PlanKind.JUDICIAL,
        state=PlanState.APPROVED,
        start_date=start,
        duration_months=60,
        monthly_available=D("300.00"),
        decision_date=start,
        frozen_at=timezone.now(),
        created_by=world.mediator,
    )
    return case


def instalment_forecasts(response) -> list[str]:
    """The plan instalments forecast by a forecast fragment (``items``) or a page rendered
    with its forecasts (``?previsions=1``)."""
    items = response.context.get("items")
    if items is None:
        items = response.context["agenda"].forecast
    return sorted(
        item.case.reference for item in items if item.kind == clocks.PLAN_INSTALMENT_MISSED
    )


def test_the_agenda_page_loads_its_forecast_afterwards_with_fewer_queries(world):
    """The page shows the recorded duties at once; the forecast (every kind's ``produce``)
    comes from its fragment (issue 15)."""
    client = client_for(world.mediator)
    cases = [plan_case(world, n) for n in range(LARGE)]
    page = reverse("agenda:agenda")
    without, inline = query_count(client, page), query_count(client, page + "?previsions=1")
    assert without < inline, f"{without} queries without the forecast, {inline} with"
    assert instalment_forecasts(client.get(page + "?previsions=1")) == [c.reference for c in cases]
    response = client.get(page)
    assert response.context["agenda"].forecast == []
    assert "Chargement des prévisions" in response.content.decode()


def test_the_agenda_forecast_s_queries_do_not_grow_with_the_plans_it_forecasts(world):
    client = client_for(world.mediator)
    url = reverse("agenda:forecast")
    cases = [plan_case(world, n) for n in range(SMALL)]
    few = query_count(client, url)
    assert instalment_forecasts(client.get(url)) == [c.reference for c in cases]
    cases += [plan_case(world, n, creditors=4) for n in range(SMALL, LARGE)]
    many = query_count(client, url)
    response = client.get(url)
    assert instalment_forecasts(response) == [c.reference for c in cases]
    assert many == few, f"{few} queries for {SMALL} plans, {many} for {LARGE}"
    page = response.content.decode()
    for case in cases:  # each row links to the plan's monitoring, where it is settled
        assert f'href="{reverse("plans:monitoring", args=[case.pk])}"' in page


def test_the_case_tab_s_queries_do_not_grow_with_the_case_s_claims_and_payments(world):
    today = timezone.localdate()
    small, large = plan_case(world, 1, creditors=1), plan_case(world, 2, creditors=8)
    account_open(case=large, opened_on=large.admissibility_date)
    post(large, today - timedelta(days=60), "2000.00")
    for k, claim in enumerate(large.claims.order_by("pk")):  # dividends before and in the plan
        post(large, today - timedelta(days=50 - 5 * k), "25.00", creditor=claim.creditor)
    client = client_for(world.mediator)
    for name in ("agenda:case_agenda", "agenda:case_agenda_forecast"):
        few = query_count(client, reverse(name, args=[small.pk]))
        many = query_count(client, reverse(name, args=[large.pk]))
        assert many == few, name
    response = client.get(reverse("agenda:case_agenda_forecast", args=[large.pk]))
    assert instalment_forecasts(response) == [large.reference]
    tab = reverse("agenda:case_agenda", args=[large.pk])
    assert query_count(client, tab) < query_count(client, tab + "?previsions=1")
    assert instalment_forecasts(client.get(tab + "?previsions=1")) == [large.reference]


def post(case, on: date, amount: str, *, creditor=None) -> None:
    entry_post(
        case=case,
        data=EntryData(
            value_date=on,
            direction="in" if creditor is None else "out",
            amount=D(amount),
            category="income" if creditor is None else "dividend",
            creditor_id=creditor.pk if creditor is not None else None,
        ),
        by=case.mediator,
        today=timezone.localdate(),
    )


def test_the_batched_bases_are_the_case_by_case_bases(world):
    today = timezone.localdate()
    first, second = plan_case(world, 1, creditors=3), plan_case(world, 2, creditors=2)
    Claim.objects.filter(case=first, principal=D("3001.00")).update(status=ClaimStatus.CONTESTED)
    account_open(case=first, opened_on=first.admissibility_date)
    bank = first.claims.order_by("pk").first().creditor
    post(first, today - timedelta(days=500), "1000.00")
    post(first, today - timedelta(days=400), "120.00", creditor=bank)
    post(first, today - timedelta(days=200), "80.50", creditor=bank)
    starts = [today - timedelta(days=300), today - timedelta(days=100)]
    wanted = [(first.pk, day) for day in starts] + [(second.pk, starts[0])]
    bases = selectors.live_bases(wanted)
    assert set(bases) == set(wanted)
    for case, day in ((first, starts[0]), (first, starts[1]), (second, starts[0])):
        assert bases[(case.pk, day)] == selectors.live_basis(case, day)
    # the dividends paid before each start are imputed: 120 before the first, 200.50 the second
    paid = [sum(li.already_paid for li in bases[(first.pk, day)].lines) for day in starts]
    assert paid == [D("120.00"), D("200.50")]
    assert [o.code for o in bases[(first.pk, starts[0])].out_of_plan] == ["contested"]


def reference_planned_through(result: engine.PlanResult, index: int) -> dict[str, Decimal]:
    """What the clocks read before the schedules: the sum, creditor by creditor."""
    due = [p for p in result.periods if p.period.index <= index]
    return {
        creditor.creditor_key: sum(
            (p.dividends.get(r.line.key, D("0.00")) for p in due for r in creditor.lines),
            D("0.00"),
        )
        for creditor in result.creditors
    }


@pytest.mark.parametrize("frequency", [1, 3])
def test_the_instalment_schedule_plans_what_the_result_plans(frequency):
    lines = (
        engine.Line(key="a", creditor_key="1", name="A", admitted=D("5000.00")),
        engine.Line(
            key="a-nr", creditor_key="1", name="A", admitted=D("700.00"), non_remissible=True
        ),
        engine.Line(key="b", creditor_key="2", name="B", admitted=D("333.33")),
        engine.Line(key="c", creditor_key="3", name="C", admitted=D("1200.01"), privileged=True),
    )
    terms = engine.PlanTerms(
        start=date(2024, 1, 31),
        duration_months=20,
        frequency_months=frequency,
        monthly_available=D("271.17"),
        fee_provision=D("400.00"),
        lines=lines,
    )
    result = engine.compute_plan(terms)
    schedule = engine.instalment_schedule(result)
    assert schedule.start == terms.start
    assert schedule.periods == tuple(p.period for p in result.periods)
    for index in range(len(result.periods) + 2):
        expected = reference_planned_through(result, index)
        got = schedule.planned_through(index)
        assert got == expected
        assert [str(v) for v in got.values()] == [str(v) for v in expected.values()]
    payments = [engine.Payment(creditor_key="2", day=date(2024, 3, 20), amount=D("20.00"))]
    for index in (1, 2, 5):
        as_of = engine.instalment_due_day(result.periods[index - 1].period)
        assert engine.instalment_shortfall(schedule, payments, index, as_of) == (
            engine.instalment_shortfall(result, payments, index, as_of)
        )
    due_days = engine.instalment_due_days(terms.start, 20, frequency)
    assert due_days == tuple(engine.instalment_due_day(p) for p in schedule.periods)
