"""Issue 17: the whole life of two cases, through the services, on SQLite and on PostgreSQL
(``DATABASE_URL``): an amicable plan to its closure (plan approved, every instalment paid, the
final fee statement taxed and paid, the final report, the closure letters, the balance returned,
the closure; then a posting refused except a final settlement entry with its reason), and a
revocation (then the postings restricted the same way)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Case, StatusChange
from cases.services import case_change_status
from cases.status import CaseStatus
from closure import selectors as closure_selectors
from closure import services as closure_services
from contacts.models import ContactEntry
from contacts.services import ThirdPartyData, third_party_create
from fees.models import Occasion
from fees.services import statement_create, statement_file, taxation_order_record
from ledger.models import Account, Entry
from ledger.services import EntryData, account_open, entry_post
from letters.models import Letter, LetterKind
from plans import services as plan_services
from reports.models import FiledReport
from reports.services import ReportData

from .test_plan_services import creditors, data  # noqa: F401 (a fixture)

TODAY = date(2023, 10, 5)
SHARES = {"a": "500.00", "b": "300.00", "c": "200.00"}  # 1.000 € a month, 50/30/20


def post(world, day, amount, category, direction="out", reason="", **kw):
    return entry_post(
        case=world.case,
        data=EntryData(
            value_date=day,
            direction=direction,
            amount=D(amount),
            category=category,
            settlement_reason=reason,
            **kw,
        ),
        by=world.mediator,
        today=TODAY,
    )


def state(checklist) -> dict[str, str]:
    return {item.key: item.state for item in checklist.items}


@pytest.fixture
def running_plan(world, creditors):  # noqa: F811
    """An amicable plan homologated on 20/08/2022 from 01/09/2022: 12 months of 1.000 €."""
    version = plan_services.plan_create(
        case=world.case, data=data(fee_provision=D("0.00")), by=world.mediator
    )
    plan_services.plan_approve(
        version=version,
        decision_date=date(2022, 8, 20),
        decision_reference="",
        by=world.mediator,
        today=date(2022, 8, 25),
    )
    account_open(case=world.case, iban="BE71096123456769")
    post(world, date(2022, 9, 1), "14000.00", "income", direction="in")
    for party in (
        ThirdPartyData("employer", "Boulangerie Dupont SPRL", "Rue du Pain 3\n5000 Namur", "E-77"),
        ThirdPartyData("bank", "Banque Populaire", "Avenue de la Gare 1\n5000 Namur"),
    ):
        third_party_create(case=world.case, data=party, by=world.mediator)
    return version


def pay_every_instalment(world, creditors):  # noqa: F811
    # 1.000 € a month until the admitted claims (10.000 €) are paid: 10 months, not 12 (a
    # creditor is never paid beyond its admitted claim, issue 12)
    for month in range(10):
        day = date(2022 + (8 + month) // 12, (8 + month) % 12 + 1, 25)
        for key, amount in SHARES.items():
            post(world, day, amount, "dividend", creditor_id=creditors[key].pk)


@pytest.mark.django_db
def test_an_amicable_plan_to_its_closure(world, creditors, running_plan):  # noqa: F811
    case = world.case
    assert Case.objects.get(pk=case.pk).status == CaseStatus.AMICABLE_PLAN
    checklist = closure_selectors.closure_checklist(case, TODAY)
    assert not checklist.complete
    assert state(checklist)["instalments"] == "todo"

    # Closing now is refused (the checklist is open) unless a reason is given; nothing changes.
    with pytest.raises(ValidationError) as exc:
        closure_services.case_close(
            case=case,
            data=closure_services.CloseData(decision_date=TODAY),
            by=world.mediator,
            today=TODAY,
        )
    assert list(exc.value.message_dict) == ["reason"]
    assert "échéances" in exc.value.message_dict["reason"][0]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.AMICABLE_PLAN

    pay_every_instalment(world, creditors)
    assert state(closure_selectors.closure_checklist(case, TODAY))["instalments"] == "done"

    # The letters that end the procedure: creditors, employer, bank (third parties).
    assert closure_selectors.closure_letters_needed(case) == [
        LetterKind.CLOSURE_CREDITORS,
        LetterKind.CLOSURE_INCOME,
        LetterKind.CLOSURE_BANK,
    ]
    letters = closure_services.closure_letters_send(
        case=case,
        data=closure_services.ClosureLettersData(
            kinds=list(closure_selectors.closure_letters_needed(case)),
            sent_on=date(2023, 9, 20),
        ),
        by=world.mediator,
    )
    assert [(letter.kind, letter.addressees.count()) for letter in letters] == [
        # every creditor that declared, the time-barred and the pending ones too: the
        # procedure ends for all of them
        ("closure_creditors", 5),
        ("closure_income", 1),
        ("closure_bank", 1),
    ]
    bank_copy = letters[2].addressees.get()
    assert bank_copy.third_party.kind == "bank" and bank_copy.creditor_id is None
    assert "clôturer le compte de médiation" in bank_copy.body
    # each creditor letter is in that creditor's negotiation log
    assert ContactEntry.objects.filter(case=case, summary__contains="fin de la procédure").count()

    # The final report over the last period, filed with the court.
    start, last_day = closure_selectors.final_report_period(case, TODAY)
    assert (start, last_day) == (date(2023, 6, 15), TODAY)
    report = closure_services.final_report_file(
        case=case,
        data=ReportData(start, last_day, "Plan exécuté."),
        by=world.mediator,
        today=TODAY,
        now=None,
    )
    assert report.final and report.document.title.startswith("Rapport final")

    # The final fee statement (occasion: closure), filed, taxed and paid.
    statement = statement_create(
        case=case,
        period_from=date(2022, 6, 15),
        period_to=TODAY,
        occasion=Occasion.CLOSURE,
        by=world.mediator,
    )
    statement = statement_file(statement=statement, by=world.mediator)
    taxation_order_record(
        statement=statement,
        order_date=timezone.localdate(),  # after the filing, which is dated now
        allowed_amount=statement.total,  # to the cent (ledger 0006: SQLite rounds postings too)
        by=world.mediator,
    )
    assert state(closure_selectors.closure_checklist(case, TODAY))["fees_paid"] == "todo"
    post(world, date(2023, 10, 3), str(statement.total), "fee_payment")
    balance = Account.objects.get(case=case).balance
    post(world, date(2023, 10, 3), str(balance), "refund", counterparty="Marie Dubois")

    checklist = closure_selectors.closure_checklist(case, TODAY)
    assert checklist.complete, checklist.missing
    closed = closure_services.case_close(
        case=case,
        data=closure_services.CloseData(decision_date=TODAY),
        by=world.mediator,
        today=TODAY,
    )
    assert (closed.status, closed.closure_date) == (CaseStatus.CLOSED, TODAY)
    assert StatusChange.objects.filter(case=case, to_status="closed").get().note == (
        "Clôture de la procédure"
    )

    # After the closure: a posting is refused, a final settlement entry with its reason is not.
    count = Entry.objects.filter(account__case=case).count()
    with pytest.raises(ValidationError) as exc:
        post(world, date(2023, 10, 10), "42.00", "income", direction="in")
    assert list(exc.value.message_dict) == ["settlement_reason"]
    assert Entry.objects.filter(account__case=case).count() == count
    post(
        world,
        date(2023, 10, 10),
        "42.00",
        "income",
        direction="in",
        reason="Dernier salaire versé par l'employeur après la clôture",
    )
    entry = post(
        world,
        date(2023, 10, 11),
        "42.00",
        "refund",
        reason="Restitution au requérant du dernier salaire",
    )
    assert entry.settlement_reason.startswith("Restitution")
    assert FiledReport.objects.filter(case=case, final=True).count() == 1
    assert Letter.objects.filter(case=case).count() == 3


@pytest.mark.django_db
def test_closure_with_the_checklist_open_needs_its_reason_kept_in_history(world, running_plan):
    case = world.case
    closed = closure_services.case_close(
        case=case,
        data=closure_services.CloseData(
            decision_date=TODAY, reason="Le tribunal clôture d'office."
        ),
        by=world.mediator,
        today=TODAY,
    )
    assert closed.status == CaseStatus.CLOSED
    note = StatusChange.objects.get(case=case, to_status="closed").note
    assert "incomplète" in note and "d'office" in note


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,field",
    [
        ({"decision_date": None}, "decision_date"),
        ({"decision_date": date(2023, 10, 6)}, "decision_date"),  # after today
        ({"decision_date": TODAY, "reason": "x" * 2001}, "reason"),
    ],
)
def test_bad_closure_input_names_the_field_and_saves_nothing(world, running_plan, data, field):
    with pytest.raises(ValidationError) as exc:
        closure_services.case_close(
            case=world.case,
            data=closure_services.CloseData(**data),
            by=world.mediator,
            today=TODAY,
        )
    assert field in exc.value.message_dict
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.AMICABLE_PLAN
    assert not StatusChange.objects.filter(case=world.case, to_status="closed").exists()


@pytest.mark.django_db
def test_bad_closure_letters_input_sends_nothing(world, running_plan):
    for kinds, sent_on, field in [
        ([], TODAY, "kinds"),
        (["reminder"], TODAY, "kinds"),
        (["closure_bank"], None, "sent_on"),
    ]:
        with pytest.raises(ValidationError) as exc:
            closure_services.closure_letters_send(
                case=world.case,
                data=closure_services.ClosureLettersData(kinds=kinds, sent_on=sent_on),
                by=world.mediator,
            )
        assert field in exc.value.message_dict
    # No benefit payer nor employer for another case: the income letter has nobody to go to.
    assert not Letter.objects.filter(case=world.case).exists()


@pytest.mark.django_db
def test_a_second_final_report_is_refused(world, running_plan):
    report = ReportData(date(2023, 6, 15), TODAY)
    closure_services.final_report_file(
        case=world.case, data=report, by=world.mediator, today=TODAY, now=None
    )
    with pytest.raises(ValidationError):
        closure_services.final_report_file(
            case=world.case,
            data=ReportData(date(2023, 6, 16), TODAY),
            by=world.mediator,
            today=TODAY,
            now=None,
        )
    assert FiledReport.objects.filter(case=world.case).count() == 1


@pytest.mark.django_db
def test_a_revoked_case_takes_only_final_settlement_entries(world):
    case = world.case
    account_open(case=case, iban="BE71096123456769")
    post(world, date(2023, 1, 10), "800.00", "income", direction="in")
    case_change_status(
        case=case,
        to_status=CaseStatus.REVOKED,
        decision_date=date(2023, 2, 1),
        note="Révocation (art. 1675/15, §1er, 2° C.J.)",
        by=world.mediator,
    )
    with pytest.raises(ValidationError) as exc:
        post(world, date(2023, 2, 2), "800.00", "refund")
    assert "settlement_reason" in exc.value.message_dict
    # the closure page's service refuses to close a revoked case
    with pytest.raises(ValidationError) as exc:
        closure_services.case_close(
            case=case,
            data=closure_services.CloseData(decision_date=date(2023, 2, 2), reason="x"),
            by=world.mediator,
            today=TODAY,
        )
    assert "__all__" in exc.value.message_dict
    entry = post(world, date(2023, 2, 2), "800.00", "refund", reason="Restitution après révocation")
    assert entry.settlement_reason and Account.objects.get(case=case).balance == D("0.00")
