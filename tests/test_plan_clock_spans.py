"""The instalment clock over a batch of cases (``plans.selectors.clock_schedules`` with the
window's ``start``, issue 15) sums the dividends paid up to the window's start per creditor
between the versions' starts, in the database: the missed instalments it finds are exactly
those of the payments a day at a time (``produce_instalments``, case by case), for plans
revised with another start, payments before, between, on and after the starts, frozen and
live bases, over windows across the plans."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledger.services import EntryData, account_open, entry_post
from plans import clocks, engine, selectors, services
from plans.models import PlanVersion

from .test_plan_services import creditors, data  # noqa: F401 (a fixture)

D = Decimal
LEDGER_TODAY = date(2024, 6, 1)


@pytest.fixture
def revised(world, creditors):  # noqa: F811
    by = world.mediator
    v1 = services.plan_create(case=world.case, data=data(fee_provision=D("0.00")), by=by)
    services.plan_approve(
        version=v1,
        decision_date=date(2022, 8, 20),
        decision_reference="",
        by=by,
        today=date(2022, 8, 25),
    )
    v2 = services.plan_revise(version=v1, reason="Nouvel emploi", by=by)
    services.plan_update(
        version=v2,
        data=data(
            start_date=date(2023, 1, 1), monthly_available=D("1500.00"), fee_provision=D("0.00")
        ),
        by=by,
    )
    services.plan_approve(
        version=v2,
        decision_date=date(2022, 12, 20),
        decision_reference="",
        by=by,
        today=date(2022, 12, 21),
    )
    account_open(case=world.case, iban="BE71096123456769")
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2022, 8, 1), direction="in", amount=D("30000.00"), category="income"
        ),
        by=by,
        today=LEDGER_TODAY,
    )
    for day, creditor, amount in [
        (date(2022, 8, 30), "a", "50.00"),  # before both starts
        (date(2022, 10, 10), "a", "500.00"),
        (date(2022, 10, 12), "b", "300.00"),
        (date(2022, 10, 12), "b", "0.01"),
        (date(2022, 11, 14), "a", "500.00"),
        (date(2022, 12, 31), "c", "200.00"),
        (date(2023, 1, 1), "a", "100.00"),  # on the revision's start
        (date(2023, 2, 15), "b", "450.00"),
        (date(2023, 2, 16), "a", "700.00"),
        (date(2023, 3, 20), "a", "750.00"),
        (date(2023, 3, 20), "c", "300.00"),
        (date(2023, 6, 15), "b", "900.00"),
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
    return world.case


def _windows() -> list[tuple[date, date]]:
    found = [(date(2022, 1, 1), date(2024, 12, 31)), (date(2022, 12, 31), date(2023, 4, 1))]
    day = date(2022, 9, 1)
    while day < date(2024, 2, 1):
        found.append((day, day + timedelta(days=7)))
        found.append((day, day + timedelta(days=40)))
        day += timedelta(days=6)
    return found


@pytest.mark.parametrize("frozen", [True, False])
def test_the_batch_clock_finds_what_each_day_s_payments_give(revised, frozen):
    if not frozen:  # the live basis, with the dividends paid before each start
        PlanVersion.objects.filter(case=revised).update(snapshot={})
    missed = 0
    for start, end in _windows():
        each = list(clocks.produce_instalments(revised, start, end))
        batch = clocks.produce_instalments_many([revised], start, end).get(revised.pk, [])
        assert batch == each, (start, end)
        missed += len(each)
    assert missed > 10  # the windows hold missed instalments (else this proves little)


@pytest.mark.parametrize("frozen", [True, False])
def test_the_spans_add_up_as_the_days(revised, frozen):
    if not frozen:
        PlanVersion.objects.filter(case=revised).update(snapshot={})
    versions = [v for v, _replaced in clocks.approved_versions(revised)]
    assert [v.start_date for v in versions] == [date(2022, 9, 1), date(2023, 1, 1)]
    for start, end in _windows():
        daily = selectors.clock_schedules(versions, end=end)
        spans = selectors.clock_schedules(versions, start=start, end=end)
        assert spans.schedules == daily.schedules
        assert len(spans.paid.get(revised.pk, [])) <= len(daily.paid.get(revised.pk, []))
        for version in versions:
            for days in range(1, (end - start).days + 1):
                as_of = start + timedelta(days=days)
                assert engine._paid_by(
                    version.start_date, spans.paid.get(revised.pk, []), as_of
                ) == engine._paid_by(version.start_date, daily.paid.get(revised.pk, []), as_of)
