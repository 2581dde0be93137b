"""The life of a case through failure (issue 17): the amicable plan fails, the mediator files
the report of failure with their proposal (the judicial phase opens: a judicial version
continues the amicable one, which stays), the court authorises the sale of the house, the sale's
net proceeds reach the mediation account and the plan's one-off sums, and the court imposes the
judicial plan. Runs on SQLite and PostgreSQL (``DATABASE_URL``); closure is h-life2's."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assets.models import AssetDecision
from assets.selectors import sale_proceeds
from assets.services import asset_sell
from cases.services import case_change_status
from cases.status import CaseStatus
from documents.models import DocumentKind
from documents.selectors import filed_documents_for_clerk
from ledger.models import Account, Category, Direction
from ledger.services import account_open
from petitions.models import Decision, PetitionKind
from petitions.services import petition_record_decision
from plans.models import PlanKind, PlanState, PlanVersion
from plans.services import plan_approve

from .life_helpers import admitted_claims, amicable_plan, filed, house, today

D = Decimal


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
