"""Shared steps of the issue 17 tests: creditors with admitted claims, an amicable plan, an
asset, a filed request (assets, petitions, conversion)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from assets.services import AssetData, asset_create
from claims.models import Claim, ClaimStatus, Creditor
from petitions.services import petition_draft, petition_file
from plans.services import PlanData, plan_create

D = Decimal


def today() -> date:
    # Filing stamps the real time (documents.services.document_file): decisions are dated from
    # it, so these tests run on the real calendar.
    return timezone.localdate()


def admitted_claims(world, case=None) -> dict:
    case = case or world.case
    org = case.organisation
    creditors = {}
    for name, principal in (("Banque A", "6000.00"), ("Énergie B", "4000.00")):
        creditor = Creditor.objects.create(
            organisation=org, name=name, address=f"Rue {name} 1\n5000 Namur"
        )
        Claim.objects.create(
            case=case,
            creditor=creditor,
            principal=D(principal),
            declared_on=date(2022, 7, 1),
            status=ClaimStatus.ACCEPTED,
        )
        creditors[name] = creditor
    return creditors


def amicable_plan(world, case=None):
    case = case or world.case
    return plan_create(
        case=case,
        data=PlanData(
            kind="amicable",
            start_date=date(2022, 9, 1),
            duration_months=60,
            monthly_available=D("300.00"),
            fee_provision=D("1200.00"),
        ),
        by=case.mediator,
    )


def house(world, case=None):
    case = case or world.case
    return asset_create(
        case=case,
        data=AssetData(
            kind="real_estate",
            description="Maison rue de Fer 12, 5000 Namur",
            valuation_date=date(2022, 8, 1),
            valuation_amount=D("150000.00"),
            valuation_source="Expertise du notaire Lambert",
        ),
        by=case.mediator,
        today=today(),
    )


def filed(case, kind: str, data: dict):
    petition = petition_draft(case=case, kind=kind, data=data, by=case.mediator, today=today())
    return petition_file(petition=petition, by=case.mediator, today=today())
