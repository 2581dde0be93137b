"""A mortgage on a kept asset, distinct from a general privilege (issue 12; docs/plan-rules.md
§1): the claim ranked ``mortgage`` names the asset it is secured on (``assets.SecuredClaim``,
reached by the claims app through ``claims.registry``); the rank is refused on an asset sold or
whose sale is authorised, the asset is required when the case has assets, only the case's own
assets are offered; the plan's filing check refuses or warns; the "Patrimoine" tab shows the
mortgages on each asset."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assets.models import AssetDecision, SecuredClaim
from assets.selectors import MortgageRank, mortgage_ranks, secured_asset_of
from assets.services import asset_authorise, asset_sell
from claims import registry
from claims.models import Claim, ClaimStatus, Creditor, PlanRank, Privilege
from claims.services import ClaimData, claim_create, claim_delete, claim_update
from documents.models import DocumentKind
from documents.registry import filing_check
from ledger.services import account_open
from plans import services as plan_services
from plans.services import PlanData
from reports import court_checks

from .life_helpers import house, today

D = Decimal
FIELD = "Bien grevé de l'hypothèque"

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(world):
    return Creditor.objects.create(
        organisation=world.org,
        name="Beobank NV/SA",
        address="Bd Général Jacques 263G\n1050 Ixelles",
    )


def mortgage_data(creditor, **kw) -> ClaimData:
    values = {
        "creditor": creditor,
        "principal": D("3412.57"),
        "declared_on": date(2022, 7, 1),
        "status": ClaimStatus.ACCEPTED,
        "privilege": Privilege.MORTGAGE,
        "plan_rank": PlanRank.MORTGAGE,
        "rank_reason": "Hypothèque sur le logement familial conservé.",
    }
    values.update(kw)
    return ClaimData(**values)


def authorise(world, asset, decision):
    return asset_authorise(
        asset=asset,
        decision=decision,
        decision_date=date(2023, 3, 1),
        decision_reference="Rép. 2023/55",
        by=world.mediator,
        today=today(),
    )


def sold(world, asset):
    account_open(case=world.case, opened_on=date(2022, 6, 20))
    authorise(world, asset, AssetDecision.SELL)
    return asset_sell(
        asset=asset,
        sale_date=date(2023, 4, 1),
        sale_price=D("150000.00"),
        sale_costs=D("5000.00"),
        by=world.mediator,
        today=today(),
    )


# --- the pure rule of the filing check ---------------------------------------------------------


def rank(**kw) -> MortgageRank:
    values = {
        "claim_id": 1,
        "creditor": "Beobank NV/SA",
        "asset": "Maison rue de Fer 12",
        "sold_on": None,
        "sale_authorised_on": None,
        "sale_reference": "",
    }
    values.update(kw)
    return MortgageRank(**values)


@pytest.mark.parametrize(
    "facts,code,blocking,text",
    [
        ({"sold_on": date(2023, 4, 1)}, "mortgage_asset_sold", True, "vendu le 01/04/2023"),
        (
            {"sale_authorised_on": date(2023, 3, 1), "sale_reference": "Rép. 2023/55"},
            "mortgage_asset_sale",
            True,
            "Rép. 2023/55",
        ),
        ({"asset": ""}, "mortgage_asset_unnamed", False, FIELD),
    ],
)
def test_the_filing_check_of_a_mortgage_rank(facts, code, blocking, text):
    result = court_checks.check(court_checks.CourtFacts(mortgages=(rank(**facts),)), today=today())
    (finding,) = result.findings
    assert (finding.code, finding.blocking) == (code, blocking)
    assert "Beobank NV/SA" in finding.message and text in finding.message
    assert (
        court_checks.check(court_checks.CourtFacts(mortgages=(rank(),)), today=today()).findings
        == ()
    )


# --- the claim services ------------------------------------------------------------------------


def test_a_mortgage_rank_is_secured_on_the_kept_asset(world, bank):
    home = house(world)
    authorise(world, home, AssetDecision.KEEP)
    claim = claim_create(case=world.case, data=mortgage_data(bank, secured_asset=home.pk))
    assert secured_asset_of(claim) == home.pk == registry.secured_asset_of(claim)
    # changed to the common rank: the asset is emptied with it and the link goes
    claim = claim_update(
        claim=claim,
        data=mortgage_data(bank, plan_rank=PlanRank.COMMON, rank_reason="", secured_asset=None),
    )
    assert not SecuredClaim.objects.exists()
    claim = claim_update(claim=claim, data=mortgage_data(bank, secured_asset=home.pk))
    claim_delete(claim=claim)
    assert not SecuredClaim.objects.exists()


def test_a_case_without_assets_takes_a_mortgage_rank_without_an_asset(world, bank):
    claim = claim_create(case=world.case, data=mortgage_data(bank))
    assert claim.plan_rank == PlanRank.MORTGAGE and secured_asset_of(claim) is None


@pytest.mark.parametrize("fault", ["sold", "sale", "unnamed", "other_case", "common_rank"])
def test_a_mortgage_rank_off_a_kept_asset_names_the_field_and_saves_nothing(world, bank, fault):
    home = house(world)
    kw = {"secured_asset": home.pk}
    if fault == "sold":
        sold(world, home)
    elif fault == "sale":
        authorise(world, home, AssetDecision.SELL)
    elif fault == "unnamed":
        kw = {}
    elif fault == "other_case":
        kw = {"secured_asset": house(world, world.other_case).pk}
    elif fault == "common_rank":
        kw["plan_rank"], kw["rank_reason"] = PlanRank.COMMON, ""
    with pytest.raises(ValidationError) as exc:
        claim_create(case=world.case, data=mortgage_data(bank, **kw))
    (message,) = exc.value.message_dict["secured_asset"]
    assert FIELD in message
    expected = {
        "sold": "vendu (le 01/04/2023)",
        "sale": "vente de Maison rue de Fer 12, 5000 Namur est autorisée",
        "unnamed": "Indiquez le bien grevé",
        "other_case": "pas au patrimoine de ce dossier",
        "common_rank": "ne s'indique que pour le rang",
    }[fault]
    assert expected in message
    assert not Claim.objects.filter(case=world.case).exists()
    assert not SecuredClaim.objects.exists()


def test_an_update_to_a_sold_asset_changes_nothing(world, bank):
    home, car = house(world), house(world)
    claim = claim_create(case=world.case, data=mortgage_data(bank, secured_asset=home.pk))
    sold(world, car)
    with pytest.raises(ValidationError) as exc:
        claim_update(
            claim=claim, data=mortgage_data(bank, secured_asset=car.pk, principal=D("9.00"))
        )
    assert "secured_asset" in exc.value.message_dict
    claim.refresh_from_db()
    assert claim.principal == D("3412.57") and secured_asset_of(claim) == home.pk


# --- the plan's filing check -------------------------------------------------------------------


def test_the_plan_filing_refuses_a_mortgage_on_an_asset_sold_or_to_be_sold(world, bank):
    home = house(world)
    claim_create(case=world.case, data=mortgage_data(bank, secured_asset=home.pk))
    assert filing_check(case=world.case, kind=DocumentKind.PLAN, today=today()).findings == ()
    authorise(world, home, AssetDecision.SELL)  # after the claim was ranked
    check = filing_check(case=world.case, kind=DocumentKind.PLAN, today=today())
    assert [f.code for f in check.refusals] == ["mortgage_asset_sale"]
    # the annual report reports on the year; the rank is the plan's
    report = filing_check(case=world.case, kind=DocumentKind.ANNUAL_REPORT, today=today())
    assert not [f for f in report.findings if f.code.startswith("mortgage")]
    account_open(case=world.case, opened_on=date(2022, 6, 20))
    asset_sell(
        asset=home,
        sale_date=date(2023, 4, 1),
        sale_price=D("150000.00"),
        sale_costs=D("0.00"),
        by=world.mediator,
        today=today(),
    )
    check = filing_check(case=world.case, kind=DocumentKind.PLAN, today=today())
    assert [f.code for f in check.refusals] == ["mortgage_asset_sold"]
    # paid off from the price: no longer in the plan, no longer checked
    Claim.objects.filter(case=world.case).update(paid_off_on=date(2023, 4, 2))
    assert mortgage_ranks(world.case) == []


def test_an_unnamed_mortgage_rank_is_a_warning_and_the_plan_service_refuses_a_sold_one(world, bank):
    claim = claim_create(case=world.case, data=mortgage_data(bank))  # no asset recorded yet
    check = filing_check(case=world.case, kind=DocumentKind.PLAN, today=today())
    assert check.refusals == [] and [f.code for f in check.warnings] == ["mortgage_asset_unnamed"]
    home = house(world)
    SecuredClaim.objects.create(claim=claim, asset=home)
    sold(world, home)
    version = plan_services.plan_create(
        case=world.case,
        data=PlanData(
            kind="judicial",
            start_date=date(2023, 5, 1),
            duration_months=12,
            monthly_available=D("100.00"),
        ),
        by=world.mediator,
    )
    version = plan_services.plan_approve(
        version=version,
        decision_date=date(2023, 4, 20),
        decision_reference="R/23/1",
        by=world.mediator,
        today=today(),
    )
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_file(version=version, by=world.mediator, today=today())
    assert "vendu le 01/04/2023" in " ".join(exc.value.messages)
    assert not world.case.documents.exists()


# --- the screens -------------------------------------------------------------------------------


def post_claim(client, world, creditor, **kw):
    values = {
        "creditor": creditor.pk,
        "nature": "mortgage_credit",
        "principal": "3412,57",
        "declared_on": "01/07/2022",
        "status": "accepted",
        "privilege": "mortgage",
        "plan_rank": "mortgage",
        "rank_reason": "Hypothèque sur le logement conservé",
    }
    values.update(kw)
    return client.post(reverse("claims:claim_create", args=[world.case.pk]), values)


def test_the_claim_form_offers_only_the_cases_assets(client, world, bank):
    home = house(world)
    elsewhere = house(world, world.other_case)
    client.force_login(world.mediator)
    page = client.get(reverse("claims:claim_create", args=[world.case.pk]))
    form = page.context["form"]
    assert [value for value, _label in form.fields["secured_asset"].choices] == ["", home.pk]
    html = unescape(page.content.decode())
    assert FIELD in html and f'<option value="{home.pk}">' in html
    assert f'<option value="{elsewhere.pk}">' not in html
    # another organisation's asset posted by hand: refused beside the field, nothing saved
    response = post_claim(client, world, bank, secured_asset=elsewhere.pk)
    assert response.status_code == 200
    assert "secured_asset" in response.context["form"].errors
    # no asset named while the case has one: the service's message beside the field
    response = post_claim(client, world, bank)
    assert FIELD in response.context["form"].errors["secured_asset"][0]
    assert not Claim.objects.exists() and not SecuredClaim.objects.exists()
    response = post_claim(client, world, bank, secured_asset=home.pk)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert secured_asset_of(claim) == home.pk
    edit = client.get(reverse("claims:claim_edit", args=[world.case.pk, claim.pk]))
    assert edit.context["form"].initial["secured_asset"] == home.pk


def test_the_patrimoine_tab_shows_the_mortgages_on_each_asset(client, world, bank):
    home = house(world)
    claim = claim_create(case=world.case, data=mortgage_data(bank, secured_asset=home.pk))
    client.force_login(world.mediator)
    html = client.get(reverse("assets:case_assets", args=[world.case.pk])).content.decode()
    assert f'data-mortgage="{claim.pk}"' in html and "Beobank NV/SA" in html
    assert "3.412,57" in html
    # another organisation's mediator never sees it
    client.force_login(world.other_mediator)
    assert client.get(reverse("assets:case_assets", args=[world.case.pk])).status_code == 404
    other = client.get(reverse("assets:case_assets", args=[world.other_case.pk])).content
    assert b"Beobank" not in other
