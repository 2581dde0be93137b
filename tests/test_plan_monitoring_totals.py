"""The plan's monitoring sums the dividends in the database (issue 15: a 7-year case has
thousands of payments): ``plans.selectors.dividends_paid_totals`` (GROUP BY creditor) and
``plans.engine.monitor_totals`` give exactly what the payment-by-payment computation gives
(``engine.monitor`` over ``dividends_paid``), and the plan tab and the monitoring page read the
same number of queries whatever the number of payments."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, ClaimStatus, Creditor
from ledger.services import EntryData, account_open, entry_post, entry_post_many, entry_reverse
from plans import engine, selectors, services

from .test_plan_services import creditors, data  # noqa: F401 (a fixture)

D = Decimal
pytestmark = pytest.mark.django_db
LEDGER_TODAY = date(2030, 1, 1)


@pytest.fixture
def plan(world, creditors):  # noqa: F811
    """An amicable plan of 24 months from 01/09/2022 (1.000 € a month, no fees), its account
    funded, and a creditor outside the plan (its claim marked paid off before the plan)."""
    version = services.plan_create(
        case=world.case,
        data=data(fee_provision=D("0.00"), duration_months=24),
        by=world.mediator,
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
            value_date=date(2022, 9, 1), direction="in", amount=D("90000.00"), category="income"
        ),
        by=world.mediator,
        today=LEDGER_TODAY,
    )
    outside = Creditor.objects.create(organisation=world.org, name="Garage tardif")
    Claim.objects.create(
        case=world.case,
        creditor=outside,
        principal=D("5000.00"),
        declared_on=date(2022, 7, 1),
        status=ClaimStatus.ACCEPTED,
        paid_off_on=date(2022, 8, 1),  # out of the plan (its basis leaves it out)
    )
    creditors["outside"] = outside
    return version


def pay(world, creditors, count: int, *, first: date = date(2022, 9, 2)) -> None:  # noqa: F811
    """``count`` small dividends spread over the creditors (and one outside the plan), a few
    days apart, some before the plan's start."""
    keys = ["a", "b", "c", "outside"]
    postings = []
    for n in range(count):
        postings.append(
            (
                world.case,
                EntryData(
                    value_date=first + timedelta(days=(n * 3) % 700),
                    direction="out",
                    amount=D("1.00") + D(n % 7) / 100,
                    category="dividend",
                    creditor_id=creditors[keys[n % 4]].pk,
                ),
            )
        )
    results = entry_post_many(postings=postings, by=world.mediator, today=LEDGER_TODAY)
    refused = [r for r in results if not hasattr(r, "pk")]
    assert refused == []


def old_monitoring(version, today):
    """The payment-by-payment computation the plan tab used before issue 15."""
    view = selectors.compute(version)
    payments = selectors.dividends_paid(version.case, start=version.start_date, end=today)
    return engine.monitor(view.result, payments, today)


@pytest.mark.parametrize("today", [date(2022, 9, 30), date(2023, 6, 15), date(2024, 12, 31)])
def test_the_sums_of_the_database_give_the_same_monitoring(world, creditors, plan, today):  # noqa: F811
    pay(world, creditors, 240)
    # a reversed dividend counts for nothing, in both
    entry = entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2023, 1, 5),
            direction="out",
            amount=D("77.00"),
            category="dividend",
            creditor_id=creditors["a"].pk,
        ),
        by=world.mediator,
        today=LEDGER_TODAY,
    )
    entry_reverse(entry=entry, note="Erreur de créancier", by=world.mediator, today=LEDGER_TODAY)
    _view, new = selectors.monitoring(plan, today)
    old = old_monitoring(plan, today)
    assert new == old
    assert new.rows and any(row.paid > 0 for row in new.rows)
    if today > date(2022, 10, 1):
        assert [key for key, *_rest in new.outside_by_creditor] == [str(creditors["outside"].pk)]
        key, count, total, first, last = new.outside_by_creditor[0]
        assert count > 1 and first < last and total > 0


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_plan_tab_and_monitoring_read_as_many_queries_for_5_or_300_payments(
    world,
    creditors,  # noqa: F811
    plan,
):
    client = Client()
    client.force_login(world.mediator)
    urls = [
        reverse("plans:case_plan", args=[world.case.pk]),
        reverse("plans:monitoring", args=[world.case.pk]),
    ]
    pay(world, creditors, 5)
    few = [queries(client, url) for url in urls]
    pay(world, creditors, 295, first=date(2022, 9, 3))
    many = [queries(client, url) for url in urls]
    assert many == few
    response = client.get(urls[1])
    assert "Garage tardif" in response.content.decode()
