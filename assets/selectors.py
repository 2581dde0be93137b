"""Reads of the assets app, scoped by the case the view fetched for its user
(``core.case_views.case_for_user``): another case's asset is a 404."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cases.models import Case

from .models import Asset


def assets_of(case: Case) -> QuerySet[Asset]:
    return Asset.objects.filter(case=case).select_related("proceeds_entry")


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
