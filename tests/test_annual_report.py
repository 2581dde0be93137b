"""The mediator's annual report (reports app): what it reads as of the period's last day, the
period's rules, filing (a frozen document seen by the division's clerks), the page."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from budget.services import (
    AllowanceData,
    BudgetData,
    ChargeData,
    IncomeData,
    allowance_decide,
    budget_version_create,
)
from cases.services import case_change_status
from claims.models import Claim, ClaimStatus, Creditor
from documents.models import Document
from ledger.services import account_open
from reports import selectors, services
from reports.models import FiledReport

from .factories import post_entry
from .pdf import MINIMAL_PDF, pdf_text

D = Decimal
IBAN = "BE71096123456769"
PDF = MINIMAL_PDF
TODAY = date(2024, 7, 1)
NOW = datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
# world.case: admissibility 15/06/2022 -> second follow-up year 15/06/2023 - 14/06/2024.
YEAR_2 = services.ReportData(period_from=date(2023, 6, 15), last_day=date(2024, 6, 14))


def post(world, day, direction, amount, category, **kw):
    return post_entry(world, day, direction, amount, category, today=TODAY, **kw)


def budget(world, day, earned="2000.00", allowance="1700.00"):
    version = budget_version_create(
        case=world.case,
        data=BudgetData(
            date=day,
            ris_category="single",
            incomes=[IncomeData(kind="earned", amount=D(earned), label="Salaire")],
            charges=[ChargeData(kind="rent", amount=D("600.00"), paid_from_account=True)],
        ),
        by=world.mediator,
    )
    allowance_decide(
        version=version,
        data=AllowanceData(amount=D(allowance), agreement_date=day),
        agreement=SimpleUploadedFile("accord.pdf", PDF),
        by=world.mediator,
        today=day,
    )
    return version


@pytest.fixture
def filled(world):
    """Two years of a case: an account, two creditors, dividends before and during year 2, a
    budget before the period's end and one after it, a status change after it."""
    account_open(case=world.case, iban=IBAN)
    proximus = Creditor.objects.create(organisation=world.org, name="Proximus SA")
    engie = Creditor.objects.create(organisation=world.org, name="Engie")
    for creditor, principal in ((proximus, "900.00"), (engie, "2100.00")):
        Claim.objects.create(  # accepted: only an admitted claim is paid (docs/plan-rules.md)
            case=world.case,
            creditor=creditor,
            principal=D(principal),
            declared_on=date(2022, 7, 1),
            status=ClaimStatus.ACCEPTED,
        )
    post(world, date(2022, 7, 1), "in", "1500", "income", counterparty="Employeur")
    post(world, date(2023, 5, 10), "out", "30", "dividend", creditor_id=proximus.pk)
    post(world, date(2023, 7, 1), "in", "2000", "income", counterparty="Employeur")
    post(world, date(2023, 8, 10), "out", "40", "dividend", creditor_id=proximus.pk)
    post(world, date(2024, 1, 10), "out", "70", "dividend", creditor_id=engie.pk)
    post(world, date(2024, 6, 20), "out", "99", "dividend", creditor_id=engie.pk)  # year 3
    budget(world, date(2024, 5, 1))  # the first integration-income row in force
    budget(world, date(2024, 6, 20), earned="2100.00")  # after year 2: not in its report
    case_change_status(
        case=world.case,
        to_status="judicial_plan",
        decision_date=date(2024, 6, 25),
        by=world.mediator,
        history_replay=True,  # a recorded decision: the case has no plan here
    )
    return {"proximus": proximus, "engie": engie}


def period(data=YEAR_2):
    return selectors.ReportPeriod(data.period_from, date(2024, 6, 15))


# What the report reads --------------------------------------------------------------------


def test_the_report_reads_the_case_as_it_stood_on_the_last_day(world, filled):
    report = selectors.annual_report(world.case, period())
    assert report.as_of == date(2024, 6, 14)
    assert report.status == "amicable_phase"  # the judicial plan came on 25/06/2024
    summary = report.ledger
    assert summary.opening.balance == D("1470.00")  # 1500 - 30 before 15/06/2023
    assert summary.total_in == D("2000.00")
    assert summary.total_out == D("110.00")
    assert summary.closing.balance == D("3360.00")
    assert report.budget_version.number == 1  # version 2 is dated 20/06/2024
    assert report.allowance.amount == D("1700.00")
    dividends = {d.name: (d.in_period, d.cumulated) for d in report.dividends}
    assert dividends == {"Engie": (D("70.00"), D("70.00")), "Proximus SA": (D("40"), D("70"))}
    assert report.dividends_in_period == D("110.00")
    assert report.claims.total == D("3000.00")
    assert report.plan is None
    assert any("état de frais et honoraires" in w for w in report.warnings)


def test_anniversary_periods_and_the_default_one(world):
    periods = selectors.anniversary_periods(world.case, TODAY)
    assert [(p.start, p.last_day) for p in periods] == [
        (date(2024, 6, 15), date(2025, 6, 14)),
        (date(2023, 6, 15), date(2024, 6, 14)),
        (date(2022, 6, 15), date(2023, 6, 14)),
    ]
    # the last complete follow-up year: the one whose anniversary has come
    assert selectors.default_period(world.case, TODAY).start == date(2023, 6, 15)
    assert selectors.default_period(world.case, date(2024, 6, 14)).start == date(2023, 6, 15)
    assert selectors.default_period(world.case, date(2022, 9, 1)).start == date(2022, 6, 15)


@pytest.mark.parametrize(
    "data,field,message",
    [
        (services.ReportData(date(2022, 6, 1), date(2023, 5, 31)), "period_from", "admissibilité"),
        (services.ReportData(date(2023, 6, 15), date(2023, 6, 1)), "last_day", "suit le premier"),
        (services.ReportData(date(2023, 6, 15), date(2024, 7, 2)), "last_day", "à venir"),
        (services.ReportData(date(2022, 6, 15), date(2023, 6, 15)), "last_day", "un an au plus"),
        (services.ReportData(None, None), "period_from", "premier jour"),
        (
            services.ReportData(date(2023, 6, 15), date(2024, 6, 14), "x" * 20_001),
            "observations",
            "",
        ),
    ],
)
def test_bad_periods_are_refused_with_a_message(world, data, field, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.check_report(case=world.case, data=data, today=TODAY)
    assert message in " ".join(error.value.message_dict[field])


# Filing -----------------------------------------------------------------------------------


def test_the_report_prints_what_the_law_asks_with_its_annexes_numbered(world, filled):
    from reports import pdf

    report = selectors.annual_report(world.case, period())
    html = pdf.report_html(report, observations="Reprise d'un emploi.\nLoyer en hausse.", on=TODAY)
    assert "Rapport du médiateur de dettes" in html
    assert "état de la procédure — période du 15/06/2023 au 14/06/2024" in html
    assert "<p>Reprise d&#x27;un emploi.<br>Loyer en hausse.</p>" in html  # escaped, as typed
    assert "Statut au 14/06/2024" in html and "Phase amiable" in html
    assert "3.360,00" in html and "1.470,00" in html  # closing and opening balances
    assert "copie du livre-journal en annexe 1" in html
    assert "Budget détaillé du ménage en annexe 2" in html
    assert "Liste actualisée des créances en annexe 3" in html
    assert "sollicitée pour la période du 15/06/2023 au 14/06/2024" in html
    annexes = pdf.annex_htmls(report, on=TODAY, now=NOW)
    assert len(annexes) == 3
    assert "Annexe 1 au rapport du médiateur du 15/06/2023 au 14/06/2024" in annexes[0]
    assert "Livre-journal du compte de médiation" in annexes[0]
    assert "Annexe 2 au rapport" in annexes[1] and "Annexe au rapport annuel" not in annexes[1]
    assert "Annexe 3 au rapport" in annexes[2] and "Proximus SA" in annexes[2]


def test_without_account_or_budget_the_annexes_are_renumbered(world):
    from reports import pdf

    report = selectors.annual_report(world.case, period())
    html = pdf.report_html(report, observations="", on=TODAY)
    assert "Aucun compte de médiation n'est ouvert pour ce dossier." in html
    assert "Liste actualisée des créances en annexe 1" in html
    assert len(pdf.annex_htmls(report, on=TODAY, now=NOW)) == 1


def test_filing_prints_the_report_and_its_annexes_and_files_it(world, filled, tmp_path):
    data = services.ReportData(YEAR_2.period_from, YEAR_2.last_day, "Reprise d'un emploi.")
    filed = services.report_file(
        case=world.case, data=data, by=world.mediator, today=TODAY, now=NOW
    )
    document = filed.document
    assert document.kind == "annual_report" and document.is_filed
    assert (filed.period_from, filed.period_to) == (date(2023, 6, 15), date(2024, 6, 15))
    content = document.file.read()
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "RAPPORT DU MÉDIATEUR DE DETTES" in text
    assert "période du 15/06/2023 au 14/06/2024" in text
    assert "Reprise d'un emploi." in text
    assert "Annexe 1 au rapport du médiateur du 15/06/2023 au 14/06/2024" in text
    assert "LIVRE-JOURNAL DU COMPTE DE MÉDIATION" in text
    assert "Annexe 2 au rapport" in text and "Annexe 3 au rapport" in text
    assert "3.360,00" in text  # closing balance
    assert "La taxation des frais et honoraires du médiateur est sollicitée" in text


def test_a_period_is_filed_once_and_a_failure_saves_nothing(world, filled, monkeypatch):
    services.report_file(case=world.case, data=YEAR_2, by=world.mediator, today=TODAY, now=NOW)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="déjà été déposé"):
        services.report_file(case=world.case, data=YEAR_2, by=world.mediator, today=TODAY, now=NOW)
    assert Document.objects.filter(case=world.case).count() == 1

    def broken(*args, **kwargs):
        raise OSError("fonts")

    monkeypatch.setattr("reports.pdf.annual_report_pdf", broken)
    year_1 = services.ReportData(date(2022, 6, 15), date(2023, 6, 14))
    with pytest.raises(ValidationError, match="rien n'a été déposé"):
        services.report_file(case=world.case, data=year_1, by=world.mediator, today=TODAY, now=NOW)
    assert Document.objects.filter(case=world.case).count() == 1
    assert FiledReport.objects.filter(case=world.case).count() == 1


def test_the_division_clerk_downloads_the_filed_report_another_clerk_cannot(client, world, filled):
    filed = services.report_file(
        case=world.case, data=YEAR_2, by=world.mediator, today=TODAY, now=NOW
    )
    client.force_login(world.clerk)
    assert filed.document.title in client.get(reverse("documents:clerk_list")).content.decode()
    url = reverse("documents:clerk_download", args=[filed.document.pk])
    assert client.get(url).status_code == 200
    client.force_login(world.other_clerk)
    assert client.get(url).status_code == 404


# The page ---------------------------------------------------------------------------------


def page(world):
    return reverse("reports:annual_report", args=[world.case.pk])


def form(data=YEAR_2, action="preview", observations=""):
    return {
        "period_from": f"{data.period_from:%d/%m/%Y}",
        "last_day": f"{data.last_day:%d/%m/%Y}",
        "observations": observations,
        "action": action,
    }


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)


def test_the_page_proposes_the_last_follow_up_year(client, world, filled, frozen_today):
    client.force_login(world.mediator)
    content = client.get(page(world)).content.decode()
    assert 'value="15/06/2023"' in content and 'value="14/06/2024"' in content
    assert "version n° 1 du 01/05/2024" in content
    assert "Déposer au greffe" in content
    content = client.get(page(world) + "?annee=2022-06-15").content.decode()
    assert 'value="15/06/2022"' in content and 'value="14/06/2023"' in content


def test_preview_is_a_pdf_and_saves_nothing(client, world, filled, frozen_today):
    client.force_login(world.supervisor)  # a CPAS supervisor may read it, not file it
    response = client.post(page(world), form())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not Document.objects.filter(case=world.case).exists()
    assert client.post(page(world), form(action="file")).status_code == 403
    assert not Document.objects.filter(case=world.case).exists()


def test_the_mediator_files_from_the_page(client, world, filled, frozen_today):
    client.force_login(world.mediator)
    response = client.post(page(world), form(action="file", observations="RAS"))
    assert response.status_code == 302
    filed = FiledReport.objects.get(case=world.case)
    assert filed.observations == "RAS"
    content = client.get(page(world)).content.decode()
    assert "Rapport du médiateur — période du 15/06/2023 au 14/06/2024" in content


def test_a_bad_period_comes_back_with_its_message(client, world, filled, frozen_today):
    client.force_login(world.mediator)
    bad = services.ReportData(date(2023, 6, 15), date(2024, 8, 1))
    response = client.post(page(world), form(bad, action="file"))
    assert response.status_code == 200
    assert "Le rapport ne porte pas sur des jours à venir." in response.content.decode()
    assert not Document.objects.filter(case=world.case).exists()


def test_another_organisation_case_is_not_found(client, world):
    client.force_login(world.other_mediator)
    assert client.get(page(world)).status_code == 404
    assert client.post(page(world), form(action="file")).status_code == 404


def test_typing_the_dates_refreshes_what_the_report_will_contain(
    client, world, filled, frozen_today
):
    client.force_login(world.mediator)
    response = client.get(
        page(world),
        {"period_from": "15/06/2022", "last_day": "14/06/2023"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert content.startswith('<div id="report-summary">')
    assert "Contenu du rapport du 15/06/2022 au 14/06/2023" in content
    assert "Budget détaillé : aucun budget établi" in content  # the budget came in 2024
    response = client.get(
        page(world),
        {"period_from": "15/06/2022", "last_day": "01/01/2030"},
        headers={"HX-Request": "true"},
    )
    assert "Indiquez une période valable" in response.content.decode()
