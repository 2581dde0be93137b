"""The life of a case through failure (issue 17): the amicable plan fails, the mediator files
the report of failure with their proposal (the judicial phase opens: a judicial version
continues the amicable one, which stays), the court authorises the sale of the house, the sale's
net proceeds reach the mediation account and the plan's one-off sums, and the court imposes the
judicial plan; the plan is paid out, the final fee statement taxed and paid, the balance
returned, the final report filed, the letters that end the procedure sent to the creditors,
the employer and the bank, and the case closed: then the journal takes only the final
settlement entries. Runs on SQLite and PostgreSQL (``DATABASE_URL``)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assets.models import AssetDecision
from assets.selectors import sale_proceeds
from assets.services import asset_sell
from cases.models import Case, StatusChange
from cases.services import case_change_status
from cases.status import CaseStatus
from closure import selectors as closure_selectors
from closure import services as closure_services
from contacts.services import ThirdPartyData, third_party_create
from documents.models import DocumentKind
from documents.selectors import filed_documents_for_clerk
from fees.models import Occasion
from fees.services import statement_create, statement_file, taxation_order_record
from ledger.models import Account, Category, Direction, Entry
from ledger.services import EntryData, account_open, entry_post
from letters.models import LetterKind
from petitions.models import Decision, PetitionKind
from petitions.services import petition_record_decision
from plans import selectors as plan_selectors
from plans.models import PlanKind, PlanState, PlanVersion
from plans.services import plan_approve
from reports.services import ReportData

from .life_helpers import admitted_claims, amicable_plan, filed, house, today

D = Decimal


def post(case, day, amount, category, direction=Direction.OUT, reason="", **kw):
    return entry_post(
        case=case,
        data=EntryData(
            value_date=day,
            direction=direction,
            amount=D(amount),
            category=category,
            settlement_reason=reason,
            **kw,
        ),
        by=case.mediator,
        today=max(day, today()),
    )


def states(case) -> dict[str, str]:
    return {i.key: i.state for i in closure_selectors.closure_checklist(case, today()).items}


def test_failure_report_judicial_plan_with_an_asset_sale(world):
    case, mediator = world.case, world.mediator
    admitted_claims(world)
    amicable = amicable_plan(world)
    account_open(case=case, opened_on=date(2022, 6, 20))

    # Without a judicial plan, "Changer le statut" cannot impose one.
    with pytest.raises(ValidationError) as exc:
        case_change_status(
            case=case, to_status=CaseStatus.JUDICIAL_PLAN, decision_date=today(), by=mediator
        )
    assert "aucun" in exc.value.message_dict["to_status"][0]

    # 1. The amicable phase fails: the report of failure opens the judicial phase.
    report = filed(
        case,
        PetitionKind.FAILURE_REPORT,
        {"reasons": "La Banque A refuse toute remise malgré trois propositions."},
    )
    judicial = report.plan_version
    assert (judicial.kind, judicial.state, judicial.number) == (
        PlanKind.JUDICIAL,
        PlanState.DRAFT,
        2,
    )
    assert judicial.revision_of_id == amicable.pk
    assert judicial.monthly_available == D("300.00")
    assert "carence" in judicial.reason
    amicable.refresh_from_db()
    assert (amicable.kind, amicable.state) == (PlanKind.AMICABLE, PlanState.DRAFT)  # history
    assert report.filed_document.kind == DocumentKind.FAILURE_REPORT
    assert report.filed_document in filed_documents_for_clerk(world.clerk)
    assert report.filed_document not in filed_documents_for_clerk(world.other_clerk)

    # 2. The sale of the house: requested, authorised, sold.
    asset = house(world)
    request = filed(
        case,
        PetitionKind.ASSET_SALE,
        {"asset": asset.pk, "expected_price": "145000.00", "reasons": "Charges trop lourdes."},
    )
    assert request.filed_document.kind == DocumentKind.PETITION
    petition_record_decision(
        petition=request,
        decision=Decision.GRANTED,
        decision_date=today(),
        decision_reference="Rép. 2026/123",
        by=mediator,
        today=today(),
    )
    asset.refresh_from_db()
    assert (asset.decision, asset.decision_reference) == (AssetDecision.SELL, "Rép. 2026/123")
    asset = asset_sell(
        asset=asset,
        sale_date=today(),
        sale_price=D("148000.00"),
        sale_costs=D("6500.00"),
        by=mediator,
        today=today(),
    )
    entry = asset.proceeds_entry
    assert (entry.direction, entry.amount, entry.category) == (
        Direction.IN,
        D("141500.00"),
        Category.OTHER,
    )
    assert entry.authorisation == "Rép. 2026/123"
    assert Account.objects.get(case=case).balance == D("141500.00")
    [item] = sale_proceeds(case)
    assert (item.date, item.amount) == (today(), D("141500.00"))
    assert "Maison rue de Fer 12" in item.label and "Rép. 2026/123" in item.label
    day, amount, label = item  # plain (date, amount, label)
    assert amount == D("141500.00")

    # 3. The court imposes the judicial plan.
    plan_approve(
        version=judicial,
        decision_date=today(),
        decision_reference="Rép. 2026/200",
        by=mediator,
        today=today(),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.JUDICIAL_PLAN
    assert case.homologation_date == today()
    kinds = list(PlanVersion.objects.filter(case=case).values_list("kind", "state"))
    assert kinds == [
        (PlanKind.AMICABLE, PlanState.DRAFT),
        (PlanKind.JUDICIAL, PlanState.APPROVED),
    ]
    # the judicial phase started from the report's filing; a second one is refused
    with pytest.raises(ValidationError):
        filed(case, PetitionKind.FAILURE_REPORT, {"reasons": "Encore."})

    # 4. The plan is paid out from the sale's proceeds: each creditor receives what the plan
    # plans for it in total (never beyond its admitted claim, issue 12).
    for party in (
        ThirdPartyData("employer", "Boulangerie Dupont SPRL", "Rue du Pain 3\n5000 Namur", "E-77"),
        ThirdPartyData("bank", "Banque Populaire", "Avenue de la Gare 1\n5000 Namur"),
    ):
        third_party_create(case=case, data=party, by=mediator)
    assert states(case)["instalments"] == "todo"
    version = plan_selectors.version_in_force(case)
    assert version.pk == judicial.pk
    _view, monitoring = plan_selectors.monitoring(version, today())
    for row in monitoring.rows:
        post(
            case,
            today(),
            str(row.planned_total - row.paid),
            Category.DIVIDEND,
            creditor_id=int(row.creditor_key),
        )
    assert states(case)["instalments"] == "done"

    # 5. The final fee statement, filed, taxed by the judge and paid.
    statement = statement_create(
        case=case,
        period_from=case.admissibility_date,
        period_to=today(),
        occasion=Occasion.CLOSURE,
        by=mediator,
    )
    statement = statement_file(statement=statement, by=mediator, confirm_early=True)
    taxation_order_record(
        statement=statement,
        order_date=timezone.localdate(),
        allowed_amount=statement.total,
        by=mediator,
    )
    assert states(case)["final_fee_statement"] == "done"
    assert states(case)["fees_paid"] == "todo"
    post(case, today(), str(statement.total), Category.FEE_PAYMENT)
    balance = Account.objects.get(case=case).balance
    assert balance > 0  # the rest of the sale goes back to the applicant
    post(case, today(), str(balance), Category.REFUND, counterparty="Marie Dubois")

    # 6. The final report and the letters that end the procedure.
    start, last_day = closure_selectors.final_report_period(case, today())
    report = closure_services.final_report_file(
        case=case,
        data=ReportData(start, last_day, "Plan judiciaire exécuté après la vente de la maison."),
        by=mediator,
        today=today(),
        now=None,
    )
    assert report.final and report.document in filed_documents_for_clerk(world.clerk)
    needed = closure_selectors.closure_letters_needed(case)
    assert needed == [
        LetterKind.CLOSURE_CREDITORS,
        LetterKind.CLOSURE_INCOME,
        LetterKind.CLOSURE_BANK,
    ]
    letters = closure_services.closure_letters_send(
        case=case,
        data=closure_services.ClosureLettersData(kinds=list(needed), sent_on=today()),
        by=mediator,
    )
    assert [(letter.kind, letter.addressees.count()) for letter in letters] == [
        ("closure_creditors", 2),
        ("closure_income", 1),
        ("closure_bank", 1),
    ]

    # 7. Every item of the checklist is green: the case is closed on the court's decision.
    checklist = closure_selectors.closure_checklist(case, today())
    assert checklist.complete, [(i.key, i.detail) for i in checklist.missing]
    assert set(states(case).values()) == {"done"}
    closure_services.case_close(
        case=case,
        data=closure_services.CloseData(decision_date=today()),
        by=mediator,
        today=today(),
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.closure_date) == (CaseStatus.CLOSED, today())
    assert list(
        StatusChange.objects.filter(case=case)
        .order_by("decision_date", "id")
        .values_list("to_status", flat=True)
    )[-2:] == [CaseStatus.JUDICIAL_PLAN, CaseStatus.CLOSED]

    # 8. After the closure: only the final settlement entries, each with its reason.
    after = today() + timedelta(days=1)
    count = Entry.objects.filter(account__case=case).count()
    with pytest.raises(ValidationError) as exc:
        post(case, after, "55.00", Category.INCOME, Direction.IN)
    assert list(exc.value.message_dict) == ["settlement_reason"]
    assert Entry.objects.filter(account__case=case).count() == count
    post(
        case,
        after,
        "55.00",
        Category.INCOME,
        Direction.IN,
        reason="Remboursement d'assurance reçu après la clôture",
    )
    entry = post(
        case,
        after,
        "55.00",
        Category.REFUND,
        reason="Restitution au requérant du remboursement reçu après la clôture",
    )
    assert entry.settlement_reason.startswith("Restitution")
    assert Account.objects.get(case=case).balance == D("0.00")
