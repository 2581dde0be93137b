"""Read side of the mediation account: opening position and totals of a period (half-open, like
the fee periods), the journal page with its running balance (a fixed number of queries), the
balance chart, the dividend creditors and the 2,2° billable payments for the fee engine."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Creditor
from fees import selectors as fee_selectors
from fees.engine import PaymentFacts
from ledger import selectors
from ledger.charts import balance_chart
from ledger.selectors import Position
from ledger.services import EntryData, account_open, entry_post, entry_reverse

from .factories import make_case

TODAY = date(2023, 6, 30)
D = Decimal


def data(day, direction, amount, category, **kw) -> EntryData:
    return EntryData(value_date=day, direction=direction, amount=D(amount), category=category, **kw)


def post(world, day, direction, amount, category, case=None, **kw):
    return entry_post(
        case=case or world.case,
        data=data(day, direction, amount, category, **kw),
        by=world.mediator,
        today=TODAY,
    )


@pytest.fixture
def account(world):
    return account_open(case=world.case, iban="BE71096123456769")


@pytest.fixture
def history(world, account):
    """Six months of a small journal (value dates 2022-07 .. 2022-12)."""
    e = {}
    e["income_jul"] = post(world, date(2022, 7, 1), "in", "1500.00", "income")
    e["allowance_jul"] = post(
        world, date(2022, 7, 5), "out", "900.00", "living_allowance", standing_order=True
    )
    e["rent_jul"] = post(world, date(2022, 7, 6), "out", "450.00", "payment_on_behalf")
    e["reserve"] = post(world, date(2022, 7, 31), "in", "100.00", "reserve_transfer")
    e["income_aug"] = post(world, date(2022, 8, 1), "in", "1500.00", "income")
    e["wrong"] = post(world, date(2022, 8, 2), "out", "45.00", "payment_on_behalf")
    e["reversal"] = entry_reverse(entry=e["wrong"], by=world.mediator, today=date(2022, 8, 3))
    e["allowance_aug"] = post(
        world, date(2022, 8, 5), "out", "900.00", "living_allowance", standing_order=True
    )
    e["charge"] = post(world, date(2022, 9, 30), "out", "4.50", "bank_charge")
    e["release"] = post(world, date(2022, 10, 1), "out", "40.00", "reserve_transfer")
    e["refund"] = post(world, date(2022, 12, 1), "in", "20.00", "refund")
    return e


# Positions and period summary ----------------------------------------------------------------


def test_position_before_a_day_replays_the_entries_dated_before_it(world, history):
    account = history["income_jul"].account
    assert selectors.position_before(account, None) == Position()
    assert selectors.position_before(account, date(2022, 7, 1)) == Position()
    assert selectors.position_before(account, date(2022, 8, 1)) == Position(D("150.00"), D("100"))
    # the reversal (value date 3 August) cancels the mistaken payment
    assert selectors.position_before(account, date(2022, 8, 4)).balance == D("1650.00")
    end = selectors.position_before(account, date(2023, 1, 1))
    account.refresh_from_db()
    assert (end.balance, end.reserve) == (account.balance, account.reserve)
    assert end == Position(D("765.50"), D("60.00"))


def test_period_summary_is_half_open_and_balances(world, history):
    account = history["income_jul"].account
    summary = selectors.period_summary(account, date(2022, 8, 1), date(2022, 10, 1))
    # 1 August is in, 1 October (the release of the reserve) is not
    assert summary.opening == Position(D("150.00"), D("100.00"))
    assert summary.closing == Position(D("745.50"), D("100.00"))
    assert summary.total_in == D("1545.00")  # income + the reversal of the wrong payment
    assert summary.total_out == D("949.50")  # wrong payment + allowance + bank charge
    assert summary.count == 5
    assert summary.balanced
    assert summary.last_day == date(2022, 9, 30)
    totals = {t.category: (t.total_in, t.total_out, t.count) for t in summary.categories}
    assert totals == {
        "income": (D("1500.00"), D("0"), 1),
        "payment_on_behalf": (D("45.00"), D("45.00"), 2),  # the reversal in its category
        "living_allowance": (D("0"), D("900.00"), 1),
        "bank_charge": (D("0"), D("4.50"), 1),
    }
    assert all(
        isinstance(v, Decimal) for t in summary.categories for v in (t.total_in, t.total_out)
    )


def test_reserve_transfers_are_summed_apart(world, history):
    account = history["income_jul"].account
    summary = selectors.period_summary(account, date(2022, 7, 1), date(2023, 1, 1))
    assert summary.reserve_set_aside == D("100.00")
    assert summary.reserve_released == D("40.00")
    assert summary.total_in == D("3065.00")
    assert summary.total_out == D("2299.50")
    assert summary.closing.balance == summary.opening.balance + D("3065.00") - D("2299.50")


def test_export_lines_carry_the_balance_and_reserve_after_each_entry(world, history):
    account = history["income_jul"].account
    export = selectors.journal_export(account, date(2022, 7, 1), date(2022, 8, 1))
    assert [line.entry.sequence for line in export.lines] == [1, 2, 3, 4]
    assert [line.balance for line in export.lines] == [
        D("1500.00"),
        D("600.00"),
        D("150.00"),
        D("150.00"),  # the reserve transfer does not change the balance
    ]
    assert export.lines[-1].reserve == D("100.00")


def test_empty_period(world, account):
    summary = selectors.period_summary(account, date(2022, 7, 1), date(2022, 8, 1))
    assert summary.opening == summary.closing == Position()
    assert summary.categories == [] and summary.balanced


# The journal page ---------------------------------------------------------------------------


def test_journal_page_most_recent_first_with_the_account_balance(world, history):
    account = history["income_jul"].account
    page = selectors.journal_page(account, per_page=4)
    lines = page.page.object_list
    assert [line.entry.sequence for line in lines] == [11, 10, 9, 8]
    account.refresh_from_db()
    assert lines[0].balance == account.balance
    assert page.page.paginator.num_pages == 3


def test_journal_page_category_filter_keeps_the_account_balance(world, history):
    account = history["income_jul"].account
    page = selectors.journal_page(account, category="living_allowance")
    lines = page.page.object_list
    assert [line.entry.sequence for line in lines] == [8, 2]
    assert [line.balance for line in lines] == [D("750.00"), D("600.00")]
    assert (page.selected_in, page.selected_out) == (D("0"), D("1800.00"))
    assert page.summary.total_in == D("3065.00")  # the period's totals stay whole


def test_journal_page_period_filter_starts_from_the_opening_balance(world, history):
    account = history["income_jul"].account
    page = selectors.journal_page(account, start=date(2022, 8, 1), end=date(2022, 9, 1))
    lines = page.page.object_list
    assert [line.entry.sequence for line in lines] == [8, 7, 6, 5]
    assert lines[-1].balance == D("1650.00")  # 150 at the opening + 1.500
    assert lines[0].balance == D("750.00")
    assert [(p.day, p.balance) for p in page.chart] == [
        (date(2022, 8, 1), D("1650.00")),
        (date(2022, 8, 2), D("1605.00")),
        (date(2022, 8, 3), D("1650.00")),
        (date(2022, 8, 5), D("750.00")),
    ]


def test_journal_page_queries_do_not_grow_with_the_journal(world, account):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            page = selectors.journal_page(account, start=date(2022, 7, 1), page=1)
            assert page.page.object_list
        return len(ctx.captured_queries)

    post(world, date(2022, 7, 1), "in", "5000", "income")
    for n in range(5):
        post(world, date(2022, 7, 2 + n), "out", "1", "payment_on_behalf")
    small = count_queries()
    for n in range(120):
        post(world, date(2022, 8, 1 + n % 28), "out", "1", "payment_on_behalf")
    assert count_queries() == small


@pytest.mark.parametrize(
    "period",
    [
        (None, None),
        (date(2022, 7, 6), None),
        (None, date(2022, 10, 1)),
        (date(2022, 7, 6), date(2022, 12, 1)),
    ],
)
@pytest.mark.parametrize("category", ["", "living_allowance", "reserve_transfer"])
def test_journal_pages_carry_the_balances_of_the_whole_export(world, history, period, category):
    """The first and last pages derive the balance before them from the period's totals, a
    middle page or a category asks the database: every page agrees with the full replay."""
    account = history["income_jul"].account
    start, end = period
    expected = [
        (line.entry.sequence, line.balance, line.reserve)
        for line in reversed(selectors.journal_export(account, start, end).lines)
        if not category or line.entry.category == category
    ]
    pages, number = [], 1
    while True:
        page = selectors.journal_page(
            account, start=start, end=end, category=category, page=number, per_page=3
        )
        pages += [(li.entry.sequence, li.balance, li.reserve) for li in page.page.object_list]
        assert page.page.paginator.count == len(expected)
        if not page.page.has_next():
            break
        number += 1
    assert pages == expected


def test_first_and_last_journal_pages_need_no_count_nor_balance_query(world, history):
    account = history["income_jul"].account

    def sql(number):
        with CaptureQueriesContext(connection) as ctx:
            selectors.journal_page(account, page=number, per_page=4)
        return [q["sql"] for q in ctx.captured_queries]

    first, middle, last = sql(1), sql(2), sql(3)
    assert not any("COUNT(*)" in q for q in first + middle + last)
    assert len(first) == len(last) == len(middle) - 1  # the balance before a middle page


def test_default_export_end_from_a_whole_journal_page(world, history):
    account = history["income_jul"].account
    page = selectors.journal_page(account)
    for today in (date(2022, 11, 1), date(2023, 6, 30)):
        with CaptureQueriesContext(connection) as ctx:
            known = selectors.default_export_end(account, today, journal=page)
        assert not ctx.captured_queries
        assert known == selectors.default_export_end(account, today)
    assert known == date(2023, 7, 1)
    assert selectors.default_export_end(account, date(2022, 11, 1)) == date(2022, 12, 2)
    empty = selectors.journal_page(account_open(case=world.other_case))
    assert not empty.chart


def test_entry_get_for_case_is_scoped_to_the_case(world, history):
    entry = history["income_jul"]
    assert selectors.entry_get_for_case(world.case, entry.pk) == entry
    account_open(case=world.other_case)
    with pytest.raises(Http404):
        selectors.entry_get_for_case(world.other_case, entry.pk)


def test_anniversary_periods(world, account):
    presets = selectors.anniversary_periods(world.case, account, date(2024, 7, 1))
    assert [(p.index, p.start, p.end) for p in presets] == [
        (3, date(2024, 6, 15), date(2025, 6, 15)),
        (2, date(2023, 6, 15), date(2024, 6, 15)),
        (1, date(2022, 6, 15), date(2023, 6, 15)),
    ]
    assert presets[0].last_day == date(2025, 6, 14)


def test_default_export_end_covers_future_value_dates(world, account):
    assert selectors.default_export_end(account, date(2023, 1, 10)) == date(2023, 1, 11)
    post(world, date(2023, 7, 20), "in", "10", "income")  # within the 31-day horizon
    assert selectors.default_export_end(account, TODAY) == date(2023, 7, 21)


# Balance chart -------------------------------------------------------------------------------


def test_balance_chart_geometry(world, history):
    account = history["income_jul"].account
    page = selectors.journal_page(account)
    chart = balance_chart(Position(), page.chart, date(2022, 6, 15), date(2022, 12, 31))
    assert chart.balance_line.startswith(f"M{chart.left},")
    assert chart.balance_area.endswith("Z") and chart.has_reserve
    assert chart.y_ticks[0][1] == "0\u00a0€" and len(chart.y_ticks) >= 3
    assert [label for _x, label in chart.x_ticks] == [
        "07/2022",
        "08/2022",
        "09/2022",
        "10/2022",
        "11/2022",
        "12/2022",
    ]
    assert len(chart.markers) == len(page.chart)
    assert "solde 1.500,00" in chart.markers[0].title
    assert balance_chart(Position(), [], date(2022, 6, 15), date(2022, 12, 31)) is None


# Dividend creditors and billable payments --------------------------------------------------


def _creditor(world, name, org=None):
    return Creditor.objects.create(organisation=org or world.org, name=name)


def _claim(world, creditor, case=None, **kw):
    return Claim.objects.create(
        case=case or world.case,
        creditor=creditor,
        principal=D("500.00"),
        declared_on=date(2022, 7, 1),
        **kw,
    )


def test_dividend_creditors_are_those_taking_part_in_the_plan(world):
    proximus = _creditor(world, "Proximus")
    engie = _creditor(world, "Engie")
    late = _creditor(world, "Forclos SA")
    rejected = _creditor(world, "Rejeté SA")
    elsewhere = _creditor(world, "Autre dossier SA")
    _claim(world, proximus)
    _claim(world, proximus, time_barred=True)  # one claim late, another in time: takes part
    _claim(world, engie, paid_off_on=date(2023, 1, 1))
    _claim(world, late, time_barred=True)
    _claim(world, rejected, status="rejected")
    other = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2022-0099")
    _claim(world, elsewhere, case=other)
    creditors = list(selectors.dividend_creditors(world.case))
    assert [c.name for c in creditors] == ["Engie", "Proximus"]
    assert [c.has_unpaid for c in creditors] == [False, True]


def test_billable_payments_for_the_fee_engine(world, history):
    payments = fee_selectors.billable_payments(world.case)
    assert all(isinstance(p, PaymentFacts) for p in payments)
    assert [(p.id, p.date, p.category, p.amount, p.standing_order) for p in payments] == [
        (2, date(2022, 7, 5), "living_allowance", D("900.00"), True),
        (3, date(2022, 7, 6), "payment_on_behalf", D("450.00"), False),
        # n° 6 (the mistaken payment) and n° 7 (its reversal) are not prestations
        (8, date(2022, 8, 5), "living_allowance", D("900.00"), True),
    ]
    assert all(p.billable for p in payments)


def test_billable_payments_by_period_half_open(world, history):
    payments = fee_selectors.billable_payments(world.case, date(2022, 7, 6), date(2022, 8, 5))
    assert [p.id for p in payments] == [3]
    assert fee_selectors.billable_payments(world.case, date(2022, 8, 6), None) == []


def test_billable_payments_keep_dividends_and_exceptional_expenses(world, account):
    proximus = _creditor(world, "Proximus")
    _claim(world, proximus)
    post(world, date(2022, 7, 1), "in", "2000", "income")
    post(world, date(2022, 7, 2), "out", "100", "dividend", creditor_id=proximus.pk)
    post(
        world,
        date(2022, 7, 3),
        "out",
        "300",
        "exceptional_expense",
        authorisation="Ordonnance du 20/06/2022",
    )
    post(world, date(2022, 7, 4), "out", "5", "other")
    post(world, date(2022, 7, 5), "in", "10", "refund")
    categories = [p.category for p in fee_selectors.billable_payments(world.case)]
    assert categories == ["dividend", "exceptional_expense"]


def test_billable_payments_of_a_case_without_account(world):
    assert fee_selectors.billable_payments(world.case) == []
