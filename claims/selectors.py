"""Read selectors for claims: the directory, the claims table of a case and the counts the fee
engine needs.

Creditors are counted, not claims (fees.md §3): a creditor is a party that filed at least one
declaration in the case. The share of each creditor is its part of the *participating* total
(claims neither time-barred nor rejected), used by the plan (au marc le franc).

Every read is scoped to the user's organisation: another organisation's creditor, claim or
position is not in the queryset, hence a 404.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from stdnum import iban as std_iban

from accounts.models import Organisation, User
from agenda.registry import DutySpec
from cases.models import Applicant, Case
from cases.selectors import case_queryset_for
from core.compiled import models_for_ids

from . import deadlines
from .models import (
    Claim,
    ClaimStatus,
    Creditor,
    KnownCreditor,
    Position,
    Representation,
    Representative,
    normalise_enterprise_number,
)

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


# Directory ------------------------------------------------------------------------------


def creditors_of_organisation(user: User) -> QuerySet[Creditor]:
    if not user.is_authenticated or not user.organisation_id:
        return Creditor.objects.none()
    return Creditor.objects.filter(organisation_id=user.organisation_id)


def representatives_of_organisation(user: User) -> QuerySet[Representative]:
    if not user.is_authenticated or not user.organisation_id:
        return Representative.objects.none()
    return Representative.objects.filter(organisation_id=user.organisation_id)


def _contact_search(qs: QuerySet, q: str) -> QuerySet:
    """Name (or contact person), enterprise number in any notation, IBAN with or without
    spaces."""
    term = (q or "").strip()
    if not term:
        return qs
    condition = Q(name__icontains=term) | Q(contact_person__icontains=term)
    digits = re.sub(r"\D", "", term)
    if len(digits) >= 3:
        condition |= Q(enterprise_number__contains=digits)
    compact = re.sub(r"[\s.\-/]", "", term).upper()
    if len(compact) >= 4:
        condition |= Q(iban__contains=compact)
    return qs.filter(condition)


def creditor_search(user: User, q: str = "") -> QuerySet[Creditor]:
    """The organisation's creditors matching ``q``, with the number of cases each declared in."""
    return (
        _contact_search(creditors_of_organisation(user), q)
        .annotate(case_count=Count("claims__case", distinct=True))
        .order_by("name", "pk")
    )


def representative_search(user: User, q: str = "") -> QuerySet[Representative]:
    return (
        _contact_search(representatives_of_organisation(user), q)
        .annotate(case_count=Count("representations__case", distinct=True))
        .order_by("name", "pk")
    )


def creditor_get_for_user(user: User, pk: int) -> Creditor:
    return get_object_or_404(creditors_of_organisation(user), pk=pk)


def representative_get_for_user(user: User, pk: int) -> Representative:
    return get_object_or_404(representatives_of_organisation(user), pk=pk)


@dataclass
class CreditorCase:
    """A case of the organisation in which a creditor declared."""

    case: Case
    claims: int
    total: Decimal
    time_barred: bool
    representatives: list[str] = field(default_factory=list)


def creditor_cases(user: User, creditor: Creditor) -> list[CreditorCase]:
    """The cases (visible to the user) where the creditor declared, with its claims' totals."""
    claims = (
        Claim.objects.filter(creditor=creditor, case__in=case_queryset_for(user))
        .select_related("case", "case__mediator", "representation__representative")
        .prefetch_related(
            Prefetch("case__applicants", queryset=Applicant.objects.order_by("position"))
        )
        .order_by("-case__admissibility_date", "case__reference", "id")
    )
    rows: dict[int, CreditorCase] = {}
    for claim in claims:
        row = rows.setdefault(
            claim.case_id,
            CreditorCase(case=claim.case, claims=0, total=ZERO, time_barred=True),
        )
        row.claims += 1
        row.total += claim.total
        row.time_barred = row.time_barred and claim.time_barred
        if claim.representation_id:
            name = str(claim.representation.representative)
            if name not in row.representatives:
                row.representatives.append(name)
    return list(rows.values())


def representative_cases(user: User, representative: Representative) -> QuerySet:
    """The files the representative holds in the user's cases."""
    return (
        Representation.objects.filter(
            representative=representative, case__in=case_queryset_for(user)
        )
        .select_related("case", "creditor")
        .order_by("-case__admissibility_date", "case__reference", "creditor__name")
    )


# A case's claims ------------------------------------------------------------------------


# What ``claim_ceiling`` reads of a claim: a list of ceilings loads these fields only.
CEILING_FIELDS = (
    "status",
    "time_barred",
    "admitted_amount",
    "principal",
    "interest",
    "costs",
    "interest_after_admissibility",
)


def claim_counts_toward_ceiling(claim: Claim) -> bool:
    """Whether a claim counts toward what its creditor may receive (docs/plan-rules.md, "The
    ceiling of a creditor"): an **accepted** claim that is not time-barred. A pending or
    contested claim counts for nothing until the mediator accepts it (the plan pays admitted
    claims; a dividend on a disputed amount could not be recovered), a rejected or time-barred
    one never does. The one definition the payment page and the checks before filing share."""
    return claim.status == ClaimStatus.ACCEPTED and not claim.time_barred


def claim_ceiling(claim: Claim) -> Decimal:
    """What a creditor may receive at most on this claim (issue 12: "a creditor is never paid
    beyond its admitted claim"): its admitted amount (``Claim.admitted_total``: the amount the
    mediator admitted, else the declared one less the interest run after admissibility) when
    it counts toward the ceiling (``claim_counts_toward_ceiling``), else nothing."""
    return claim.admitted_total if claim_counts_toward_ceiling(claim) else ZERO


def admitted_ceilings(case: Case, *, claims: Iterable[Claim] | None = None) -> dict[int, Decimal]:
    """Each creditor that declared a claim in the case -> the most it may receive there: the sum
    of its claims' ``claim_ceiling`` (0.00 when none is admitted). One query, or none when the
    caller has already read the case's ``claims`` (with ``CEILING_FIELDS``: the plan page reads
    them once, issue 15). The payment page and the checks before filing read it through
    ``ledger.selectors.paid_vs_admitted``."""
    ceilings: dict[int, Decimal] = {}
    if claims is None:
        claims = Claim.objects.filter(case=case).only("creditor_id", *CEILING_FIELDS)
    for claim in claims:
        ceilings[claim.creditor_id] = ceilings.get(claim.creditor_id, ZERO) + claim_ceiling(claim)
    return ceilings


def claims_of_case(case: Case, *, debtors: bool = True) -> QuerySet[Claim]:
    """``debtors``: with each claim's debtors (one query more); a screen that does not show
    them (a case of one applicant: every claim is theirs) goes without (issue 15)."""
    claims = (
        Claim.objects.filter(case=case)
        .select_related("creditor", "representation__representative", "position")
        .order_by("creditor__name", "declared_on", "id")
    )
    if debtors:
        claims = claims.prefetch_related(
            Prefetch("debtors", queryset=Applicant.objects.order_by("position"))
        )
    return claims


def claim_get_for_case(case: Case, pk: int) -> Claim:
    """A claim of this case (the case itself comes from ``case_get_for_user``): 404 else."""
    return get_object_or_404(
        Claim.objects.select_related("creditor", "representation", "position"), case=case, pk=pk
    )


def position_get_for_case(case: Case, pk: int) -> Position:
    return get_object_or_404(Position, case=case, pk=pk)


def representations_of_case(case: Case) -> QuerySet[Representation]:
    return (
        Representation.objects.filter(case=case)
        .select_related("creditor", "representative")
        .annotate(claim_count=Count("claims"))
        .order_by("creditor__name", "representative__name", "file_reference")
    )


@dataclass
class ClaimGroup:
    """Either one claim on its own (``position`` None) or a joined position with its original
    claims, which stay visible under it."""

    position: Position | None
    claims: list[Claim] = field(default_factory=list)
    principal: Decimal = ZERO
    interest: Decimal = ZERO
    costs: Decimal = ZERO
    total: Decimal = ZERO


@dataclass
class CreditorRow:
    creditor: Creditor
    claims: list[Claim] = field(default_factory=list)
    groups: list[ClaimGroup] = field(default_factory=list)
    principal: Decimal = ZERO
    interest: Decimal = ZERO
    costs: Decimal = ZERO
    total: Decimal = ZERO
    participating_total: Decimal = ZERO
    share: Decimal = ZERO  # percentage of the participating total, 4 decimals (sum: 100)
    share_pct: Decimal = ZERO  # the same with 2 decimals, for display (sum: 100.00)
    all_time_barred: bool = False
    time_barred: KnownCreditor | None = None  # the creditor's recorded forclusion, if any
    paid_off_on: date | None = None
    non_remissible: bool = False
    representations: list[Representation] = field(default_factory=list)

    @property
    def participates(self) -> bool:
        """Counted for 2,3°: not every claim of it is time-barred (fees.md §3)."""
        return not self.all_time_barred

    @property
    def representatives(self) -> list[tuple[Representative, list[str]]]:
        """Each representative acting for the creditor here, with its file references."""
        grouped: dict[int, tuple[Representative, list[str]]] = {}
        for representation in self.representations:
            rep = representation.representative
            _rep, references = grouped.setdefault(rep.pk, (rep, []))
            if representation.file_reference:
                references.append(representation.file_reference)
        return list(grouped.values())


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
    claim_count: int = 0
    non_remissible_total: Decimal = ZERO

    @property
    def share_total(self) -> Decimal:
        return sum((r.share_pct for r in self.rows), ZERO)


def distribute_shares(amounts: list[Decimal], places: int) -> list[Decimal]:
    """Percentages of ``amounts`` rounded to ``places`` decimals whose sum is exactly 100
    (largest remainder: the units lost by rounding down go to the largest remainders)."""
    total = sum(amounts, ZERO)
    if not total:
        return [Decimal(0).quantize(Decimal(1).scaleb(-places)) for _ in amounts]
    unit = Decimal(1).scaleb(-places)
    exact = [a * HUNDRED / total for a in amounts]
    floors = [e.quantize(unit, rounding=ROUND_DOWN) for e in exact]
    missing = int((HUNDRED - sum(floors, ZERO)) / unit)
    order = sorted(range(len(amounts)), key=lambda i: (exact[i] - floors[i], amounts[i]))
    for i in reversed(order[-missing:] if missing else []):
        floors[i] += unit
    return floors


def claims_table(case: Case, *, debtors: bool = True) -> ClaimsTable:
    """``debtors``: the claims read with their debtors (:func:`claims_of_case`)."""
    rows: dict[int, CreditorRow] = {}
    positions: dict[int, ClaimGroup] = {}
    claim_count = 0
    non_remissible_total = ZERO
    for claim in claims_of_case(case, debtors=debtors):
        claim_count += 1
        row = rows.setdefault(claim.creditor_id, CreditorRow(creditor=claim.creditor))
        row.claims.append(claim)
        row.principal += claim.principal
        row.interest += claim.interest
        row.costs += claim.costs
        row.total += claim.total
        if claim.participates:
            row.participating_total += claim.total
        if claim.non_remissible:
            row.non_remissible = True
            non_remissible_total += claim.total
        if claim.representation_id and claim.representation not in row.representations:
            row.representations.append(claim.representation)
        if claim.position_id:
            group = positions.get(claim.position_id)
            if group is None:
                group = positions[claim.position_id] = ClaimGroup(position=claim.position)
                row.groups.append(group)
        else:
            group = ClaimGroup(position=None)
            row.groups.append(group)
        group.claims.append(claim)
        group.principal += claim.principal
        group.interest += claim.interest
        group.costs += claim.costs
        group.total += claim.total
    ordered = sorted(rows.values(), key=lambda r: (r.creditor.name.lower(), r.creditor.pk))
    for known in KnownCreditor.objects.filter(case=case, time_barred_on__isnull=False):
        if known.creditor_id in rows:
            rows[known.creditor_id].time_barred = known
    participating_total = sum((r.participating_total for r in ordered), ZERO)
    amounts = [r.participating_total for r in ordered]
    for row, share, pct in zip(
        ordered, distribute_shares(amounts, 4), distribute_shares(amounts, 2), strict=True
    ):
        row.share, row.share_pct = share, pct
        row.all_time_barred = all(c.time_barred for c in row.claims)
        # Paid off when every claim taking part in the plan is (fees.md §3): the latest date.
        taking_part = [c for c in row.claims if c.participates]
        if taking_part and all(c.paid_off_on for c in taking_part):
            row.paid_off_on = max(c.paid_off_on for c in taking_part)
    return ClaimsTable(
        rows=ordered,
        principal=sum((r.principal for r in ordered), ZERO),
        interest=sum((r.interest for r in ordered), ZERO),
        costs=sum((r.costs for r in ordered), ZERO),
        total=sum((r.total for r in ordered), ZERO),
        participating_total=participating_total,
        declared_creditors=len(ordered),
        participating_creditors=sum(1 for r in ordered if r.participates),
        claim_count=claim_count,
        non_remissible_total=non_remissible_total,
    )


def representation_get_for_case(case: Case, pk: int) -> Representation:
    return get_object_or_404(Representation, case=case, pk=pk)


# --- the directory ---------------------------------------------------------------------------


def directory_match(model, *, organisation: Organisation, enterprise_number: str, iban: str):
    """(existing contact, matching field) among the organisation's directory of ``model``
    (creditors or representatives), or (None, "")."""
    qs = model.objects.filter(organisation=organisation)
    if enterprise_number:
        found = qs.filter(enterprise_number=enterprise_number).first()
        if found:
            return found, "enterprise_number"
    if iban:
        found = qs.filter(iban=iban).first()
        if found:
            return found, "iban"
    return None, ""


def creditor_find_existing(
    *, organisation: Organisation, enterprise_number: str = "", iban: str = ""
) -> Creditor | None:
    """The directory's creditor with this enterprise number or IBAN, if any."""
    found, _field = directory_match(
        Creditor,
        organisation=organisation,
        enterprise_number=normalise_enterprise_number(enterprise_number),
        iban=std_iban.compact(iban) if iban else "",
    )
    return found


# Declarations and their clocks (art. 1675/9 §§2-3 C.J.; claims.deadlines) ------------------


def known_creditors_of(case: Case) -> list[KnownCreditor]:
    return list(
        KnownCreditor.objects.filter(case=case)
        .select_related("creditor", "time_barred_by")
        .order_by("creditor__name", "pk")
    )


def known_creditor_get_for_case(case: Case, pk: int) -> KnownCreditor:
    return get_object_or_404(
        KnownCreditor.objects.select_related("creditor", "case"), case=case, pk=pk
    )


def first_declarations(case: Case) -> dict[int, date]:
    """creditor id -> the date of its first declaration in the case."""
    first: dict[int, date] = {}
    for creditor_id, declared_on in Claim.objects.filter(case=case).values_list(
        "creditor_id", "declared_on"
    ):
        if creditor_id not in first or declared_on < first[creditor_id]:
            first[creditor_id] = declared_on
    return first


def known_creditors_by_case(
    case_ids: list[int], *, first_declared: bool = False
) -> dict[int, list[KnownCreditor]]:
    """``known_creditors_of`` for many cases in one query: case id -> its known creditors, in
    the same order. ``first_declared``: each with the date of its first declaration in the
    case (``first_declarations``; None: none), read in the same query (the agenda's clocks)."""
    found: dict[int, list[KnownCreditor]] = {}
    if first_declared:  # the agenda's clocks: the SQL compiled once per number of cases
        known_creditors = models_for_ids(
            "claims.known_first_declared", _known_first_declared, case_ids, KnownCreditor
        )
    else:
        known_creditors = _known_creditors_query(case_ids)
    for known in known_creditors:
        found.setdefault(known.case_id, []).append(known)
    return found


def _known_creditors_query(case_ids: list[int]) -> QuerySet[KnownCreditor]:
    return (
        KnownCreditor.objects.filter(case_id__in=case_ids)
        .select_related("creditor", "time_barred_by")
        .order_by("creditor__name", "pk")
    )


def _known_first_declared(case_ids: list[int]) -> QuerySet[KnownCreditor]:
    """The known creditors, each with the date of its first declaration in the case."""
    first = (
        Claim.objects.filter(case_id=OuterRef("case_id"), creditor_id=OuterRef("creditor_id"))
        .order_by()
        .values("creditor_id")
        .annotate(first=Min("declared_on"))
        .values("first")
    )
    return _known_creditors_query(case_ids).annotate(first_declared=Subquery(first))


def first_declarations_by_case(case_ids: list[int]) -> dict[int, dict[int, date]]:
    """``first_declarations`` for many cases in one query: case id -> creditor id -> date."""
    found: dict[int, dict[int, date]] = {}
    rows = (
        Claim.objects.filter(case_id__in=case_ids)
        .values("case_id", "creditor_id")
        .annotate(first=Min("declared_on"))
        .order_by()
        .values_list("case_id", "creditor_id", "first")
    )
    for case_id, creditor_id, first in rows:
        found.setdefault(case_id, {})[creditor_id] = first
    return found


def first_declaration_of(case: Case, creditor_id: int) -> date | None:
    return (
        Claim.objects.filter(case=case, creditor_id=creditor_id)
        .order_by("declared_on")
        .values_list("declared_on", flat=True)
        .first()
    )


@dataclass
class DeclarationRow:
    """One known creditor of a case and where its declaration stands."""

    known: KnownCreditor
    zone: str
    declaration_last_day: date | None
    first_declared_on: date | None
    reminder_last_day: date | None

    @property
    def creditor(self) -> Creditor:
        return self.known.creditor

    @property
    def declared_in_time(self) -> bool:
        return self.first_declared_on is not None and (
            self.declaration_last_day is None or self.first_declared_on <= self.declaration_last_day
        )

    @property
    def time_barred(self) -> bool:
        return self.known.time_barred_on is not None

    @property
    def awaiting_reminder(self) -> bool:
        """The declaration period is over, nothing declared, no reminder sent yet."""
        return (
            self.first_declared_on is None
            and not self.time_barred
            and self.known.reminder_sent_on is None
            and self.declaration_last_day is not None
        )


def declaration_rows(case: Case) -> list[DeclarationRow]:
    first = first_declarations(case)
    rows = []
    for known in known_creditors_of(case):
        country = known.creditor.country
        rows.append(
            DeclarationRow(
                known=known,
                zone=deadlines.zone_of(country),
                declaration_last_day=(
                    deadlines.declaration_last_day(case.creditors_notified_on, country)
                    if case.creditors_notified_on
                    else None
                ),
                first_declared_on=first.get(known.creditor_id),
                reminder_last_day=(
                    deadlines.reminder_last_day(known.reminder_received_on, country)
                    if known.reminder_received_on
                    else None
                ),
            )
        )
    return rows


def time_barred_creditor_ids(case: Case) -> set[int]:
    return set(
        KnownCreditor.objects.filter(case=case, time_barred_on__isnull=False).values_list(
            "creditor_id", flat=True
        )
    )


def declaration_spec(case: Case, known: KnownCreditor, declared_on: date | None) -> DutySpec | None:
    """The duty "declaration awaited" of a known creditor: due on the last day of its period
    (the key), for a creditor that had not declared by then. None without a notification date,
    or when it declared in time."""
    if case.creditors_notified_on is None:
        return None
    last_day = deadlines.declaration_last_day(case.creditors_notified_on, known.creditor.country)
    if declared_on is not None and declared_on <= last_day:
        return None
    return DutySpec(
        kind=deadlines.DECLARATION_DEADLINE,
        due_date=last_day,
        subject=known.subject,
        deadline=last_day,
        data={
            "creditor": known.creditor.name,
            "notified_on": case.creditors_notified_on.isoformat(),
            "zone": deadlines.zone_of(known.creditor.country),
        },
    )


def reminder_spec(known: KnownCreditor) -> DutySpec | None:
    """The registered reminder's last days: from its receipt (the key) to the last day."""
    if known.reminder_received_on is None:
        return None
    last_day = deadlines.reminder_last_day(known.reminder_received_on, known.creditor.country)
    return DutySpec(
        kind=deadlines.REMINDER_DEADLINE,
        due_date=known.reminder_received_on,
        subject=known.subject,
        deadline=last_day,
        data={
            "creditor": known.creditor.name,
            "received_on": known.reminder_received_on.isoformat(),
            "last_day": last_day.isoformat(),
        },
    )


def time_bar_spec(known: KnownCreditor, declared_on: date | None) -> DutySpec | None:
    """The forclusion of a creditor the reminder did not move to declare: due the day after the
    last day (the creditor had the whole last day). None when it declared in time or is
    already time-barred."""
    if known.reminder_received_on is None or known.time_barred_on is not None:
        return None
    last_day = deadlines.reminder_last_day(known.reminder_received_on, known.creditor.country)
    if declared_on is not None and declared_on <= last_day:
        return None
    return DutySpec(
        kind=deadlines.TIME_BAR,
        due_date=last_day + timedelta(days=1),
        subject=known.subject,
        data={
            "creditor": known.creditor.name,
            "received_on": known.reminder_received_on.isoformat(),
            "last_day": last_day.isoformat(),
        },
    )
