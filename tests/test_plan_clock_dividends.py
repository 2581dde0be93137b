"""The dividends the batch clock reads (``plans.selectors._dividends_by_day_or_span``, issue
15): the span of a dividend paid up to the window's start is now a ``CASE`` over the versions'
starts, no longer a subquery run for each dividend. Its rows are those of the subquery's
(kept here as the reference), to the cent, over windows across the plans, with a reversed
dividend, two versions starting the same day and a case with no version in the batch, and
through ``clock_schedules`` (its SQL compiled once and reused with other starts)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Case as DbCase
from django.db.models import DateField, F, Max, Min, OuterRef, Subquery, Sum, When

from core.money import round_cents
from ledger.models import Entry
from ledger.selectors import live_dividends
from ledger.services import entry_reverse
from plans import clocks, selectors
from plans.models import PlanVersion

from .test_plan_clock_spans import LEDGER_TODAY, _windows, revised  # noqa: F401 (a fixture)
from .test_plan_services import creditors  # noqa: F401 (a fixture)


def _reference(case_ids, version_ids, *, start, end):
    """The former query: the latest start on or before each dividend's day, by a subquery."""
    dividends = live_dividends(account__case_id__in=case_ids or [0], value_date__lte=end)
    if start is None:
        span = F("value_date")
    else:
        latest_start = (
            PlanVersion.objects.filter(
                pk__in=version_ids,
                case_id=OuterRef("account__case_id"),
                start_date__lte=OuterRef("value_date"),
            )
            .order_by()
            .values("case_id")
            .annotate(latest=Max("start_date"))
            .values("latest")
        )
        span = DbCase(
            When(value_date__gt=start, then=F("value_date")),
            default=Subquery(latest_start, output_field=DateField()),
            output_field=DateField(),
        )
    return [
        (case_id, creditor_id, day, round_cents(total))
        for case_id, creditor_id, day, total in (
            dividends.annotate(span=span)
            .values("account__case_id", "creditor_id", "span")
            .annotate(day=Min("value_date"), total=Sum("amount"))
            .order_by("account__case_id", "day", "creditor_id")
            .values_list("account__case_id", "creditor_id", "day", "total")
        )
    ]


def _starts(versions):
    return sorted({(v.case_id, v.start_date) for v in versions})


@pytest.fixture
def varied(revised, world):  # noqa: F811
    """``revised`` with a dividend reversed (it counts nowhere, nor its reversal)."""
    entry = Entry.objects.get(account__case=revised, value_date=date(2022, 11, 14))
    entry_reverse(entry=entry, by=world.mediator, today=LEDGER_TODAY, note="Erreur")
    return revised


@pytest.mark.parametrize("same_start", [False, True])
def test_the_spans_are_those_of_the_former_subquery(varied, world, same_start):
    if same_start:  # two versions starting the same day: a dividend counts once
        first = PlanVersion.objects.filter(case=varied).order_by("start_date").first()
        first.start_date = date(2023, 1, 1)
        PlanVersion.objects.filter(pk=first.pk).update(start_date=first.start_date)
    versions = list(PlanVersion.objects.filter(case=varied).order_by("pk"))
    assert len(versions) == 2
    ids = [v.pk for v in versions]
    case_ids = [varied.pk, world.other_case.pk]  # the other case: no dividend, no version
    windows = [*_windows(), (date(2022, 8, 1), date(2022, 8, 30)), (date(2023, 1, 1), None)]
    found = 0
    for start, end in windows:
        end = end or date(2023, 1, 8)
        for day in (None, start):
            expected = _reference(case_ids, ids, start=day, end=end)
            got = [
                (case_id, creditor_id, first_day, round_cents(total))
                for case_id, creditor_id, first_day, total in selectors._dividends_by_day_or_span(
                    case_ids, _starts(versions), start=day, end=end
                )
            ]
            assert got == expected, (day, end)
            found += len(expected)
        # through the clock, its SQL compiled once for all the windows
        paid = selectors.clock_schedules(versions, start=start, end=end).paid.get(varied.pk, [])
        assert [(p.creditor_key, p.day, p.amount) for p in paid] == [
            (str(creditor_id), first_day, total)
            for _c, creditor_id, first_day, total in _reference(case_ids, ids, start=start, end=end)
        ], (start, end)
    assert found > 100


def test_the_reversed_dividend_and_the_spans_by_hand(varied, creditors):  # noqa: F811
    versions = [v for v, _replaced in clocks.approved_versions(varied)]
    paid = selectors.clock_schedules(versions, start=date(2023, 3, 1), end=date(2023, 3, 31)).paid
    by_creditor = {key: str(creditor.pk) for key, creditor in creditors.items()}
    got = [(p.creditor_key, p.day, p.amount) for p in paid[varied.pk]]
    a, b, c = by_creditor["a"], by_creditor["b"], by_creditor["c"]
    assert got == [
        (a, date(2022, 8, 30), Decimal("50.00")),  # before both starts
        (a, date(2022, 10, 10), Decimal("500.00")),  # the 500.00 of 14/11 reversed
        (b, date(2022, 10, 12), Decimal("300.01")),
        (c, date(2022, 12, 31), Decimal("200.00")),
        (a, date(2023, 1, 1), Decimal("800.00")),  # from the revision's start
        (b, date(2023, 2, 15), Decimal("450.00")),
        (a, date(2023, 3, 20), Decimal("750.00")),  # after the window's start: a day
        (c, date(2023, 3, 20), Decimal("300.00")),
    ]
