"""Nothing contradictory goes to court (issue 12; docs/court-documents.md): the checks before a
plan, a fee statement or an annual report is filed, the report's sentences derived from the
figures, documents in the language of the procedure naming the court in full, "taxé" only after
the judge's taxation order."""

from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from banking.models import StatementBalance, StatementImport
from cases.models import Case
from claims.models import Claim, ClaimStatus, Creditor
from claims.selectors import admitted_ceilings, claim_ceiling, claim_counts_toward_ceiling
from core.divisions import court_name, procedure_language
from documents.models import DocumentKind
from documents.registry import CONFIRM_EARLY, FilingCheck, filing_check
from fees.services.statements import statement_create, statement_file
from fees.services.taxation import taxation_order_record
from ledger.selectors import paid_vs_admitted
from ledger.services import account_open
from plans import services as plan_services
from plans.services import PlanData
from reports import court_checks, pdf, selectors, services
from reports.court_checks import BankBalance, CourtFacts, CreditorPaid, PlanArrears
from reports.narrative import ExecutionFacts, execution_sentences

from .factories import post_entry

D = Decimal
IBAN = "BE71096123456769"
TODAY = date(2024, 7, 1)
NOW = datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
# world.case: admissibility 15/06/2022 -> second follow-up year 15/06/2023 - 14/06/2024.
YEAR_2 = services.ReportData(period_from=date(2023, 6, 15), last_day=date(2024, 6, 14))
AS_SCHEDULED = "Le plan est exécuté conformément à l'échéancier."


# The rules, pure ---------------------------------------------------------------------------


def test_a_creditor_paid_beyond_its_claim_refuses_the_filing():
    facts = CourtFacts(
        creditors=(
            CreditorPaid(1, "Proximus SA", ceiling=D("900.00"), paid=D("1239.74")),
            CreditorPaid(2, "Engie", ceiling=D("2100.00"), paid=D("2100.00")),  # paid off: fine
        )
    )
    result = court_checks.check(facts, today=TODAY)
    assert [f.code for f in result.refusals] == ["overpaid"]
    assert "Proximus SA" in result.refusals[0].message
    assert "339,74" in result.refusals[0].message
    assert result.errors(confirm_early=True) == {"__all__": [result.refusals[0].message]}


def test_arrears_are_a_warning_not_a_refusal():
    facts = CourtFacts(arrears=PlanArrears(2, date(2024, 6, 14), D("250.00")))
    result = court_checks.check(facts, today=TODAY)
    assert [f.code for f in result.warnings] == ["arrears"]
    assert "250,00" in result.warnings[0].message and "14/06/2024" in result.warnings[0].message
    assert result.errors(confirm_early=False) == {}


@pytest.mark.parametrize(
    "over_on,today,early",
    [
        (date(2024, 6, 15), date(2024, 6, 14), True),  # the last day is not over
        (date(2024, 6, 15), date(2024, 6, 15), False),  # ended yesterday
        (None, date(2024, 6, 1), False),  # a plan: no period
    ],
)
def test_a_period_not_ended_needs_an_explicit_confirmation(over_on, today, early):
    result = court_checks.check(CourtFacts(period_over_on=over_on), today=today)
    assert result.needs_confirmation is early
    if early:
        assert list(result.errors(confirm_early=False)) == [CONFIRM_EARLY]
        assert "15/06/2024" in result.early[0].message
    assert result.errors(confirm_early=True) == {}


def test_a_journal_that_does_not_agree_with_the_last_statement_refuses_the_filing():
    agreeing = BankBalance("012", date(2024, 5, 31), D("1500.00"), D("1500.00"))
    assert court_checks.check(CourtFacts(bank=agreeing), today=TODAY).findings == ()
    gap = BankBalance("012", date(2024, 5, 31), D("1500.00"), D("1450.00"))
    (finding,) = court_checks.check(CourtFacts(bank=gap), today=TODAY).refusals
    assert finding.code == "unreconciled"
    assert "n° 012" in finding.message and "31/05/2024" in finding.message
    assert "50,00" in finding.message


def test_the_report_says_executed_as_scheduled_only_when_the_figures_do():
    base = {"as_of": date(2024, 6, 14), "plan_in_force": True, "monitored": True}
    texts = [s.text for s in execution_sentences(ExecutionFacts(**base))]
    assert texts == [AS_SCHEDULED]
    overpaid = (CreditorPaid(1, "Proximus SA", D("900.00"), D("1239.74")),)
    for facts in (
        ExecutionFacts(**base, overpaid=overpaid),
        ExecutionFacts(**base, shortfall=D("120.00")),
        ExecutionFacts(**base, outside_plan=D("50.00")),
        ExecutionFacts(**{**base, "monitored": False}),
    ):
        sentences = execution_sentences(facts)
        assert AS_SCHEDULED not in [s.text for s in sentences]
        assert sentences and all(s.alert for s in sentences)
    texts = [s.text for s in execution_sentences(ExecutionFacts(**base, overpaid=overpaid))]
    assert any("339,74" in t and "au-delà de sa créance" in t for t in texts)
    # no plan: nothing said of its execution; the balance is stated with its reserve
    texts = [
        s.text
        for s in execution_sentences(
            ExecutionFacts(
                as_of=date(2024, 6, 14),
                plan_in_force=False,
                monitored=False,
                closing_balance=D("3360.00"),
                reserve=D("400.00"),
            )
        )
    ]
    assert texts == [
        "Le solde du compte de médiation au 14/06/2024 est de 3.360,00\u00a0€, dont "
        "400,00\u00a0€ réservés pour les frais et honoraires."
    ]


# The three filing paths ----------------------------------------------------------------------


def post(world, day, direction, amount, category, **kw):
    return post_entry(world, day, direction, amount, category, today=TODAY, **kw)


@pytest.fixture
def overpaid(world):
    """Proximus declared 900,00 € and was paid 1.239,74 € (339,74 € too much)."""
    account_open(case=world.case, iban=IBAN)
    proximus = Creditor.objects.create(organisation=world.org, name="Proximus SA")
    Claim.objects.create(
        case=world.case,
        creditor=proximus,
        principal=D("900.00"),
        declared_on=date(2022, 7, 1),
        status=ClaimStatus.ACCEPTED,
    )
    post(world, date(2022, 7, 1), "in", "3000", "income", counterparty="Employeur")
    post(world, date(2023, 8, 10), "out", "1239.74", "dividend", creditor_id=proximus.pk)
    return proximus


def test_the_annual_report_of_an_overpaid_creditor_is_refused_and_says_so(world, overpaid):
    with pytest.raises(ValidationError) as exc:
        services.report_file(case=world.case, data=YEAR_2, by=world.mediator, today=TODAY, now=NOW)
    assert "339,74" in " ".join(exc.value.message_dict["__all__"])
    assert not world.case.documents.exists()
    report = selectors.annual_report(world.case, selectors.ReportPeriod(date(2023, 6, 15), TODAY))
    html = unescape(pdf.report_html(report, observations="", on=TODAY))  # l&#x27;échéancier
    assert AS_SCHEDULED not in html
    assert "payés au-delà de sa créance" in html and "339,74" in html
    assert any("339,74" in w for w in report.warnings)


def test_the_report_page_shows_what_filing_would_meet(client, world, overpaid, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    client.force_login(world.mediator)
    page = client.get(reverse("reports:annual_report", args=[world.case.pk])).content.decode()
    assert 'id="court-check"' in page and 'data-code="overpaid"' in page


def test_a_report_before_its_anniversary_needs_the_confirmation(world):
    early = services.ReportData(period_from=date(2023, 6, 15), last_day=date(2024, 3, 31))
    with pytest.raises(ValidationError) as exc:
        services.report_file(
            case=world.case, data=early, by=world.mediator, today=date(2024, 4, 2), now=NOW
        )
    assert CONFIRM_EARLY in exc.value.message_dict
    assert "15/06/2024" in exc.value.message_dict[CONFIRM_EARLY][0]
    confirmed = services.ReportData(
        period_from=date(2023, 6, 15), last_day=date(2024, 3, 31), confirm_early=True
    )
    filed = services.report_file(
        case=world.case, data=confirmed, by=world.mediator, today=date(2024, 4, 2), now=NOW
    )
    assert filed.document.is_filed


def unreconciled_statement(world, closing: str) -> None:
    """The last imported bank statement of the case's account closes at ``closing`` on
    31/05/2024."""
    record = StatementImport.objects.create(
        organisation=world.org, file_name="x.cod", file_hash="0" * 64, format="coda"
    )
    StatementBalance.objects.create(
        organisation=world.org,
        statement_import=record,
        account_iban=IBAN,
        statement_number="005",
        closing_balance=D(closing),
        closing_date=date(2024, 5, 31),
    )


def test_a_journal_that_disagrees_with_the_bank_is_found_until_it_catches_up(world):
    account_open(case=world.case, iban=IBAN)
    post(world, date(2024, 5, 2), "in", "1500", "income", counterparty="Employeur")
    unreconciled_statement(world, "1620.00")
    check = filing_check(case=world.case, kind=DocumentKind.PLAN, today=TODAY)
    assert [f.code for f in check.refusals] == ["unreconciled"]
    assert "120,00" in check.refusals[0].message
    # the journal catches up: the check passes
    post(world, date(2024, 5, 20), "in", "120", "income", counterparty="CPAS")
    assert filing_check(case=world.case, kind=DocumentKind.PLAN, today=TODAY).findings == ()


def imposed_plan(world):
    """A judicial plan imposed on 20/08/2022 (Banque Plan: 1.200,00 € accepted), 12 × 100 €
    from 01/09/2022, the account open with 3.000,00 €."""
    account_open(case=world.case, iban=IBAN)
    post(world, date(2022, 7, 1), "in", "3000", "income", counterparty="Employeur")
    bank = Creditor.objects.create(
        organisation=world.org, name="Banque Plan", address="Rue 1\n5000 Namur"
    )
    Claim.objects.create(
        case=world.case,
        creditor=bank,
        principal=D("1200.00"),
        declared_on=date(2022, 7, 1),
        status=ClaimStatus.ACCEPTED,
    )
    version = plan_services.plan_create(
        case=world.case,
        data=PlanData(
            kind="judicial",
            start_date=date(2022, 9, 1),
            duration_months=12,
            monthly_available=D("100.00"),
        ),
        by=world.mediator,
    )
    version = plan_services.plan_approve(
        version=version,
        decision_date=date(2022, 8, 20),
        decision_reference="R/22/1",
        by=world.mediator,
        today=date(2022, 8, 25),
    )
    return version, bank


@pytest.mark.parametrize("fault", ["overpaid", "unreconciled", None])
def test_the_plan_filing_service_refuses_what_contradicts_the_data(world, fault):
    """``plans.services.plan_file`` itself (not only the check) refuses, files nothing."""
    version, bank = imposed_plan(world)
    if fault == "overpaid":  # 1.200,00 € admitted, 1.250,00 € paid
        post(world, date(2023, 8, 10), "out", "1250", "dividend", creditor_id=bank.pk)
    elif fault == "unreconciled":
        unreconciled_statement(world, "3100.00")
    if fault is None:
        filed = plan_services.plan_file(version=version, by=world.mediator, today=TODAY)
        assert filed.filed_document.kind == DocumentKind.PLAN
        return
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_file(version=version, by=world.mediator, today=TODAY)
    message = " ".join(exc.value.message_dict["__all__"])
    expected = "soit 50,00" if fault == "overpaid" else "écart 100,00"
    assert expected in message
    assert not world.case.documents.exists()
    version.refresh_from_db()
    assert version.filed_document_id is None


def test_the_plan_filing_service_uses_the_same_registry(world, overpaid):
    assert plan_services.filing_check is filing_check  # the same registry as the others
    result = filing_check(case=world.case, kind=DocumentKind.PLAN, today=TODAY)
    assert isinstance(result, FilingCheck) and [f.code for f in result.refusals] == ["overpaid"]


def test_the_fee_statement_filing_refuses_an_overpaid_creditor(world, overpaid, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    statement = statement_create(
        case=world.case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )
    with pytest.raises(ValidationError) as exc:
        statement_file(statement=statement, by=world.mediator, confirm_early=True)
    assert "339,74" in " ".join(exc.value.message_dict["__all__"])
    statement.refresh_from_db()
    assert statement.filed_at is None
    assert not world.case.documents.exists()


def test_plan_arrears_are_a_warning_and_the_report_says_them(world):
    """An imposed plan nothing was paid under: filing the report meets the arrears as a warning
    (not a refusal), the report says them instead of "executed as scheduled"; once the
    dividends are paid, it says "executed as scheduled"."""
    version, bank = imposed_plan(world)
    period = selectors.ReportPeriod(date(2023, 6, 15), date(2024, 6, 15))
    check = filing_check(
        case=world.case,
        kind=DocumentKind.ANNUAL_REPORT,
        today=TODAY,
        period_start=period.start,
        period_end=period.end,
    )
    assert check.refusals == [] and [f.code for f in check.warnings] == ["arrears"]
    assert "1.200,00" in check.warnings[0].message and "14/06/2024" in check.warnings[0].message
    html = unescape(
        pdf.report_html(selectors.annual_report(world.case, period), observations="", on=TODAY)
    )
    assert AS_SCHEDULED not in html
    assert "retard de paiement de 1.200,00" in html
    for month in range(9, 13):
        post(world, date(2022, month, 5), "out", "100", "dividend", creditor_id=bank.pk)
    for month in range(1, 9):
        post(world, date(2023, month, 5), "out", "100", "dividend", creditor_id=bank.pk)
    check = filing_check(
        case=world.case,
        kind=DocumentKind.ANNUAL_REPORT,
        today=TODAY,
        period_start=period.start,
        period_end=period.end,
    )
    assert check.findings == ()
    html = unescape(
        pdf.report_html(selectors.annual_report(world.case, period), observations="", on=TODAY)
    )
    assert AS_SCHEDULED in html and "retard de paiement" not in html
    services.report_file(case=world.case, data=YEAR_2, by=world.mediator, today=TODAY, now=NOW)
    assert version.case.documents.filter(kind=DocumentKind.ANNUAL_REPORT).count() == 1


def test_a_fee_statement_of_a_period_not_ended_is_filed_only_when_confirmed(world, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2023, 6, 1))
    statement = statement_create(
        case=world.case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )
    with pytest.raises(ValidationError) as exc:
        statement_file(statement=statement, by=world.mediator)
    assert CONFIRM_EARLY in exc.value.message_dict
    filed = statement_file(statement=statement, by=world.mediator, confirm_early=True)
    assert filed.is_filed


# Language of the procedure, the court in full, "taxé" ------------------------------------------


def test_the_language_and_the_court_of_each_division():
    assert court_name("dinant") == "Tribunal du travail de Liège, division Dinant"
    assert court_name("brugge") == "Arbeidsrechtbank Gent, afdeling Brugge"
    assert court_name("bruxelles-fr") == "Tribunal du travail francophone de Bruxelles"
    assert court_name("brussel-nl") == "Nederlandstalige arbeidsrechtbank Brussel"
    assert (procedure_language("dinant"), procedure_language("brugge")) == ("fr", "nl")
    assert procedure_language("brussel-nl") == "nl" and procedure_language("eupen") == "fr"


def test_a_report_is_in_the_division_language_whatever_the_interface(world):
    period = selectors.ReportPeriod(date(2023, 6, 15), date(2024, 6, 15))
    Case.objects.filter(pk=world.case.pk).update(division="dinant")
    case = Case.objects.get(pk=world.case.pk)
    with translation.override("nl"):
        html = pdf.report_html(selectors.annual_report(case, period), observations="", on=TODAY)
        services.report_file(case=case, data=YEAR_2, by=world.mediator, today=TODAY, now=NOW)
    assert "Tribunal du travail de Liège, division Dinant" in html
    assert "Rapport du médiateur de dettes" in html
    assert case.documents.get().title.startswith("Rapport du médiateur — période du")
    Case.objects.filter(pk=world.case.pk).update(division="brugge")
    case = Case.objects.get(pk=world.case.pk)
    with translation.override("fr"):
        html = pdf.report_html(selectors.annual_report(case, period), observations="", on=TODAY)
    assert "Arbeidsrechtbank Gent, afdeling Brugge" in html
    assert "Tribunal du travail" not in html


def test_a_filed_statement_is_not_called_taxed_before_the_taxation_order(client, world):
    statement = statement_create(
        case=world.case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )
    statement_file(statement=statement, by=world.mediator)
    client.force_login(world.mediator)
    url = reverse("fees:statement_detail", args=[world.case.pk, statement.pk])
    page = client.get(url).content.decode()
    assert "ses prestations sont taxées" not in page
    assert "Il n'est taxé qu'à l'ordonnance de taxation du juge." in page
    services_page = client.get(reverse("fees:case_services", args=[world.case.pk])).content
    assert "taxée" not in services_page.decode()
    # the judge's order recorded: now, and only now, the statement is said taxed
    ordered = timezone.localdate()  # an order cannot precede the filing (today)
    taxation_order_record(
        statement=statement, order_date=ordered, allowed_amount=statement.total, by=world.mediator
    )
    page = client.get(url).content.decode()
    assert f"taxé par l'ordonnance du {ordered:%d/%m/%Y}" in page
    assert "Il n'est taxé qu'à l'ordonnance" not in page


# One ceiling for the payment page and the filing checks (issue 12; docs/plan-rules.md) -------


@pytest.mark.parametrize(
    "status,time_barred,counts",
    [
        (ClaimStatus.ACCEPTED, False, True),
        (ClaimStatus.ACCEPTED, True, False),  # time-barred: outside the plan
        (ClaimStatus.CONTESTED, False, False),  # nothing until the mediator accepts it
        (ClaimStatus.PENDING, False, False),
        (ClaimStatus.REJECTED, False, False),
    ],
)
def test_only_an_accepted_claim_not_time_barred_counts_toward_the_ceiling(
    status, time_barred, counts
):
    claim = Claim(
        status=status,
        time_barred=time_barred,
        principal=D("500.00"),
        interest=D("40.00"),
        interest_after_admissibility=D("15.00"),
    )
    assert claim_counts_toward_ceiling(claim) is counts
    # admitted: declared 540,00 € less the 15,00 € run after admissibility
    assert claim_ceiling(claim) == (D("525.00") if counts else D("0.00"))


def test_a_creditor_paid_without_an_admitted_claim_is_named_as_such():
    facts = CourtFacts(creditors=(CreditorPaid(3, "Engie", ceiling=D("0.00"), paid=D("95.00")),))
    (finding,) = court_checks.check(facts, today=TODAY).refusals
    assert finding.code == "overpaid"
    assert "Engie n'a aucune créance admise" in finding.message and "95,00" in finding.message


@pytest.fixture
def contested(world):
    """Proximus: 900,00 € accepted, paid 100,00 €. Engie: its only claim (700,00 €) contested,
    paid a 95,00 € dividend all the same (the journal records what left the account)."""
    account_open(case=world.case, iban=IBAN)
    proximus = Creditor.objects.create(organisation=world.org, name="Proximus SA")
    engie = Creditor.objects.create(organisation=world.org, name="Engie", iban="BE15068987654330")
    for creditor, amount, status in (
        (proximus, "900.00", ClaimStatus.ACCEPTED),
        (engie, "700.00", ClaimStatus.CONTESTED),
    ):
        Claim.objects.create(
            case=world.case,
            creditor=creditor,
            principal=D(amount),
            declared_on=date(2022, 7, 1),
            status=status,
        )
    post(world, date(2022, 7, 1), "in", "3000", "income", counterparty="Employeur")
    post(world, date(2023, 8, 10), "out", "100", "dividend", creditor_id=proximus.pk)
    post(world, date(2023, 8, 10), "out", "95", "dividend", creditor_id=engie.pk)
    return proximus, engie


def test_the_filing_checks_read_the_payment_pages_ceilings(world, contested):
    proximus, engie = contested
    standing = paid_vs_admitted(world.case)
    paid = court_checks.paid_against_ceilings(world.case)
    assert [(c.creditor_id, c.ceiling, c.paid) for c in paid] == [
        (s.creditor_id, s.admitted, s.paid)
        for s in sorted(standing.values(), key=lambda s: s.creditor_id)
    ]
    assert {c.name: (c.ceiling, c.paid) for c in paid} == {
        "Proximus SA": (D("900.00"), D("100.00")),
        "Engie": (D("0.00"), D("95.00")),  # a contested claim counts for nothing
    }
    assert admitted_ceilings(world.case) == {proximus.pk: D("900.00"), engie.pk: D("0.00")}
    # ``before``: the dividends value-dated before that day only
    assert court_checks.paid_against_ceilings(world.case, before=date(2023, 8, 10)) == ()


def test_a_contested_claims_creditor_is_refused_on_the_payment_page_and_flagged_at_filing(
    client, world, contested, monkeypatch
):
    from banking.models import Payment

    _proximus, engie = contested
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    result = filing_check(case=world.case, kind=DocumentKind.PLAN, today=TODAY)
    (finding,) = result.refusals
    assert "Engie n'a aucune créance admise" in finding.message and "95,00" in finding.message
    client.force_login(world.mediator)
    response = client.post(
        reverse("banking:case_payments", args=[world.case.pk]),
        {"category": "dividend", "amount": "10", "creditor": engie.pk, "authorisation": "O/1"},
    )
    assert response.status_code == 200
    assert "Engie n&#x27;a aucune créance admise" in response.content.decode()
    assert not Payment.objects.exists()
    # once the mediator accepts the claim, Engie is within its ceiling: nothing to refuse
    Claim.objects.filter(creditor=engie).update(status=ClaimStatus.ACCEPTED)
    assert filing_check(case=world.case, kind=DocumentKind.PLAN, today=TODAY).refusals == []
