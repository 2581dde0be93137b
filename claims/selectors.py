"""Read selectors for claims: the claims table of a case and the counts the fee engine needs.

Creditors are counted, not claims (fees.md §3): a creditor is a party that filed at least one
declaration in the case. The share of each creditor is its part of the *participating* total
(claims neither time-barred nor rejected), used by the plan (au marc le franc).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from accounts.models import User
from cases.models import Case

from .models import Claim, Creditor, Representative

ZERO = Decimal("0.00")


def creditors_of_organisation(user: User) -> QuerySet[Creditor]:
    if not user.is_authenticated or not user.organisation_id:
        return Creditor.objects.none()
    return Creditor.objects.filter(organisation_id=user.organisation_id)


def representatives_of_organisation(user: User) -> QuerySet[Representative]:
    if not user.is_authenticated or not user.organisation_id:
        return Representative.objects.none()
    return Representative.objects.filter(organisation_id=user.organisation_id)


def claims_of_case(case: Case) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(case=case)
        .select_related("creditor", "representation__representative", "position")
        .prefetch_related("debtors")
        .order_by("creditor__name", "declared_on", "id")
    )


@dataclass
class CreditorRow:
    creditor: Creditor
    claims: list[Claim] = field(default_factory=list)
    principal: Decimal = ZERO
    interest: Decimal = ZERO
    costs: Decimal = ZERO
    total: Decimal = ZERO
    participating_total: Decimal = ZERO
    share: Decimal = ZERO  # percentage of the participating total, 4 decimals
    all_time_barred: bool = False
    paid_off_on: date | None = None
    non_remissible: bool = False


@dataclass
class ClaimsTable:
    rows: list[CreditorRow]
    principal: Decimal
    interest: Decimal
    costs: Decimal
    total: Decimal
    participating_total: Decimal
    declared_creditors: int  # fee 2,1°: every creditor that declared, time-barred included
    participating_creditors: int  # fee 2,3°: creditors taking part in the plan


def claims_table(case: Case) -> ClaimsTable:
    rows: dict[int, CreditorRow] = {}
    for claim in claims_of_case(case):
        row = rows.setdefault(claim.creditor_id, CreditorRow(creditor=claim.creditor))
        row.claims.append(claim)
        row.principal += claim.principal
        row.interest += claim.interest
        row.costs += claim.costs
        row.total += claim.total
        if claim.participates:
            row.participating_total += claim.total
        row.non_remissible = row.non_remissible or claim.non_remissible
    participating_total = sum((r.participating_total for r in rows.values()), ZERO)
    for row in rows.values():
        row.all_time_barred = all(c.time_barred for c in row.claims)
        taking_part = [c for c in row.claims if not c.time_barred]
        if taking_part and all(c.paid_off_on for c in taking_part):
            row.paid_off_on = max(c.paid_off_on for c in taking_part)
        if participating_total:
            row.share = (row.participating_total * 100 / participating_total).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP
            )
    ordered = sorted(rows.values(), key=lambda r: r.creditor.name.lower())
    return ClaimsTable(
        rows=ordered,
        principal=sum((r.principal for r in ordered), ZERO),
        interest=sum((r.interest for r in ordered), ZERO),
        costs=sum((r.costs for r in ordered), ZERO),
        total=sum((r.total for r in ordered), ZERO),
        participating_total=participating_total,
        declared_creditors=len(ordered),
        participating_creditors=sum(1 for r in ordered if not r.all_time_barred),
    )
