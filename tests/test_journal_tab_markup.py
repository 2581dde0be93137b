"""The journal tab read from the database (issue 15): its rows read as plain values
(``ledger.selectors.JournalRow``) are the markup the row template wrote from the entries'
models, for varied entries (reversals, reserve transfers, dividends, bank references, imported
entries, long texts full of HTML characters), in French and in Dutch; the period's figures and
the balance chart kept per process (``selectors.period_figures``, ``views._balance_chart``) are
those read afresh, and a new entry is seen at once."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from claims.models import Claim, Creditor
from ledger import selectors, views
from ledger.selectors import JournalLine
from ledger.services import EntryData, account_open, entry_post, entry_reverse

from .test_journal_rows import EVIL, ROW_TEMPLATE, normal

pytestmark = pytest.mark.django_db

D = Decimal
LONG = "Loyer & charges <avril> « appartement » 'rez' \"arrière\" " * 3


def post(world, day, direction, amount, category, *, by=True, **kw):
    return entry_post(
        case=world.case,
        data=EntryData(
            value_date=day, direction=direction, amount=D(amount), category=category, **kw
        ),
        by=world.mediator if by else None,
        today=date(2023, 6, 30),
    )


@pytest.fixture
def journal(world):
    world.mediator.first_name, world.mediator.last_name = "Anne<i>", "Dupont & fils"
    world.mediator.save()
    account_open(case=world.case, iban="BE71096123456769", opened_on=date(2022, 7, 1))
    creditor = Creditor.objects.create(organisation=world.org, name=EVIL)
    Claim.objects.create(
        case=world.case, creditor=creditor, principal=D("90000"), declared_on=date(2022, 7, 1)
    )
    post(world, date(2022, 7, 1), "in", "123456.78", "income", counterparty=EVIL)
    post(
        world,
        date(2022, 7, 2),
        "out",
        "600",
        "living_allowance",
        standing_order=True,
        counterparty=LONG,
        counterparty_iban="BE71096123456769",
        communication=EVIL,
        note=LONG,
    )
    post(world, date(2022, 7, 3), "in", "250.5", "reserve_transfer")
    wrong = post(
        world,
        date(2022, 7, 4),
        "out",
        "1234.56",
        "dividend",
        creditor_id=creditor.pk,
        authorisation=EVIL,
        bank_reference="SEPA|" + EVIL,
    )
    entry_reverse(entry=wrong, by=world.mediator, today=date(2022, 7, 5), note=EVIL)
    post(world, date(2022, 7, 6), "out", "100.25", "reserve_transfer")
    post(world, date(2022, 7, 6), "in", "0.01", "income", by=False, bank_reference="CODA 12")
    for n in range(55):  # two pages
        post(
            world,
            date(2022, 8, 1 + n % 28),
            "out" if n % 3 else "in",
            f"{n + 1}.{n:02d}",
            ("income", "bank_charge", "payment_on_behalf")[n % 3],
            counterparty=LONG[: n + 1],
        )
    return world


def template_rows(lines, case, can_edit: bool) -> str:
    """The rows as the template wrote them, from the entries' models."""
    models = {e.sequence: e for e in selectors.journal(case.account)}
    theirs = [JournalLine(models[li.entry.sequence], li.balance, li.reserve) for li in lines]
    context = {"lines": theirs, "case": case, "can_edit": can_edit}
    return Template(ROW_TEMPLATE).render(Context(context))


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"page": 2},
        {"category": "reserve_transfer"},
        {"category": "dividend"},
        {"start": date(2022, 7, 3), "end": date(2022, 8, 5)},
    ],
)
def test_rows_read_as_values_are_the_template_s_markup(journal, language, query):
    case = journal.case
    account = selectors.account_for_journal(case)
    for can_edit in (True, False):
        with translation.override(language):
            lines = selectors.journal_page(account, **query).page.object_list
            assert lines
            ours = Template("{% load ledger_ui %}{% journal_rows lines pk can_edit %}").render(
                Context({"lines": lines, "pk": case.pk, "can_edit": can_edit})
            )
            theirs = template_rows(lines, case, can_edit)
        assert normal(ours) == normal(theirs)
        assert "<script>" not in ours and "<i>" not in ours
        assert "Anne&lt;i&gt; Dupont &amp; fils" in ours  # the author, escaped


@pytest.mark.parametrize(
    "period",
    [
        (None, None),
        (date(2022, 7, 3), None),
        (None, date(2022, 8, 10)),
        (date(2022, 7, 4), date(2022, 8, 20)),
    ],
)
def test_kept_figures_are_those_read_afresh(journal, period):
    start, end = period
    case = journal.case

    def seen(account, **kw):
        page = selectors.journal_page(account, start=start, end=end, **kw)
        lines = [(li.entry.sequence, li.balance, li.reserve) for li in page.page.object_list]
        return page.summary, page.chart, page.selected_in, page.selected_out, lines

    for kw in ({}, {"page": 2}, {"category": "income"}):
        fresh = seen(selectors.account_of(case), **kw)
        assert seen(selectors.account_for_journal(case), **kw) == fresh  # read and kept
        with CaptureQueriesContext(connection) as kept:
            assert seen(selectors.account_for_journal(case), **kw) == fresh  # from the kept
        assert not any("GROUP BY" in q["sql"] for q in kept.captured_queries)
    post(journal, date(2022, 8, 15), "in", "1000", "income")
    assert seen(selectors.account_for_journal(case)) == seen(selectors.account_of(case))
    for today in (date(2022, 8, 1), date(2024, 1, 1)):  # the last value date read with it
        assert selectors.default_export_end(
            selectors.account_for_journal(case), today
        ) == selectors.default_export_end(selectors.account_of(case), today)


def without_tokens(response) -> str:
    return re.sub(
        r'(X-CSRFToken": |name="csrfmiddlewaretoken" value=)"[^"]*"', "", response.content.decode()
    )


def test_the_tab_reads_the_figures_once_and_sees_a_new_entry(client, journal):
    client.force_login(journal.mediator)
    url = reverse("ledger:journal", args=[journal.case.pk])
    for query in ("", "?page=100000", "?start=03/07/2022"):
        first = client.get(url + query)
        with CaptureQueriesContext(connection) as captured:
            again = client.get(url + query)
        assert without_tokens(again) == without_tokens(first)
        entries = [q["sql"] for q in captured.captured_queries if '"ledger_entry"' in q["sql"]]
        # the page's entries and the account's latest hash (read with the account)
        assert len(entries) == 2, entries
        chart = again.context["chart"]
        assert chart.svg == render_to_string("ledger/_balance_chart.html", {"chart": chart})
        assert chart.svg in again.content.decode()
    post(journal, date(2023, 1, 10), "in", "777.77", "income")
    response = client.get(url)
    assert without_tokens(response) != without_tokens(first)
    assert "777,77" in response.content.decode()
    assert response.context["journal"].chart[-1].day == date(2023, 1, 10)
    assert response.context["summary"].closing.balance == selectors.account_of(journal.case).balance


def test_charts_are_kept_per_language(client, journal):
    client.force_login(journal.mediator)
    url = reverse("ledger:journal", args=[journal.case.pk])
    french = client.get(url).context["chart"].svg
    client.cookies["django_language"] = "nl"
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").context["chart"].svg
    assert french != dutch and len(views._charts_kept) >= 2
