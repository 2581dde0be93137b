"""Reads of the assets app, scoped by the case the view fetched for its user
(``core.case_views.case_for_user``): another case's asset is a 404."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cases.models import Case
from claims.models import Claim, ClaimStatus, PlanRank
from core.dates import format_date

from .models import Asset, AssetDecision, SecuredClaim


def assets_of(case: Case) -> QuerySet[Asset]:
    return Asset.objects.filter(case=case).select_related("proceeds_entry")


def assets_with_mortgages(case: Case) -> QuerySet[Asset]:
    """The case's assets, each with the claims secured on it (``asset.secured_claims.all``,
    their creditors read in the same prefetch): the "Patrimoine" tab shows the mortgages on
    each asset (docs/plan-rules.md §1)."""
    secured = SecuredClaim.objects.select_related("claim__creditor").order_by("claim__pk")
    return assets_of(case).prefetch_related(Prefetch("secured_claims", queryset=secured))


def asset_label(asset: Asset) -> str:
    """How an asset is named where a claim is secured on it, with what the court decided."""
    label = str(asset)
    if asset.is_sold:
        return _("%(asset)s (vendu le %(date)s)") % {
            "asset": label,
            "date": format_date(asset.sale_date),
        }
    if asset.decision == AssetDecision.SELL:
        return _("%(asset)s (vente autorisée)") % {"asset": label}
    return label


def secured_asset_choices(case: Case) -> list[tuple[int, str]]:
    """The assets a claim of ``case`` may be secured on: the case's own, never another case's
    (the refusal of a sold one or one to be sold is the service's, with its reason)."""
    return [(asset.pk, asset_label(asset)) for asset in assets_of(case)]


def secured_asset_of(claim: Claim) -> int | None:
    return SecuredClaim.objects.filter(claim=claim).values_list("asset_id", flat=True).first()


class MortgageRank(NamedTuple):
    """A claim given the plan's rank ``mortgage`` and the asset it is secured on, as plain data
    for the checks before a plan is filed (``reports.court_checks``)."""

    claim_id: int
    creditor: str
    asset: str  # "" when the claim names no asset
    sold_on: date | None
    sale_authorised_on: date | None  # the order authorising the sale, while not sold
    sale_reference: str


def mortgage_ranks(case: Case, *, claims: Iterable[Claim] | None = None) -> list[MortgageRank]:
    """The case's claims ranked ``mortgage`` that the plan still pays (not rejected, not paid
    off), in the order of the claims, each with its asset's state: sold, sale authorised, or
    none named. ``claims``: the case's claims already read by the caller (with their rank,
    status, payoff date and creditor's name: the plan page reads them once, issue 15)."""
    if claims is None:
        claims = (
            Claim.objects.filter(case=case, plan_rank=PlanRank.MORTGAGE, paid_off_on__isnull=True)
            .exclude(status=ClaimStatus.REJECTED)
            .select_related("creditor")
            .only("pk", "case_id", "creditor__name")
            .order_by("pk")
        )
    else:
        claims = sorted(
            (
                claim
                for claim in claims
                if claim.plan_rank == PlanRank.MORTGAGE
                and claim.paid_off_on is None
                and claim.status != ClaimStatus.REJECTED
            ),
            key=lambda claim: claim.pk,
        )
        if not claims:  # no claim ranked ``mortgage``: no asset to look up (issue 15)
            return []
    secured = {
        link.claim_id: link.asset
        for link in SecuredClaim.objects.filter(asset__case=case).select_related("asset")
    }
    ranks = []
    for claim in claims:
        asset = secured.get(claim.pk)
        sale = asset is not None and not asset.is_sold and asset.decision == AssetDecision.SELL
        ranks.append(
            MortgageRank(
                claim_id=claim.pk,
                creditor=claim.creditor.name,
                asset=str(asset) if asset is not None else "",
                sold_on=asset.sale_date if asset is not None else None,
                sale_authorised_on=asset.decision_date if sale else None,
                sale_reference=asset.decision_reference if sale else "",
            )
        )
    return ranks


def asset_get(case: Case, pk: int) -> Asset:
    asset = assets_of(case).filter(pk=pk).first()
    if asset is None:
        raise Http404
    return asset


class OneOffSum(NamedTuple):
    """A dated one-off sum the plan receives: a plain (date, amount, label) tuple, which the
    plans app's one-off sums take as they are."""

    date: date
    amount: Decimal
    label: str


def sale_proceeds(case: Case) -> list[OneOffSum]:
    """The net proceeds of the case's assets sold, each as (date, amount, label): the date of
    the sale, the net amount posted into the mediation account, the asset and the court's
    order (art. 1675/13 §1 C.J.). In the order of the sales."""
    sold = assets_of(case).filter(proceeds_entry__isnull=False).order_by("sale_date", "pk")
    items = []
    for asset in sold:
        label = _("Vente : %(asset)s") % {"asset": asset.description}
        if asset.decision_reference:
            label = _("%(label)s (ordonnance %(ref)s)") % {
                "label": label,
                "ref": asset.decision_reference,
            }
        items.append(OneOffSum(date=asset.sale_date, amount=asset.net_proceeds, label=label))
    return items


def total_valuation(case: Case) -> Decimal:
    return sum((a.valuation_amount for a in assets_of(case) if not a.is_sold), Decimal("0.00"))
