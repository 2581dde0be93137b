"""Reads of the petitions app, through the case the view fetched for its user
(``core.case_views``): another case's request is a 404."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from assets.models import Asset
from cases.models import Case

from .models import Petition
from .services import FIELDS


def petitions_of(case: Case) -> QuerySet[Petition]:
    return Petition.objects.filter(case=case).select_related(
        "filed_document", "asset", "plan_version", "expense_entry", "created_by"
    )


def petition_get(case: Case, pk: int) -> Petition:
    petition = petitions_of(case).filter(pk=pk).first()
    if petition is None:
        raise Http404
    return petition


def saleable_assets(case: Case) -> QuerySet[Asset]:
    """The assets a sale may be requested for: not sold, sale not yet authorised."""
    return Asset.objects.filter(case=case, sale_date__isnull=True).exclude(decision="sell")


def form_initial(petition: Petition) -> dict:
    """A draft's stored content as its form shows it (amounts and dates typed back)."""
    initial = {}
    for spec in FIELDS[petition.kind]:
        value = petition.data.get(spec.name, "")
        if value and spec.type == "amount":
            value = Decimal(value)
        elif value and spec.type == "date":
            value = date.fromisoformat(value)
        elif spec.type == "asset":
            value = str(value)
        initial[spec.name] = value
    return initial
