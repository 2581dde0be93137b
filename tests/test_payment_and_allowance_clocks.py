"""Two clocks of the case's calendar (issue #11): ``payment_approval_pending`` (banking: payments
prepared and waiting for the mediator's approval) and ``allowance_review`` (budget: the living
allowance to review when a new art. 1409 / integration income row takes effect)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from agenda.models import Duty
from agenda.services import daily_run
from banking.models import Payment
from banking.services import batch_approve, payment_cancel
from budget.services import (
    AllowanceData,
    BudgetData,
    ChargeData,
    IncomeData,
    allowance_decide,
    budget_version_create,
)
from cases.models import Case

from .factories import make_case
from .test_banking_support import living_allowance, open_account, prepare

PAYMENTS = "payment_approval_pending"
REVIEW = "allowance_review"


def duties(case, kind):
    return sorted(
        Duty.objects.filter(case=case, kind=kind).values_list("due_date", "deadline", "settled_on")
    )


# Payments waiting for approval ---------------------------------------------------------


@pytest.fixture
def account(world):
    return open_account(world.case, balance="3000.00", by=world.mediator)


def approve(world, payments, today):
    return batch_approve(
        case=world.case, payments=payments, execution_date=today, by=world.mediator, today=today
    )


def test_prepared_payments_wait_in_the_agenda_until_approved_or_withdrawn(world, account):
    today = timezone.localdate()
    first = prepare(world, living_allowance("100.00"))
    second = prepare(world, living_allowance("200.00"))
    # one duty for the day's payments, recorded at once
    assert duties(world.case, PAYMENTS) == [(today, today, None)]
    approve(world, [first], today)
    assert duties(world.case, PAYMENTS) == [(today, today, None)]  # the second still waits
    payment_cancel(payment=second)
    assert duties(world.case, PAYMENTS) == [(today, today, today)]
    # the daily run creates nothing more and settles nothing twice
    result = daily_run(run_date=today, catch_up_days=3)
    assert result.created[PAYMENTS] == 0 and result.settled[PAYMENTS] == 0


def test_the_run_records_payments_prepared_before_the_clock_and_settles_on_approval(world, account):
    today = timezone.localdate()
    three_days_ago = today - timedelta(days=3)
    payment = prepare(world, living_allowance("150.00", due_on=today + timedelta(days=2)))
    # a payment prepared three days ago, before the agenda knew of it
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(days=3))
    Duty.objects.filter(kind=PAYMENTS).delete()
    result = daily_run(run_date=today, catch_up_days=5)
    assert result.created[PAYMENTS] == 1
    # to approve before its due date
    assert duties(world.case, PAYMENTS) == [(three_days_ago, today + timedelta(days=2), None)]
    again = daily_run(run_date=today)
    assert again.created[PAYMENTS] == 0
    # approved through the service: settled on the approval date
    approve(world, [payment], today)
    (row,) = duties(world.case, PAYMENTS)
    assert row[2] == today


def test_the_run_settles_payments_approved_without_the_hook(world, account):
    """The kind's ``settled``: a day's payments none of which waits any more."""
    today = timezone.localdate()
    payment = prepare(world, living_allowance("120.00"))
    Payment.objects.filter(pk=payment.pk).update(status="cancelled")  # e.g. by the admin
    assert duties(world.case, PAYMENTS)[0][2] is None
    result = daily_run(run_date=today, catch_up_days=2)
    assert result.settled[PAYMENTS] == 1
    assert duties(world.case, PAYMENTS)[0][2] == today


# Allowances to review --------------------------------------------------------------------


def budget(case, by, on):
    return budget_version_create(
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


def decide(version, by, today):
    return allowance_decide(
        version=version, data=AllowanceData(amount=D("1750.00")), by=by, today=today
    )


def test_a_new_legal_row_asks_for_a_review_once_per_date(world):
    old = decide(
        budget(world.case, world.mediator, date(2024, 6, 1)), world.mediator, date(2024, 6, 3)
    )
    assert old.scale_row_id == "art1409@2024-01-01" and old.ris_row_id == "ris-single@2024-05-01"
    closed = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="CLOSED-1",
        admissibility_date=date(2022, 6, 15),
    )
    decide(budget(closed, world.mediator, date(2024, 6, 1)), world.mediator, date(2024, 6, 3))
    Case.objects.filter(pk=closed.pk).update(status="closed", closure_date=date(2024, 12, 1))
    daily_run(run_date=date(2024, 12, 1), catch_up_days=0)
    result = daily_run(run_date=date(2025, 3, 1))
    # 01/01/2025: the new art. 1409 brackets; 01/02/2025: the new integration income (single)
    assert result.created[REVIEW] == 2
    assert duties(world.case, REVIEW) == [
        (date(2025, 1, 1), date(2025, 1, 31), None),
        (date(2025, 2, 1), date(2025, 3, 3), None),
    ]
    assert duties(closed, REVIEW) == []
    assert daily_run(run_date=date(2025, 3, 1)).created[REVIEW] == 0
    # the allowance fixed again on a budget dated after both rows settles both
    decide(budget(world.case, world.mediator, date(2025, 3, 1)), world.mediator, date(2025, 3, 4))
    assert [settled for *_rest, settled in duties(world.case, REVIEW)] == [date(2025, 3, 4)] * 2


def test_an_allowance_already_under_the_new_row_needs_no_review(world):
    decide(budget(world.case, world.mediator, date(2025, 1, 15)), world.mediator, date(2025, 1, 20))
    daily_run(run_date=date(2025, 1, 20), catch_up_days=0)
    result = daily_run(run_date=date(2025, 3, 1))
    # 01/02/2025 (integration income) is newer than the decision's row: reviewed; the 2025
    # brackets were already used
    assert duties(world.case, REVIEW) == [(date(2025, 2, 1), date(2025, 3, 3), None)]
    assert result.created[REVIEW] == 1


def test_the_run_settles_a_review_done_outside_the_service(world):
    decide(budget(world.case, world.mediator, date(2024, 6, 1)), world.mediator, date(2024, 6, 3))
    daily_run(run_date=date(2024, 12, 31), catch_up_days=0)
    daily_run(run_date=date(2025, 1, 2))
    version = budget(world.case, world.mediator, date(2025, 1, 2))
    decision = decide(version, world.mediator, date(2025, 1, 3))
    # the hook of allowance_decide settled it; undo to check the run's own check
    Duty.objects.filter(kind=REVIEW).update(settled_on=None)
    result = daily_run(run_date=date(2025, 1, 5))
    assert result.settled[REVIEW] == 1
    assert duties(world.case, REVIEW)[0][2] == timezone.localdate(decision.decided_at)
