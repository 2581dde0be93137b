"""The JustRestart fee in the case's calendar (fees.md §2, §4; issue #11): the daily run
records, at each anniversary of the admissibility (k >= 1; 29 February -> 28 February) on or
after 2 November 2023 and not after the closure date, one invoice priced by the dated row and
payable within 30 days; the mediator marks it paid with the journal entry that paid it (never
twice, never with another case's entry), which settles the duty. The taxation order awaited
after a filed statement is a duty too."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agenda.models import DailyRun, Duty
from agenda.services import daily_run
from fees.models import JustRestartInvoice, TariffRowRecord, TaxationOrder
from fees.services import (
    justrestart_invoice_mark_paid,
    statement_create,
    statement_file,
    taxation_order_record,
)
from fees.tests.db import income, open_account, post
from ledger.models import Category, Direction

from .factories import OrganisationFactory, UserFactory, make_case

D = Decimal
pytestmark = pytest.mark.django_db
KIND = "justrestart_fee"


@pytest.fixture
def cases(db):
    org = OrganisationFactory()
    mediator = UserFactory(organisation=org)

    def case(reference, admissibility, **fields):
        return make_case(
            organisation=org,
            mediator=mediator,
            reference=reference,
            admissibility_date=admissibility,
            **fields,
        )

    return {
        "leap": case("LEAP", date(2020, 2, 29)),
        "nov10": case("NOV10", date(2021, 11, 10)),
        "nov01": case("NOV01", date(2022, 11, 1)),
        "closed": case("CLOSED", date(2021, 3, 15), closure_date=date(2025, 3, 15)),
    }


def invoices(case):
    return list(
        JustRestartInvoice.objects.filter(case=case)
        .order_by("anniversary")
        .values_list("anniversary", flat=True)
    )


def test_the_run_invoices_each_anniversary_from_2_november_2023_until_closure(cases):
    daily_run(run_date=date(2023, 1, 1), catch_up_days=0)
    first = daily_run(run_date=date(2024, 12, 31))
    # LEAP: 28/02/2023 precedes 02/11/2023, 29/02/2024 (a leap year) is due.
    assert invoices(cases["leap"]) == [date(2024, 2, 29)]
    # NOV10: 10/11/2022 precedes JustRestart, 10/11/2023 is after 02/11/2023.
    assert invoices(cases["nov10"]) == [date(2023, 11, 10), date(2024, 11, 10)]
    # NOV01: 01/11/2023 is the day before JustRestart: no fee.
    assert invoices(cases["nov01"]) == [date(2024, 11, 1)]
    assert invoices(cases["closed"]) == [date(2024, 3, 15)]
    assert first.created[KIND] == 5
    assert first.errors == []

    second = daily_run(run_date=date(2026, 12, 31))
    # 29 February -> 28 February in the non-leap years 2025 and 2026.
    assert invoices(cases["leap"]) == [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28)]
    # the anniversary on the closure date is still due; the next one is not
    assert invoices(cases["closed"]) == [date(2024, 3, 15), date(2025, 3, 15)]
    assert second.created[KIND] == 7

    invoice = JustRestartInvoice.objects.get(case=cases["leap"], anniversary=date(2025, 2, 28))
    assert invoice.amount == D("75.00")
    assert invoice.year_index == 5
    assert invoice.tariff_row == "6.justrestart@2023-11-02"
    assert "2024003081" in invoice.tariff_source
    assert invoice.payable_by == date(2025, 3, 30)
    assert invoice.duty.kind == KIND
    assert invoice.duty.due_date == date(2025, 2, 28)
    assert invoice.duty.deadline == invoice.payable_by
    assert not invoice.is_paid


def test_running_twice_creates_no_second_invoice(cases):
    daily_run(run_date=date(2024, 12, 31), catch_up_days=800)
    count = JustRestartInvoice.objects.count()
    assert count == 5
    again = daily_run(run_date=date(2024, 12, 31))
    assert again.created[KIND] == 0
    # a run covering the same period again (as after a failed run) adds nothing
    DailyRun.objects.all().delete()
    rerun = daily_run(run_date=date(2024, 12, 31), catch_up_days=800)
    assert rerun.created[KIND] == 0
    assert JustRestartInvoice.objects.count() == count
    assert Duty.objects.filter(kind=KIND).count() == count


def test_the_amount_is_the_row_in_force_on_the_anniversary(cases):
    TariffRowRecord.objects.create(
        row_id="6.justrestart@2025-01-01",
        key="6.justrestart",
        effective_from=date(2025, 1, 1),
        amount=D("78.50"),
        source="AR fictif pour le test (MB 01.12.2024)",
    )
    daily_run(run_date=date(2025, 12, 31), catch_up_days=800)
    amounts = dict(
        JustRestartInvoice.objects.filter(case=cases["nov10"]).values_list("anniversary", "amount")
    )
    assert amounts == {
        date(2023, 11, 10): D("75.00"),
        date(2024, 11, 10): D("75.00"),
        date(2025, 11, 10): D("78.50"),
    }
    late = JustRestartInvoice.objects.get(case=cases["nov10"], anniversary=date(2025, 11, 10))
    assert late.tariff_source == "AR fictif pour le test (MB 01.12.2024)"


# --- marking paid -----------------------------------------------------------------------------


@pytest.fixture
def invoice(world):
    daily_run(run_date=date(2024, 7, 1), catch_up_days=30)
    # world.case: admissibility 15/06/2022 -> anniversary 15/06/2024
    return JustRestartInvoice.objects.get(case=world.case, anniversary=date(2024, 6, 15))


def payment(case, amount="75.00", on=date(2024, 6, 20), **kwargs):
    if not hasattr(case, "account"):
        open_account(case, opened_on=date(2024, 1, 1))
        income(case, date(2024, 1, 2), "500.00")
    return post(case, on, Category.OTHER, amount, **kwargs)


def test_marking_paid_links_the_entry_and_settles_the_duty(world, invoice):
    entry = payment(world.case)
    paid = justrestart_invoice_mark_paid(invoice=invoice, entry=entry, by=world.mediator)
    assert paid.paid_entry == entry
    assert paid.paid_on == date(2024, 6, 20)
    duty = Duty.objects.get(pk=invoice.duty_id)
    assert duty.settled_on == date(2024, 6, 20)
    assert duty.settled_by == world.mediator
    assert "n° 2" in duty.settled_note


def test_an_invoice_is_not_paid_twice(world, invoice):
    first = payment(world.case)
    second = payment(world.case, on=date(2024, 6, 21))
    justrestart_invoice_mark_paid(invoice=invoice, entry=first, by=world.mediator)
    with pytest.raises(ValidationError) as exc:
        justrestart_invoice_mark_paid(invoice=invoice, entry=second, by=world.mediator)
    assert "déjà payée le 20/06/2024" in str(exc.value)
    invoice.refresh_from_db()
    assert invoice.paid_entry == first


def test_an_entry_of_another_case_is_refused(world, invoice):
    other = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2022-0099")
    entry = payment(other)
    with pytest.raises(ValidationError) as exc:
        justrestart_invoice_mark_paid(invoice=invoice, entry=entry, by=world.mediator)
    assert "appartient au journal du dossier NAM-2022-0099" in str(exc.value)
    invoice.refresh_from_db()
    assert not invoice.is_paid
    assert Duty.objects.get(pk=invoice.duty_id).settled_on is None


def test_an_incoming_or_too_small_entry_is_refused(world, invoice):
    payment(world.case)  # opens the account
    incoming = post(world.case, date(2024, 6, 20), Category.INCOME, "75.00", direction=Direction.IN)
    with pytest.raises(ValidationError, match="est une entrée sur le compte"):
        justrestart_invoice_mark_paid(invoice=invoice, entry=incoming, by=world.mediator)
    small = payment(world.case, amount="10.00")
    with pytest.raises(ValidationError, match="ne couvre pas"):
        justrestart_invoice_mark_paid(invoice=invoice, entry=small, by=world.mediator)


def test_the_fee_tab_lists_the_invoice_and_marks_it_paid(client, world, invoice):
    entry = payment(world.case)
    client.force_login(world.mediator)
    page = client.get(reverse("fees:case_services", args=[world.case.pk]))
    body = page.content.decode()
    assert 'id="justrestart"' in body
    assert "15/06/2024" in body and "15/07/2024" in body
    url = reverse("fees:justrestart_pay", args=[world.case.pk, invoice.pk])
    assert url in body
    response = client.post(url, {"entry": entry.pk})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.paid_entry == entry
    # twice: the page says so, nothing changes
    again = client.post(url, {"entry": payment(world.case, on=date(2024, 6, 22)).pk})
    assert again.status_code == 200
    assert "ne se paie pas deux fois" in again.content.decode()
    invoice.refresh_from_db()
    assert invoice.paid_entry == entry


def test_the_page_refuses_another_cases_entry_plainly(client, world, invoice):
    other = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2022-0099")
    foreign = payment(other)
    other_org_entry = payment(world.other_case)
    client.force_login(world.mediator)
    url = reverse("fees:justrestart_pay", args=[world.case.pk, invoice.pk])
    response = client.post(url, {"entry": foreign.pk})
    assert response.status_code == 200
    assert "appartient au journal du dossier NAM-2022-0099" in response.content.decode()
    # another organisation's entry is unknown (its case is never named)
    response = client.post(url, {"entry": other_org_entry.pk})
    body = response.content.decode()
    assert "Écriture inconnue." in body and world.other_case.reference not in body
    invoice.refresh_from_db()
    assert not invoice.is_paid


# --- the taxation order awaited ---------------------------------------------------------------


def test_a_filed_statement_awaits_its_taxation_order(world):
    statement = statement_create(
        case=world.case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )
    statement = statement_file(statement=statement, by=world.mediator)
    filed_on = timezone.localdate(statement.filed_at)
    duty = Duty.objects.get(case=world.case, kind="taxation_order_awaited")
    assert duty.due_date == filed_on
    assert duty.deadline == filed_on + timedelta(days=30)
    assert duty.subject == f"statement:{statement.pk}"
    assert duty.settled_on is None
    # the run finds it already recorded
    result = daily_run(run_date=filed_on, catch_up_days=5)
    assert result.created["taxation_order_awaited"] == 0
    taxation_order_record(
        statement=statement, order_date=filed_on, allowed_amount=statement.total, by=world.mediator
    )
    duty.refresh_from_db()
    assert duty.settled_on == filed_on


def test_the_run_records_a_filing_it_has_not_seen_and_settles_it_once_taxed(world):
    statement = statement_create(
        case=world.case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )
    statement = statement_file(statement=statement, by=world.mediator)
    filed_on = timezone.localdate(statement.filed_at)
    Duty.objects.filter(kind="taxation_order_awaited").delete()  # filed before the agenda
    result = daily_run(run_date=filed_on, catch_up_days=5)
    assert result.created["taxation_order_awaited"] == 1
    # an order recorded without settling the duty (e.g. by an import) is seen by the next run
    TaxationOrder.objects.create(
        statement=statement,
        order_date=filed_on,
        allowed_amount=statement.total,
        recorded_by=world.mediator,
    )
    later = daily_run(run_date=filed_on + timedelta(days=1))
    assert later.settled["taxation_order_awaited"] == 1
    assert Duty.objects.get(kind="taxation_order_awaited").settled_on == filed_on
