"""Issue 15 and 16: the main screens scale (their query count does not grow with the rows) and
the clerk's and the supervisor's screens filter, sort, link and export what they show."""

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agenda.models import Duty
from cases.selectors import supervisor_overview
from cases.services import ApplicantData
from documents.models import Document
from documents.services import generated_pdf_file
from fees.models import FeeStatement, Service
from fees.services.statements import statement_document_title
from ledger import selectors as ledger_selectors
from ledger.services import account_open, entry_reverse

from .factories import make_case
from .pdf import MINIMAL_PDF
from .test_allowance_payments import budget, decide
from .test_banking_support import ENGIE_IBAN, open_account
from .test_contacts_services import declare, make_creditor
from .test_ledger_selectors import post as ledger_post


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries), response


# --- the clerk's list ------------------------------------------------------------------------


def filed(case, *, kind="annual_report", on=date(2026, 3, 1), title="Rapport", **fields):
    return Document.objects.create(
        case=case,
        kind=kind,
        title=title,
        file="cases/x.pdf",
        uploaded_by=case.mediator,
        filed_at=datetime(on.year, on.month, on.day, 10, tzinfo=UTC),
        filed_by=case.mediator,
        filed_division=case.division,
        **fields,
    )


def more_cases(world, n: int, start: int = 100) -> list:
    return [
        make_case(
            organisation=world.org,
            mediator=world.mediator,
            reference=f"NAM-2023-{start + i:04d}",
            role_number=f"23/{start + i}/B",
            applicants=[ApplicantData(last_name=f"Nom{start + i}", first_name="Jean")],
        )
        for i in range(n)
    ]


def test_clerk_list_query_count_is_constant(client, world):
    client.force_login(world.clerk)
    url = reverse("documents:clerk_list")
    filed(world.case)
    small, _ = count_queries(client, url)
    for case in more_cases(world, 6):
        for month in range(1, 10):
            filed(case, kind="taxation_statement", on=date(2026, month, 2))
    large, response = count_queries(client, url)
    assert large == small
    page = response.context["page"]
    assert page.paginator.count == 55 and len(page.object_list) == 50
    last, response = count_queries(client, url + "?page=2")
    assert last == small and len(response.context["page"].object_list) == 5


def test_clerk_filters_sort_and_search_by_role_number(client, world):
    client.force_login(world.clerk)
    world.case.role_number = "22/2610/B"
    world.case.save(update_fields=["role_number"])
    statement = filed(
        world.case,
        kind="taxation_statement",
        on=date(2026, 1, 10),
        period_start=date(2025, 12, 17),
        period_end=date(2026, 12, 3),
    )
    taxed = filed(
        world.case, kind="taxation_statement", on=date(2026, 2, 10), taxed_on=date(2026, 3, 1)
    )
    (other,) = more_cases(world, 1)
    report = filed(other, kind="annual_report", on=date(2026, 5, 5))
    plan = filed(other, kind="plan", on=date(2025, 11, 5))
    filed(world.other_case, kind="plan", on=date(2026, 1, 1))  # liege: never shown
    url = reverse("documents:clerk_list")

    def shown(query: str) -> list:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + query)
        assert response.status_code == 200
        # The page's rows (documents.selectors.ClerkRow), as the documents they show.
        rows = [Document.objects.get(pk=row.pk) for row in response.context["page"].object_list]
        # counted on the documents alone, joined to their case only to search its number
        (count,) = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "document" in q["sql"]]
        assert ("JOIN" in count) == ("case=" in query), count
        assert response.context["page"].paginator.count == len(rows)
        return rows

    assert shown("") == [report, taxed, statement, plan]  # newest filed first
    assert shown("?sort=date") == [plan, statement, taxed, report]
    assert shown("?kind=plan") == [plan]
    assert shown("?taxation=taxed") == [taxed]
    assert shown("?taxation=awaiting") == [statement]
    assert shown("?case=22%2F2610") == [taxed, statement]
    assert shown("?case=23/100/B") == [report, plan]
    assert shown("?filed_from=01/01/2026&filed_to=10/02/2026") == [taxed, statement]
    assert shown("?sort=kind") == [report, plan, taxed, statement]
    assert [d.case_id for d in shown("?sort=case")] == [world.case.pk] * 2 + [other.pk] * 2
    # a period that ends before it starts is refused next to the field, the list unfiltered
    response = client.get(url + "?filed_from=10/02/2026&filed_to=01/01/2026")
    assert "précède son début" in response.content.decode()
    html = client.get(url).content.decode()
    assert "en attente de taxation" in html and "taxé le 01/03/2026" in html
    assert "période du 17/12/2025 au 03/12/2026" in html


def test_download_name_and_title_of_a_filed_statement(client, world):
    world.case.role_number = "22/2610/B"
    world.case.save(update_fields=["role_number"])
    document = generated_pdf_file(
        case=world.case,
        kind="taxation_statement",
        title="État",
        filename="x.pdf",
        content=MINIMAL_PDF,
        by=world.mediator,
        period_start=date(2025, 12, 17),
        period_end=date(2026, 12, 3),
    )
    assert document.download_name == "RG-22-2610-B_etat-de-frais_2025-12-17_2026-12-03.pdf"
    client.force_login(world.clerk)
    response = client.get(reverse("documents:clerk_download", args=[document.pk]))
    assert response.status_code == 200
    assert (
        'filename="RG-22-2610-B_etat-de-frais_2025-12-17_2026-12-03.pdf"'
        in response["Content-Disposition"]
    )
    client.force_login(world.other_clerk)  # another division: not even its existence
    assert client.get(reverse("documents:clerk_download", args=[document.pk])).status_code == 404
    assert document not in client.get(reverse("documents:clerk_list")).context["page"].object_list


def test_download_name_without_role_number_or_period(world):
    document = filed(world.case, kind="plan", on=date(2026, 4, 2))
    document.case.reference = "NAM 2022/0042 é"
    assert document.download_name == "NAM-2022-0042-e_plan-de-reglement_2026-04-02.pdf"


def test_a_fee_statement_is_titled_as_a_fee_statement_whatever_its_occasion():
    statement = FeeStatement(
        period_from=date(2025, 12, 17), period_to=date(2026, 12, 4), occasion="annual_report"
    )
    title = statement_document_title(statement)
    assert title.startswith("État de frais et honoraires du 17/12/2025 au 03/12/2026")
    assert "Rapport annuel" in title and not title.startswith("Rapport")


# --- the supervisor's overview ----------------------------------------------------------------


def open_duty(case, kind, *, deadline, settled=False, subject=""):
    return Duty.objects.create(
        case=case,
        kind=kind,
        due_date=deadline,
        deadline=deadline,
        subject=subject,
        settled_on=deadline if settled else None,
    )


def flagged_world(world):
    """One case in arrears on its plan, one with an overdue report, one whose account cannot pay
    the applicant's next allowance (1.050,00 a month, 500,00 on the account)."""
    today = timezone.localdate()
    arrears, late, short = more_cases(world, 3, start=200)
    open_duty(arrears, "plan_instalment_missed", deadline=today - timedelta(30), subject="p1")
    open_duty(late, "plan_instalment_missed", deadline=today - timedelta(60), settled=True)
    open_duty(late, "annual_report_due", deadline=today - timedelta(10))
    open_duty(arrears, "annual_report_due", deadline=today + timedelta(30))  # not overdue yet
    decide(budget(short, world.mediator), world.mediator)
    open_account(short, balance="500.00", by=world.mediator)
    decide(budget(world.case, world.mediator), world.mediator)  # 3.000,00: enough
    open_account(world.case, iban=ENGIE_IBAN, balance="3000.00", by=world.mediator)
    return arrears, late, short


def test_supervisor_numbers_link_to_the_lists_behind_them(client, world):
    arrears, late, short = flagged_world(world)
    today = timezone.localdate()
    rows = {r.mediator.username: r for r in supervisor_overview(world.supervisor, today)}
    mediator = rows["mediator"]
    assert mediator.count("plan_arrears") == 1
    assert mediator.count("overdue_reports") == 1
    assert mediator.count("low_balance") == 1
    assert rows["colleague"].count("plan_arrears") == 0
    flags = {
        "plan_arrears": arrears,
        "overdue_reports": late,
        "low_balance": short,
    }
    client.force_login(world.supervisor)
    body = client.get(reverse("cases:overview")).content.decode()
    for key, case in flags.items():
        link = f"?mediator={world.mediator.pk}&flag={key}"
        assert link.replace("&", "&amp;") in body
        listed = client.get(reverse("cases:list") + link)
        assert [c.reference for c in listed.context["page"]] == [case.reference], key
    # another organisation's supervisor: none of these numbers, none of these cases
    client.force_login(world.other_supervisor)
    response = client.get(reverse("cases:overview"))
    assert all(n == 0 for row in response.context["rows"] for _spec, n in row.counts)
    listed = client.get(reverse("cases:list") + "?flag=plan_arrears")
    assert list(listed.context["page"]) == []


def test_supervisor_overview_query_count_is_constant(client, world):
    client.force_login(world.supervisor)
    url = reverse("cases:overview")
    flagged_world(world)
    exports = [reverse("cases:overview_export", args=[fmt]) for fmt in ("csv", "xlsx")]
    small, _ = count_queries(client, url)
    small_exports = [count_queries(client, export)[0] for export in exports]
    today = timezone.localdate()
    for case in more_cases(world, 8, start=300):
        open_duty(case, "plan_instalment_missed", deadline=today - timedelta(5), subject="p")
        open_duty(case, "annual_report_due", deadline=today - timedelta(5))
    large, response = count_queries(client, url)
    assert large == small
    rows = {r.mediator.username: r for r in response.context["rows"]}
    assert rows["mediator"].count("plan_arrears") == 9
    assert [count_queries(client, export)[0] for export in exports] == small_exports


def test_supervisor_overview_exports(client, world):
    flagged_world(world)
    client.force_login(world.supervisor)
    response = client.get(reverse("cases:overview_export", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "supervision-" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    header = lines[0].split(";")
    assert header[0] == "Médiateur" and "Retards du plan" in header
    assert "Rapports en retard" in header and "Solde insuffisant pour le pécule" in header
    by_name = {line.split(";")[0]: line.split(";") for line in lines[1:]}
    mine = by_name[str(world.mediator)]
    assert mine[header.index("Retards du plan")] == "1"
    assert mine[header.index("Total")] == "4"
    response = client.get(reverse("cases:overview_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1] == header
    assert [str(world.mediator), *[int(v) for v in mine[1:]]] in values
    assert client.get(reverse("cases:overview_export", args=["pdf"])).status_code == 404
    client.force_login(world.mediator)
    assert client.get(reverse("cases:overview_export", args=["csv"])).status_code == 403


# --- the caseload list ------------------------------------------------------------------------


def test_caseload_sorted_searched_and_last_page_in_constant_queries(client, world):
    client.force_login(world.supervisor)
    url = reverse("cases:list")
    queries = ["?sort=applicant", "?sort=-applicant", "?q=jean", "?q=NAM", "?page=99"]
    more_cases(world, 2)
    small = {query: count_queries(client, url + query)[0] for query in queries}
    more_cases(world, 28, start=102)
    for query in queries:
        large, response = count_queries(client, url + query)
        assert large == small[query], query
    page = client.get(url + "?sort=applicant").context["page"]
    assert [c.applicants.all()[0].last_name for c in page][:3] == ["Dubois", "Nom100", "Nom101"]
    page = client.get(url + "?sort=-applicant").context["page"]
    assert page[0].applicants.all()[0].last_name == "Nom129"
    found = client.get(url + "?q=nom12").context["page"]
    assert sorted(c.reference for c in found) == [f"NAM-2023-{n:04d}" for n in range(120, 130)]
    # the national number is searched through its keyed hash, an exact match
    found = client.get(url + "?q=85073003328").context["page"]
    assert [c.reference for c in found] == [world.case.reference]
    assert client.get(url + "?q=8507300").context["page"].paginator.count == 0


def test_caseload_search_runs_no_distinct(client, world):
    client.force_login(world.supervisor)
    more_cases(world, 3)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:list") + "?q=jean&sort=applicant")
    assert response.context["page"].paginator.count == 3
    assert not any("DISTINCT" in q["sql"].upper() for q in queries.captured_queries)


# --- the contacts tab -------------------------------------------------------------------------


def test_contacts_tab_does_not_list_the_directory(client, world):
    client.force_login(world.mediator)
    url = reverse("contacts:case_contacts", args=[world.case.pk])
    declare(world.case, make_creditor(world.org, "Proximus"))
    small, _ = count_queries(client, url)
    for n in range(40):
        make_creditor(world.org, f"Annuaire {n:02d}")
    large, response = count_queries(client, url)
    assert large == small
    html = response.content.decode()
    assert "Proximus" in html and "Annuaire 07" not in html
    search = reverse("contacts:creditor_search", args=[world.case.pk])
    found = client.get(search, {"q": "annuaire"}).content.decode()
    assert found.count("<a ") == 20 and "Annuaire 19" in found  # the first 20, by name
    client.force_login(world.other_mediator)
    assert client.get(search, {"q": "annuaire"}).status_code == 404


# --- the journal tab --------------------------------------------------------------------------


@pytest.fixture
def journal_entries(world):
    """Six months of a small journal with reserve transfers and a reversal."""
    account_open(case=world.case, iban="BE71096123456769")
    first = ledger_post(world, date(2022, 7, 1), "in", "1500.00", "income")
    ledger_post(world, date(2022, 7, 5), "out", "900.00", "living_allowance")
    ledger_post(world, date(2022, 7, 31), "in", "100.00", "reserve_transfer")
    ledger_post(world, date(2022, 8, 1), "in", "1500.00", "income")
    wrong = ledger_post(world, date(2022, 8, 2), "out", "45.00", "payment_on_behalf")
    entry_reverse(entry=wrong, by=world.mediator, today=date(2022, 8, 3))
    ledger_post(world, date(2022, 8, 5), "out", "900.00", "living_allowance")
    ledger_post(world, date(2022, 9, 30), "out", "4.50", "bank_charge")
    ledger_post(world, date(2022, 10, 1), "out", "40.00", "reserve_transfer")
    ledger_post(world, date(2022, 10, 1), "in", "300.00", "income")
    ledger_post(world, date(2022, 12, 1), "in", "20.00", "refund")
    return first.account


@pytest.mark.parametrize(
    "period", [(None, None), (date(2022, 8, 1), date(2022, 12, 1))], ids=["all", "period"]
)
@pytest.mark.parametrize("category", ["", "living_allowance"])
def test_journal_pages_match_the_whole_journal_replayed(world, journal_entries, period, category):
    """Each page is read alone (the page's entries, an aggregate for the balance before it, the
    reserve's few moves): its balances, reserves, totals and chart are those of the whole
    journal replayed in Python (the former way)."""
    account = journal_entries
    start, end = period
    opening = ledger_selectors.position_before(account, start)
    rows = ledger_selectors.movements(account, start, end)
    summary, after = ledger_selectors.summarise(opening, rows, start=start, end=end)
    expected_chart = ledger_selectors.daily_positions(opening, rows)
    expected = [
        (r.sequence, after[r.sequence].balance, after[r.sequence].reserve)
        for r in reversed(rows)
        if not category or r.category == category
    ]
    seen = []
    for number in (1, 2, 3, 4):
        page = ledger_selectors.journal_page(
            account, start=start, end=end, category=category, page=number, per_page=3
        )
        if page.page.number != number:
            break
        seen += [(x.entry.sequence, x.balance, x.reserve) for x in page.page.object_list]
        assert page.summary == summary
        assert page.chart == expected_chart
    assert seen == expected


def test_journal_tab_query_count_is_constant(client, world, journal_entries):
    client.force_login(world.mediator)
    url = reverse("ledger:journal", args=[world.case.pk])
    small = count_queries(client, url)[0]
    small_last = count_queries(client, url + "?page=99")[0]
    for n in range(60):
        ledger_post(world, date(2023, 1, 1 + n % 28), "out", "1", "payment_on_behalf")
    assert count_queries(client, url)[0] == small
    large_last, response = count_queries(client, url + "?page=99")
    assert large_last == small_last
    assert len(response.context["journal"].page.object_list) == 71 - 50  # 11 entries + 60
    # Shown again, the period's totals, reserve moves and daily positions are kept
    # (ledger.selectors.period_figures): three queries fewer, until the next entry.
    assert count_queries(client, url)[0] == count_queries(client, url + "?page=99")[0] == small - 3
    ledger_post(world, date(2023, 2, 1), "out", "1", "payment_on_behalf")
    assert count_queries(client, url)[0] == small


# --- the fee tab ------------------------------------------------------------------------------


def add_services(case, n: int, *, start: date = date(2023, 1, 2)):
    Service.objects.bulk_create(
        Service(
            case=case,
            date=start + timedelta(days=i),
            kind="travel" if i % 2 else "letter",
            quantity=2 if i % 3 == 0 else 1,
            km=Decimal("12.5") if i % 2 else None,
            mediator=case.mediator,
        )
        for i in range(n)
    )


def test_fee_tab_reads_one_page_of_services_in_constant_queries(client, world):
    client.force_login(world.mediator)
    url = reverse("fees:case_services", args=[world.case.pk])
    add_services(world.case, 3)
    small, _ = count_queries(client, url)
    add_services(world.case, 120, start=date(2023, 3, 1))
    large, response = count_queries(client, url)
    assert large == small
    page = response.context["services_page"]
    assert page.paginator.count == 123 and len(page.object_list) == 50
    assert page.object_list[0].date == date(2023, 3, 1) + timedelta(days=119)  # newest first
    # the totals are the whole case's, not the page's
    totals = {row.kind: row for row in response.context["totals"].rows}
    assert totals["travel"].records == 1 + 60
    assert totals["letter"].records == 2 + 60
    travel = Service.objects.filter(case=world.case, kind="travel")
    assert totals["travel"].km == sum(s.km * s.quantity for s in travel)
    assert count_queries(client, url + "?page=3")[0] == small
