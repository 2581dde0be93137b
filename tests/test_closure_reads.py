"""The closure tab (issue 15). The checklist reads its case in one query: the third parties, closure
letters, filed reports, fee statements and their taxation orders, account, fees paid from it and
by the SPF Economie, as one ``UNION ALL`` whose SQL is compiled once. Its items are those of the
reads it replaced, one query a table (``reference_items`` below, the code before it), on varied
data, on SQLite and on PostgreSQL (``DATABASE_URL``); another case's rows never show. The page's
empty forms are written once, as ``{% bs_layout %}`` writes them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from closure import selectors
from closure import views as closure_views
from closure.forms import CloseForm, ClosureLettersForm
from closure.selectors import ChecklistItem, _url
from contacts.models import ThirdParty
from contacts.services import ThirdPartyData, third_party_create
from core import compiled
from core.dates import format_date
from core.money import format_eur
from core.templatetags.bs_forms import bs_layout
from documents.services import document_file, document_upload
from fees.models import (
    FeeStatement,
    InterventionStatus,
    Occasion,
    StateIntervention,
    StatementState,
    TaxationOrder,
)
from ledger.models import Account
from ledger.selectors import fee_payment_allowance
from ledger.services import EntryData, account_open, entry_post, entry_reverse
from letters.models import CLOSURE_KINDS, Letter, LetterKind
from reports.forms import AnnualReportForm
from reports.models import FiledReport

from .pdf import MINIMAL_PDF

D = Decimal
pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 10)


# The reads before issue 15 merged them: one query a table, each item its own -----------------


def reference_final_statement(case) -> ChecklistItem:
    label = _("État final de frais et honoraires déposé et taxé")
    statements = FeeStatement.objects.filter(case=case, occasion=Occasion.CLOSURE).order_by(
        "-period_to", "-pk"
    )
    filed = statements.filter(state=StatementState.FILED).select_related("taxation_order")
    taxed = [s for s in filed if hasattr(s, "taxation_order")]
    if taxed:
        order = taxed[0].taxation_order
        return ChecklistItem(
            "final_fee_statement",
            label,
            True,
            _("Taxé à %(amount)s.") % {"amount": format_eur(order.allowed_amount)},
            reverse("fees:statement_detail", args=[case.pk, taxed[0].pk]),
            _("Voir l'état"),
        )
    first = next(iter(filed), None)
    if first is not None:
        return ChecklistItem(
            "final_fee_statement",
            label,
            False,
            _("Déposé, en attente de la taxation du juge."),
            reverse("fees:taxation_order_add", args=[case.pk, first.pk]),
            _("Encoder la taxation"),
        )
    return ChecklistItem(
        "final_fee_statement",
        label,
        False,
        _("Aucun état de frais « demande de clôture » n'est déposé."),
        _url("fees:statement_new", case),
        _("Établir l'état final"),
    )


def reference_account_items(case) -> list[ChecklistItem]:
    account = Account.objects.filter(case=case).first()
    url = _url("ledger:entry_create", case)
    unpaid = fee_payment_allowance(case)
    fees_paid = ChecklistItem(
        "fees_paid",
        _("Honoraires taxés payés"),
        unpaid <= 0,
        _("Honoraires taxés restant à payer : %(amount)s.") % {"amount": format_eur(unpaid)}
        if unpaid > 0
        else _("Aucun honoraire taxé n'est impayé."),
        url,
        _("Passer une écriture"),
    )
    if account is None:
        na = _("Pas de compte de médiation.")
        return [
            fees_paid,
            ChecklistItem("reserve_released", _("Réserve pour honoraires libérée"), None, na),
            ChecklistItem("balance_returned", _("Solde restitué au requérant"), None, na),
        ]
    return [
        fees_paid,
        ChecklistItem(
            "reserve_released",
            _("Réserve pour honoraires libérée"),
            account.reserve == 0,
            _("Réserve : %(amount)s.") % {"amount": format_eur(account.reserve)},
            url,
            _("Libérer la réserve"),
        ),
        ChecklistItem(
            "balance_returned",
            _("Solde restitué au requérant"),
            account.balance == 0,
            _("Solde du compte de médiation : %(amount)s.")
            % {"amount": format_eur(account.balance)},
            url,
            _("Restituer le solde"),
        ),
    ]


def reference_final_report(case) -> ChecklistItem:
    label = _("Rapport final déposé")
    reports = list(FiledReport.objects.filter(case=case).order_by("-filed_at", "-pk"))
    report = next((r for r in reports if r.final), None)
    if report is None:
        return ChecklistItem(
            "final_report",
            label,
            False,
            _("Le rapport final sur la dernière période n'est pas déposé."),
            _url("closure:case_closure", case, "#rapport-final"),
            _("Déposer le rapport final"),
        )
    return ChecklistItem(
        "final_report",
        label,
        True,
        _("Déposé le %(d)s (période du %(start)s au %(end)s).")
        % {
            "d": format_date(report.filed_at),
            "start": format_date(report.period_from),
            "end": format_date(report.period_to - timedelta(days=1)),
        },
        _url("reports:annual_report", case),
        _("Voir"),
    )


def reference_items(case, today) -> list[ChecklistItem]:
    needed = selectors.closure_letters_needed(case)  # their own queries, as before
    sent = selectors.closure_letters_sent(case)
    return [
        reference_final_statement(case),
        *reference_account_items(case),
        reference_final_report(case),
        selectors._letters(case, needed, sent),
    ]


def assert_as_before(case, today=TODAY):
    checklist = selectors.closure_checklist(case, today)
    assert list(checklist.items[1:]) == reference_items(case, today)
    assert list(checklist.letters_needed) == selectors.closure_letters_needed(case)
    sent = selectors.closure_letters_sent(case)
    assert checklist.letters_sent == sent
    assert [(k, v.kind, v.sent_on) for k, v in checklist.letters_sent.items()] == [
        (k, v.kind, v.sent_on) for k, v in sent.items()
    ]
    assert checklist.report_period == selectors.final_report_period(case, today)
    return checklist


# The data ------------------------------------------------------------------------------------


def statement(case, *, start, end, occasion=Occasion.CLOSURE, filed=True, taxed=None):
    mediator = case.mediator
    document = None
    if filed:
        document = document_file(
            document=document_upload(
                case=case,
                kind="taxation_statement",
                title="État de frais et honoraires",
                upload=SimpleUploadedFile("etat.pdf", MINIMAL_PDF),
                uploaded_by=mediator,
            ),
            filed_by=mediator,
        )
    made = FeeStatement.objects.create(
        case=case,
        period_from=start,
        period_to=end,
        occasion=occasion,
        state=StatementState.FILED if filed else StatementState.DRAFT,
        pricing_method="by_year_prorata",
        fees=D("98.30"),
        vat=D("0.00"),
        disbursements=D("0.00"),
        total=D("98.30"),
        snapshot={"format": "rcd-taxation/1", "case": case.reference, "total": "98.30"},
        mediator=mediator,
        mediator_name=mediator.get_full_name(),
        mediator_organisation=case.organisation.name,
        computed_at=timezone.now(),
        created_by=mediator,
        filed_at=timezone.now() if filed else None,
        filed_by=mediator if filed else None,
        document=document,
    )
    if taxed is not None:
        TaxationOrder.objects.create(
            statement=made, order_date=end, allowed_amount=D(taxed), recorded_by=mediator
        )
    return made


def intervention(case, *, paid=None):
    return StateIntervention.objects.create(
        case=case,
        prepared_on=date(2024, 1, 5),
        reason="insufficient_balance",
        explanation="x",
        remission_type="partial_capital",
        amount_requested=D("100.00"),
        taxed_unpaid=D("100.00"),
        account_balance=D("0.00"),
        account_reserve=D("0.00"),
        status=InterventionStatus.PAID if paid else InterventionStatus.DRAFT,
        paid_on=date(2024, 2, 1) if paid else None,
        amount_paid=D(paid) if paid else None,
        created_by=case.mediator,
    )


def report(case, start, end, *, final=False):
    document = document_file(
        document=document_upload(
            case=case,
            kind="annual_report",
            title=f"Rapport {start}",
            upload=SimpleUploadedFile("r.pdf", MINIMAL_PDF),
            uploaded_by=case.mediator,
        ),
        filed_by=case.mediator,
    )
    return FiledReport.objects.create(
        case=case,
        period_from=start,
        period_to=end,
        document=document,
        filed_by=case.mediator,
        final=final,
    )


def letter(case, kind, day):
    return Letter.objects.create(
        case=case,
        kind=kind,
        subject="s",
        body="b",
        sent_on=day,
        sent_by=case.mediator,
        signatory="x",
    )


def post(case, day, amount, category, direction="out"):
    return entry_post(
        case=case,
        data=EntryData(value_date=day, direction=direction, amount=D(amount), category=category),
        by=case.mediator,
        today=TODAY,
    )


def noise(case):
    """Rows of every table read, in another case: none of them may show."""
    third_party_create(case=case, data=ThirdPartyData("bank", "Banque", "Rue 1"), by=case.mediator)
    letter(case, LetterKind.CLOSURE_BANK, date(2024, 1, 1))
    report(case, date(2023, 6, 15), date(2024, 1, 1), final=True)
    statement(case, start=date(2023, 1, 1), end=date(2024, 1, 1), taxed="700.00")
    intervention(case, paid="50.00")
    account_open(case=case, iban="")
    post(case, date(2023, 2, 1), "900.00", "income", direction="in")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_checklist_reads_as_the_queries_it_replaced(world, language):
    case = world.case
    noise(world.other_case)
    with override(language):
        # nothing: no account, no statement, no letter, no report
        assert_as_before(case)
        # third parties: an employer, a bank no longer active; a statement drafted, not filed
        third_party_create(
            case=case, data=ThirdPartyData("employer", "Boulangerie", "Rue 2"), by=world.mediator
        )
        bank = third_party_create(
            case=case, data=ThirdPartyData("bank", "Banque", "Rue 3"), by=world.mediator
        )
        ThirdParty.objects.filter(pk=bank.pk).update(active=False)
        statement(case, start=date(2023, 6, 15), end=date(2024, 1, 10), filed=False)
        assert_as_before(case)
        # an annual statement taxed, a final one filed, an intervention paid, one not
        statement(
            case,
            start=date(2022, 6, 15),
            end=date(2023, 6, 15),
            occasion=Occasion.ANNUAL_REPORT,
            taxed="500.00",
        )
        filed = statement(case, start=date(2023, 6, 15), end=date(2024, 1, 1))
        intervention(case, paid="100.00")
        intervention(case)
        checklist = assert_as_before(case)
        assert "400" in checklist.items[2].detail  # 500 taxed, 100 paid by the state
        # the account: income, a fee payment, another reversed
        account_open(case=case, iban="")
        post(case, date(2023, 7, 1), "2000.00", "income", direction="in")
        post(case, date(2023, 7, 2), "150.00", "fee_payment")
        entry_reverse(
            entry=post(case, date(2023, 7, 3), "50.00", "fee_payment"),
            note="Erreur",
            by=world.mediator,
            today=TODAY,
        )
        post(case, date(2023, 7, 4), "12.34", "reserve_transfer", direction="in")
        assert_as_before(case)
        # the final statement taxed; a later one filed and not taxed: the taxed one shows
        TaxationOrder.objects.create(
            statement=filed,
            order_date=date(2024, 1, 20),
            allowed_amount=D("321.00"),
            recorded_by=world.mediator,
        )
        statement(case, start=date(2024, 1, 1), end=date(2024, 2, 1))
        checklist = assert_as_before(case)
        assert checklist.items[1].done is True and "321,00" in checklist.items[1].detail
        # reports: an annual one, then the final one; letters: two to the creditors, the later
        # one kept, and the one to the employer
        report(case, date(2022, 6, 15), date(2023, 6, 15))
        assert_as_before(case)
        report(case, date(2023, 6, 15), date(2024, 3, 1), final=True)
        letter(case, LetterKind.CLOSURE_CREDITORS, date(2024, 3, 2))
        letter(case, LetterKind.CLOSURE_CREDITORS, date(2024, 3, 1))
        assert_as_before(case)
        letter(case, LetterKind.CLOSURE_INCOME, date(2024, 3, 3))
        letter(case, LetterKind.OTHER, date(2024, 3, 3))
        checklist = assert_as_before(case)
        assert [item.done for item in checklist.items[-2:]] == [True, True]
        assert checklist.letters_sent[LetterKind.CLOSURE_CREDITORS].sent_on == date(2024, 3, 2)
        # the fees paid, the balance returned but the reserve; then the reserve too: done
        post(case, date(2024, 3, 4), str(fee_payment_allowance(case)), "fee_payment")
        post(case, date(2024, 3, 4), "12.34", "reserve_transfer", direction="in")  # drawn on
        account = Account.objects.get(case=case)
        refund(case, date(2024, 3, 5), account.balance - account.reserve)
        checklist = assert_as_before(case)
        assert [item.done for item in checklist.items[2:5]] == [True, False, False]
        post(case, date(2024, 3, 6), "12.34", "reserve_transfer")
        refund(case, date(2024, 3, 6), D("12.34"))
        checklist = assert_as_before(case)
        assert [item.done for item in checklist.items[1:]] == [True] * 6


def refund(case, day, amount):
    entry_post(
        case=case,
        data=EntryData(
            value_date=day,
            direction="out",
            amount=amount,
            category="refund",
            counterparty="Marie Dubois",
        ),
        by=case.mediator,
        today=TODAY,
    )


def test_the_checklist_reads_its_case_in_one_query_compiled_once(world):
    noise(world.other_case)
    compiled._compiled.clear()
    for case in (world.case, world.other_case):
        with CaptureQueriesContext(connection) as captured:
            selectors._reads(case)
        assert len(captured) == 1
        assert " UNION ALL " in captured[0]["sql"]
    kept = [key[:2] for key in compiled._compiled]
    assert kept == [("closure.union", "default")]  # compiled once, for both cases
    other = selectors.closure_checklist(world.other_case, TODAY)
    assert other.letters_needed == (LetterKind.CLOSURE_CREDITORS, LetterKind.CLOSURE_BANK)
    assert list(other.letters_sent) == [LetterKind.CLOSURE_BANK]
    assert selectors.closure_checklist(world.case, TODAY).letters_sent == {}


def test_the_closure_page_s_queries(world):
    """The closure tab's queries, all told: the session, the user and their second factor, the
    case and its applicants, the checklist's in one, its plan (here none: the version in force,
    not found), the navigation's badges, the organisation and the audit record. Each table the
    checklist reads besides the plan, once (``tests/test_plan_tab_scale.py``: with a plan)."""
    noise(world.other_case)
    client = Client()
    client.force_login(world.other_mediator)
    url = reverse("closure:case_closure", args=[world.other_case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    selects = [q["sql"] for q in captured if q["sql"].startswith(("SELECT", "(SELECT"))]
    for table in (
        "contacts_thirdparty",
        "letters_letter",
        "reports_filedreport",
        "fees_feestatement",
        "ledger_account",
        "fees_stateintervention",
    ):
        assert len([q for q in selects if f'FROM "{table}"' in q]) == 1, table
    assert len([q for q in selects if '"fees_taxationorder"' in q]) == 1
    assert len(captured) == 17  # 24 before (a case without a plan: its version, no more)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_empty_forms_are_written_once_as_bs_layout_writes_them(world, language):
    """The page's forms left empty are kept by their class, initial values and language
    (``closure.views._layout``): each as ``{% bs_layout %}`` writes it afresh; a bound form
    (a POST refused) is written with its data and errors, never kept."""
    closure_views._unbound.clear()
    with override(language):
        forms = []
        for day, kinds in (
            (date(2024, 3, 10), [LetterKind.CLOSURE_CREDITORS]),
            (date(2024, 3, 11), [LetterKind.CLOSURE_CREDITORS, LetterKind.CLOSURE_BANK]),
            (date(2024, 3, 10), list(CLOSURE_KINDS)),
        ):
            forms += [
                AnnualReportForm(
                    initial={"period_from": day - timedelta(days=90), "last_day": day}
                ),
                ClosureLettersForm(initial={"kinds": kinds, "sent_on": day}),
                CloseForm(initial={"decision_date": day}),
            ]
        for form in forms:
            assert closure_views._layout(form) == bs_layout(form)
            assert closure_views._layout(form) is closure_views._layout(form)  # kept
        assert len(closure_views._unbound) == 2 + 3 + 2  # 2 periods, 3 lists of letters, 2 days
        written = {closure_views._layout(form) for form in forms}
        assert len(written) == len(closure_views._unbound)
        bound = CloseForm({"decision_date": "99/99/2024", "reason": "<b>x</b>"})
        assert not bound.is_valid()
        html = closure_views._layout(bound)
        assert html == bs_layout(bound) and "is-invalid" in html and "&lt;b&gt;x" in html
        assert len(closure_views._unbound) == 7
        mine = closure_views._layout(forms[2])
    with override("nl" if language == "fr" else "fr"):
        other = closure_views._layout(forms[2])
        assert other == bs_layout(forms[2])
    assert other != mine  # the other language's, kept apart
