"""Demo assets and requests to the court (issue 17; run by ``seed_demo``, idempotent).

- On a case under a plan (a judicial one first) with a mediation account: the applicant's car,
  whose sale the court authorised on the mediator's request, sold (the net proceeds reach the
  account), and the family home, which the court allowed the household to keep, with Beobank's
  mortgage arrears ranked ``mortgage`` and secured on it (issue 12).
- On a case in the amicable phase whose draft plan the creditors did not accept: the report of
  failure (procès-verbal de carence) filed with the mediator's proposal, which opens the
  judicial phase.
- On another case under a plan: a request for revision after the loss of the applicant's job,
  filed and awaiting the court's decision.

The Namur division (the demo clerk's) is preferred.

Requests are filed today (filing stamps the real time) and the court's decisions are dated
today too. Nothing is added when requests exist already, so a second run
changes nothing. Addresses, vehicles and references are fictitious.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from assets.models import Asset, AssetDecision
from assets.services import AssetData, asset_authorise, asset_create, asset_sell
from cases.models import Case
from cases.services import ApplicantData, CaseData, case_create
from cases.status import CaseStatus
from claims.models import ClaimNature, ClaimStatus, Creditor, PlanRank, Privilege
from claims.services import ClaimData, claim_create
from core.demo import refuse_in_production
from ledger.models import Account
from petitions.models import Decision, Petition, PetitionKind
from petitions.services import petition_draft, petition_file, petition_record_decision
from plans.models import PlanVersion
from plans.services import PlanData, plan_create

IN_PLAN = (CaseStatus.AMICABLE_PLAN, CaseStatus.JUDICIAL_PLAN)


def _free(case: Case) -> bool:
    return not (
        Asset.objects.filter(case=case).exists() or Petition.objects.filter(case=case).exists()
    )


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _between(case: Case, days: int, today: date) -> date:
    return min(case.admissibility_date + timedelta(days=days), today)


class Command(BaseCommand):
    help = "Biens et requêtes au tribunal de démonstration (vente, carence, révision)."

    def handle(self, *args, **options):
        refuse_in_production()
        if Petition.objects.exists():
            return
        today = timezone.localdate()
        cases = Case.objects.select_related("mediator")
        stories = (
            (self._assets, cases.filter(status__in=IN_PLAN)),
            (self._failure, cases.filter(status=CaseStatus.AMICABLE_PHASE)),
            (self._revision, cases.filter(status__in=IN_PLAN)),
        )
        told = []
        for story, candidates in stories:
            # judicial plans first, then the Namur division (the demo clerk's)
            ordered = sorted(
                candidates,
                key=lambda c: (
                    c.status != CaseStatus.JUDICIAL_PLAN,
                    c.division != "namur",
                    c.admissibility_date,
                    c.pk,
                ),
            )
            for case in ordered:
                if not _free(case):
                    continue
                try:
                    with transaction.atomic():
                        done = story(case, today)
                except ValidationError as exc:
                    self.stderr.write(f"{case.reference}: {'; '.join(exc.messages)}")
                    continue
                if done:
                    told.append(f"{story.__name__.strip('_')} {case.reference}")
                    break
        if not any(t.startswith("failure") for t in told):
            try:
                with transaction.atomic():
                    case = self._failing_case(today)
                    self._failure(case, today)
                told.append(f"failure {case.reference}")
            except ValidationError as exc:
                self.stderr.write(f"failure: {'; '.join(exc.messages)}")
        self.stdout.write(f"Demo assets and requests: {', '.join(told) or 'none'}.")

    def _failing_case(self, today: date) -> Case:
        """A case of the Namur division in its amicable phase for eight months: claims admitted,
        a draft amicable plan the main creditor refuses (the demo's other cases are past that
        phase)."""
        organisation = Organisation.objects.get(slug="cpas-namur")
        mediator = User.objects.get(username="slambert")
        admissibility = today - timedelta(days=245)
        case = case_create(
            organisation=organisation,
            mediator=mediator,
            data=CaseData(
                reference=f"CPN-{admissibility.year}-0090",
                division="namur",
                admissibility_date=admissibility,
                role_number=f"{admissibility:%y}/2718/B",
                petition_date=admissibility - timedelta(days=41),
                mediator_designation_date=admissibility,
                household_adults=1,
                dependent_children=1,
                household_note="Parent seul avec un enfant",
            ),
            applicants=[
                ApplicantData(
                    last_name="Closset",
                    first_name="Aurélie",
                    birth_date=date(1988, 4, 17),
                    address="Rue Saint-Nicolas 52\n5000 Namur",
                    phone="0476 31 52 08",
                )
            ],
            created_by=mediator,
        )
        creditors = Creditor.objects.filter(organisation=organisation).order_by("name", "pk")[:3]
        for creditor, principal in zip(creditors, ("8420.55", "2310.00", "947.18"), strict=False):
            claim_create(
                case=case,
                data=ClaimData(
                    creditor=creditor,
                    principal=Decimal(principal),
                    declared_on=admissibility + timedelta(days=24),
                    status=ClaimStatus.ACCEPTED,
                ),
                by=mediator,
            )
        plan_create(
            case=case,
            data=PlanData(
                kind="amicable",
                start_date=first_of_next_month(admissibility + timedelta(days=120)),
                duration_months=60,
                monthly_available=Decimal("240.00"),
            ),
            by=mediator,
        )
        return case

    def _assets(self, case: Case, today: date) -> bool:
        if not Account.objects.filter(case=case).exists():
            return False
        by = case.mediator
        car = asset_create(
            case=case,
            data=AssetData(
                kind="vehicle",
                description="Volkswagen Golf 1.6 TDI de 2016 (1-GXK-417)",
                valuation_date=_between(case, 20, today),
                valuation_amount=Decimal("6500.00"),
                valuation_source="Cote Autovista et avis du garage",
                note="Le requérant se rend au travail en transports en commun.",
            ),
            by=by,
            today=today,
        )
        house = asset_create(
            case=case,
            data=AssetData(
                kind="real_estate",
                description="Maison d'habitation, rue des Tilleuls 14, 5020 Malonne",
                valuation_date=_between(case, 35, today),
                valuation_amount=Decimal("168000.00"),
                valuation_source="Estimation du notaire, hypothèque en cours",
                note="Logement de la famille (deux enfants à charge).",
            ),
            by=by,
            today=today,
        )
        asset_authorise(
            asset=house,
            decision=AssetDecision.KEEP,
            decision_date=_between(case, 90, today),
            decision_reference="Ord. 2/2451",
            by=by,
            today=today,
        )
        self._mortgage_arrears(case, house, today)
        request = petition_draft(
            case=case,
            kind=PetitionKind.ASSET_SALE,
            data={
                "asset": car.pk,
                "expected_price": "6200.00",
                "reasons": (
                    "Le véhicule n'est plus nécessaire au requérant et ses frais (assurance, "
                    "taxe, entretien) pèsent sur le budget. Le produit de la vente sera versé "
                    "sur le compte de médiation au profit des créanciers."
                ),
            },
            by=by,
            today=today,
        )
        request = petition_file(petition=request, by=by, today=today)
        petition_record_decision(
            petition=request,
            decision=Decision.GRANTED,
            decision_date=today,
            decision_reference="Ord. 2/3318",
            by=by,
            today=today,
        )
        car.refresh_from_db()
        asset_sell(
            asset=car,
            sale_date=today,
            sale_price=Decimal("6200.00"),
            sale_costs=Decimal("145.00"),
            by=by,
            today=today,
        )
        return True

    def _mortgage_arrears(self, case: Case, house: Asset, today: date) -> None:
        """The mortgage on the family home the court let the household keep: Beobank's arrears,
        ranked ``mortgage`` and secured on the house (issue 12, docs/plan-rules.md §1)."""
        beobank = Creditor.objects.filter(
            organisation=case.organisation, name="Beobank NV/SA"
        ).first()
        if beobank is None:
            return
        claim_create(
            case=case,
            data=ClaimData(
                creditor=beobank,
                principal=Decimal("3412.57"),
                interest=Decimal("148.20"),
                declared_on=_between(case, 30, today),
                nature=ClaimNature.MORTGAGE_CREDIT,
                creditor_reference="HYP-2019-118204",
                status=ClaimStatus.ACCEPTED,
                privilege=Privilege.MORTGAGE,
                plan_rank=PlanRank.MORTGAGE,
                rank_reason=(
                    "Arriérés du crédit hypothécaire sur le logement familial, que le tribunal "
                    "a autorisé le ménage à conserver (ordonnance 2/2451)."
                ),
                secured_asset=house.pk,
            ),
            by=case.mediator,
        )

    def _failure(self, case: Case, today: date) -> bool:
        if not PlanVersion.objects.filter(case=case).exists():
            return False
        report = petition_draft(
            case=case,
            kind=PetitionKind.FAILURE_REPORT,
            data={
                "reasons": (
                    "Le projet de plan amiable a été adressé à tous les créanciers. Le "
                    "principal créancier le refuse et exige un remboursement plus rapide ; "
                    "deux créanciers n'ont pas répondu malgré le rappel. Aucun accord unanime "
                    "n'a pu être obtenu."
                ),
                "proposal": (
                    "Plan judiciaire reprenant les mensualités du projet amiable, sans remise "
                    "en capital, avec réexamen à mi-parcours."
                ),
            },
            by=case.mediator,
            today=today,
        )
        petition_file(petition=report, by=case.mediator, today=today)
        return True

    def _revision(self, case: Case, today: date) -> bool:
        if not PlanVersion.objects.filter(case=case).exists():
            return False
        request = petition_draft(
            case=case,
            kind=PetitionKind.PLAN_REVISION,
            data={
                "change_date": max(case.admissibility_date, today - timedelta(days=45)).isoformat(),
                "circumstances": (
                    "Le requérant a perdu son emploi à la suite de la faillite de son "
                    "employeur ; il perçoit désormais des allocations de chômage, inférieures "
                    "de 420 € par mois à son salaire."
                ),
                "proposal": "Mensualités réduites pendant douze mois, durée du plan inchangée.",
            },
            by=case.mediator,
            today=today,
        )
        petition_file(petition=request, by=case.mediator, today=today)
        return True
