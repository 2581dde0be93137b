"""Read selectors of the plans app, and the adapter from the database to the pure engine.

Scoping: a case comes from ``cases.selectors.case_get_for_user`` (another organisation's case is
a 404); versions and mailings are only ever looked up inside that case.

What the plan is computed on (:class:`Basis`):

- the **accepted** claims that are neither time-barred nor paid off (art. 1675/10, §3 C.J.: only
  claims that are not contested, or are established by a title, go into the plan), grouped per
  creditor into *lines* by rank (privileged or not, remissible or not);
- the dividends the ledger already paid to each creditor before the plan's start (entries of
  category ``dividend``, neither reversed nor reversals), imputed to the creditor's lines in the
  plan's order of payment (privileged, then non-remissible, then the others);
- every other claim is listed as *out of the plan* with its reason (time-barred, rejected,
  pending, contested, paid off).

A draft is computed live on the current claims; a version sent or approved is computed on the
basis frozen in its ``snapshot``.
"""

import calendar
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db.models import Case as DbCase
from django.db.models import (
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Trim
from django.http import Http404
from django.utils.translation import gettext as _

from assets.selectors import OneOffSum, sale_proceeds
from budget.selectors import (
    AvailableForCreditors,
    BudgetNotReady,
    available_for_creditors_detail,
)
from cases.models import Case
from cases.selectors import MAX_PLAN_YEARS
from cases.status import ACTIVE_STATUSES, CaseStatus
from claims.amounts import claim_admitted_total, claim_total
from claims.models import NON_REMISSIBLE_NATURES, Claim, ClaimStatus, Creditor, PlanRank
from core.compiled import rows_for_ids
from core.dates import add_years, format_date
from core.money import CENT, round_cents
from ledger.selectors import dividends_paid_by_creditor, live_dividends

from . import engine
from .models import PlanKind, PlanMailing, PlanOneOff, PlanShare, PlanState, PlanVersion

ZERO = Decimal("0.00")
# The instalment schedules kept by this process (``instalment_schedules``): about 70 KB for 7
# years of 20 creditors, 9 MB at most (a whole result would take 280 KB).
SCHEDULES_KEPT = 128
# The plans shown kept by this process (``_plan_of_terms``): 4.5 MB at most.
PLANS_KEPT = 16


# Versions --------------------------------------------------------------------------------


def plan_versions(case: Case) -> QuerySet[PlanVersion]:
    return (
        PlanVersion.objects.filter(case=case)
        .select_related("created_by", "decided_by", "updated_by", "filed_document")
        .order_by("-number")
    )


# What the plan's pages show of a version's author and decider (``get_full_name``, ``__str__``)
# and of its filed document: a version page reads no more of them (issue 15: the users' other
# columns took a third of the versions' query).
_USER_SHOWN = ("first_name", "last_name", "username")
_VERSION_SHOWN = (
    *(f.name for f in PlanVersion._meta.concrete_fields if f.name != "updated_by"),
    *(f"created_by__{name}" for name in _USER_SHOWN),
    *(f"decided_by__{name}" for name in _USER_SHOWN),
    "filed_document__filed_at",
)


def plan_versions_shown(case: Case) -> QuerySet[PlanVersion]:
    """``plan_versions`` as the plan tab shows them: with their author's and decider's names
    and their filed document's date, without who last changed them."""
    return (
        PlanVersion.objects.filter(case=case)
        .select_related("created_by", "decided_by", "filed_document")
        .only(*_VERSION_SHOWN)
        .order_by("-number")
    )


def latest_version(case: Case) -> PlanVersion | None:
    return plan_versions(case).first()


def version_in_force(case: Case, *, with_people: bool = True) -> PlanVersion | None:
    """The latest version approved by the court: the plan being executed (``with_people``: with
    who made and decided it and its filed document, as the plan's pages show them; without,
    for a computation: one join-free query)."""
    versions = plan_versions(case) if with_people else PlanVersion.objects.filter(case=case)
    version = versions.filter(state=PlanState.APPROVED).order_by("-number").first()
    if version is not None:
        version.case = case  # the caller's case: its plan is computed on it
    return version


def version_in_force_of(versions: list[PlanVersion]) -> PlanVersion | None:
    """``version_in_force`` among the case's ``plan_versions`` already read."""
    return next((v for v in versions if v.state == PlanState.APPROVED), None)


def approved_as_of(case: Case, as_of: date) -> PlanVersion | None:
    """The plan in force on ``as_of``: the court's latest approved version decided by then.
    Within ``computed_once()``, from the versions the page read (``versions_read``), without a
    query (issue 15)."""
    memo = _ONCE.get()
    versions = memo.get(("versions", case.pk)) if memo is not None else None
    if versions is None:
        return (
            PlanVersion.objects.filter(
                case=case, state=PlanState.APPROVED, decision_date__lte=as_of
            )
            .order_by("-decision_date", "-number")
            .first()
        )
    decided = [
        v
        for v in versions
        if v.state == PlanState.APPROVED and v.decision_date and v.decision_date <= as_of
    ]
    return max(decided, key=lambda v: (v.decision_date, v.number), default=None)


def version_get(case: Case, number: int) -> PlanVersion:
    version = plan_versions(case).filter(number=number).first()
    if version is None:
        raise Http404
    return version


def mailing_get(case: Case, pk: int) -> PlanMailing:
    mailing = (
        PlanMailing.objects.filter(pk=pk, version__case=case).select_related("version").first()
    )
    if mailing is None:
        raise Http404
    return mailing


def mailings_of(version: PlanVersion) -> QuerySet[PlanMailing]:
    """The version's mailings with their billable service (the plan tab: not who sent them)."""
    return (
        PlanMailing.objects.filter(version_id=version.pk)
        .select_related("service")
        .order_by("-sent_on", "-id")
    )


# The court's decision and the case's status -----------------------------------------------

# Where the court's decision on a plan takes a case (cases.status; ../shared/domain/README.md,
# "The life of a case", 5): homologation of the amicable plan, or a judicial plan imposed.
STATUS_AFTER_APPROVAL = {
    PlanKind.AMICABLE: CaseStatus.AMICABLE_PLAN,
    PlanKind.JUDICIAL: CaseStatus.JUDICIAL_PLAN,
}
# A case already under a plan: a new decision revises it (art. 1675/14 C.J.), the status stays.
PLAN_STATUSES = frozenset({CaseStatus.AMICABLE_PLAN, CaseStatus.JUDICIAL_PLAN})
# The statuses in which a plan can still be decided or filed: total remission, closure and
# revocation leave no plan to decide.
PLAN_OPEN_STATUSES = frozenset({CaseStatus.AMICABLE_PHASE, *PLAN_STATUSES})


@dataclass(frozen=True)
class ApprovalEffect:
    """What recording the court's decision on ``version`` does to its case."""

    from_status: str
    to_status: str | None  # the status the case moves to; None: it keeps its status
    revision: bool = False  # an earlier version is approved: the decision revises the plan
    earliest: date | None = None  # the last status change: a new one cannot precede it
    refusal: str = ""  # why no decision on a plan can be recorded on this case any more
    message: str = ""  # what will happen, for the approve form and the plan page


def approval_effect(version: PlanVersion) -> ApprovalEffect:
    case = version.case
    current = CaseStatus(case.status)
    if case.status not in PLAN_OPEN_STATUSES:
        refusal = _(
            "Le dossier est au statut « %(status)s » : aucune décision sur un plan ne peut plus "
            "y être enregistrée."
        ) % {"status": current.label}
        return ApprovalEffect(from_status=case.status, to_status=None, refusal=refusal)
    if case.status == CaseStatus.AMICABLE_PHASE:
        to_status = STATUS_AFTER_APPROVAL[PlanKind(version.kind)]
        last = case.status_changes.order_by("-decision_date").first()
        earliest = last.decision_date if last else None
        values = {"from": current.label, "to": CaseStatus(to_status).label}
        if version.kind == PlanKind.AMICABLE:
            template = _(
                "Le dossier passera du statut « %(from)s » au statut « %(to)s » à la date "
                "de la décision, qui devient sa date d'homologation."
            )
        else:
            template = _(
                "Le dossier passera du statut « %(from)s » au statut « %(to)s » à la date "
                "de la décision, qui devient la date de son plan judiciaire."
            )
        message = template % values
        if earliest is not None and earliest > case.admissibility_date:
            message += " " + _(
                "La décision ne peut précéder le dernier changement de statut (%(date)s)."
            ) % {"date": format_date(earliest)}
        return ApprovalEffect(
            from_status=case.status, to_status=to_status, earliest=earliest, message=message
        )
    revision = (
        PlanVersion.objects.filter(case=case, state=PlanState.APPROVED)
        .exclude(pk=version.pk)
        .exists()
    )
    if revision:
        message = _(
            "Le dossier reste au statut « %(status)s » : la décision révise le plan "
            "(art. 1675/14 C.J.) ; les versions antérieures restent dans l'historique."
        ) % {"status": current.label}
    else:
        message = _(
            "Le dossier est déjà au statut « %(status)s » : son statut ne change pas ; la "
            "décision est enregistrée sur cette version du plan."
        ) % {"status": current.label}
    if STATUS_AFTER_APPROVAL[PlanKind(version.kind)] != case.status:
        message += " " + _(
            "Attention : cette version est un %(kind)s, le statut du dossier reste « %(status)s »."
        ) % {"kind": version.get_kind_display().lower(), "status": current.label}
    return ApprovalEffect(
        from_status=case.status, to_status=None, revision=revision, message=message
    )


# The law's limits --------------------------------------------------------------------------


def designation_of(case: Case) -> date:
    return case.mediator_designation_date or case.admissibility_date


def seven_years_from(
    case: Case,
    kind: str,
    decision_date: date | None = None,
    start: date | None = None,
    *,
    court_day: date | None = None,
    court_reason: str = "",
    court_reference: str = "",
) -> engine.SevenYearStart:
    """The date the law runs the seven years from, with its source (``engine.seven_year_start``;
    docs/plan-rules.md, 6), never an editable designation date."""
    return engine.seven_year_start(
        judicial=kind == PlanKind.JUDICIAL,
        admissibility=case.admissibility_date,
        decision_date=decision_date,
        proposed_start=start,
        court_day=court_day,
        court_reason=court_reason,
        court_reference=court_reference,
    )


def duration_limit(
    case: Case,
    kind: str = PlanKind.AMICABLE,
    decision_date: date | None = None,
    start: date | None = None,
    *,
    court_day: date | None = None,
    court_reason: str = "",
    court_reference: str = "",
) -> engine.DurationLimit:
    begin = seven_years_from(
        case,
        kind,
        decision_date,
        start,
        court_day=court_day,
        court_reason=court_reason,
        court_reference=court_reference,
    )
    return engine.DurationLimit(designation=begin.day, max_years=MAX_PLAN_YEARS, start=begin)


def version_limit(version: PlanVersion, decision_date: date | None = None) -> engine.DurationLimit:
    """The version's seven years: its kind, its decision, and the start the court set."""
    return duration_limit(
        version.case,
        version.kind,
        decision_date or version.decision_date,
        version.start_date,
        court_day=version.court_count_from,
        court_reason=version.court_count_reason,
        court_reference=version.court_count_reference,
    )


def plan_in_force(case: Case) -> PlanVersion | None:
    """The approved version decided last (the plan the case executes), or None."""
    return (
        PlanVersion.objects.filter(case=case, state=PlanState.APPROVED)
        .select_related("case")
        .order_by("-decision_date", "-number")
        .first()
    )


_LOAD = object()


def case_seven_year_start(case: Case, version=_LOAD) -> engine.SevenYearStart | None:
    """Where the case's seven years start now (the ``seven_year_limit`` duty, the status
    screen): the plan in force's rule (with the start its court set); before any approved
    plan, the admissibility decision (an amicable plan would run from it, art. 1675/10 §5
    al. 3 C.J.); a judicial status recorded without its plan: the decision of that status.
    None in total remission (no plan to limit). ``version``: the plan in force when the
    caller has read it already (None: no plan in force)."""
    if case.status == CaseStatus.TOTAL_REMISSION:
        return None
    if version is _LOAD:
        version = plan_in_force(case)
    else:
        if version is not None:
            version.case = case
    if version is not None:
        return version_limit(version).start
    if case.status == CaseStatus.JUDICIAL_PLAN and case.homologation_date:
        return seven_years_from(case, PlanKind.JUDICIAL, case.homologation_date)
    return seven_years_from(case, PlanKind.AMICABLE)


# The supervisor's "over 7 years" count (cases.registry.register_supervisor_count) ------------


def seven_years_over(case: Case, today: date) -> bool:
    """A running case whose seven years (``case_seven_year_start``: the plan in force's rule,
    the court's start when recorded; docs/plan-rules.md, 6) are over on ``today``."""
    if case.status not in ACTIVE_STATUSES:
        return False
    begin = case_seven_year_start(case)
    return begin is not None and add_years(begin.day, MAX_PLAN_YEARS) <= today


def seven_years_horizon(today: date) -> date:
    """The latest start whose seven years are over on ``today``: ``add_years(start, 7) <=
    today`` exactly when ``start <= seven_years_horizon(today)``. Seven years after a 29/02
    fall on 28/02 (``core.dates.add_years``), so on the 28/02 seven years after a leap year the
    horizon is that 29/02, not the 28/02 before it."""
    horizon = add_years(today, -MAX_PLAN_YEARS)
    if (today.month, today.day) == (2, 28) and calendar.isleap(horizon.year):
        return horizon.replace(day=29)
    return horizon


def over_seven_years(cases: QuerySet[Case], today: date) -> QuerySet[Case]:
    """``seven_years_over`` in the database, for a queryset of cases: the supervisor's count per
    mediator (one aggregate query) and the list behind it (``?flag=over_seven_years``).

    The start is ``case_seven_year_start``'s, written as SQL: the plan in force (the approved
    version decided last, one correlated subquery) gives its rule (``engine.seven_year_start``):
    the start its court set with a reason (art. 1675/10 §5 al. 3 C.J.), else the admissibility
    decision for an amicable plan (art. 1675/10 §5 al. 3, §6), the judgment for a judicial one
    (art. 1675/12 §2, 1675/13 §2); without a plan in force, the decision of a judicial status
    recorded without its plan, else the admissibility decision. Total remission has no plan to
    limit: not counted.

    No start precedes the admissibility decision (the court's start and the decision date are
    refused before it: ``services._court_count_errors``, ``_decision_errors``; the status
    decision by a constraint of ``cases.Case``): a case admitted after the horizon is left out
    before the subquery runs, which then reads the plans of the few old cases only (5,000
    cases: 171 ms without this bound, as fast as the old count with it)."""
    admissibility = OuterRef("admissibility_date")
    in_force = (
        PlanVersion.objects.filter(case=OuterRef("pk"), state=PlanState.APPROVED)
        .order_by("-decision_date", "-number")
        .alias(court_count_reason_trimmed=Trim("court_count_reason"))
        .annotate(
            seven_start=DbCase(
                When(
                    Q(court_count_from__isnull=False) & ~Q(court_count_reason_trimmed=""),
                    then=F("court_count_from"),
                ),
                When(kind=PlanKind.AMICABLE, then=admissibility),
                When(decision_date__isnull=False, then=F("decision_date")),
                default=Greatest(F("start_date"), admissibility),
                output_field=DateField(),
            )
        )
        .values("seven_start")[:1]
    )
    horizon = seven_years_horizon(today)
    return (
        cases.filter(
            status__in=ACTIVE_STATUSES - {CaseStatus.TOTAL_REMISSION},
            admissibility_date__lte=horizon,
        )
        .alias(
            seven_start=Coalesce(
                Subquery(in_force, output_field=DateField()),  # None: no plan in force
                DbCase(
                    When(
                        status=CaseStatus.JUDICIAL_PLAN,
                        homologation_date__isnull=False,
                        then=F("homologation_date"),
                    ),
                    default=F("admissibility_date"),
                    output_field=DateField(),
                ),
            )
        )
        .filter(seven_start__lte=horizon)
    )


# Asset sales: one-off sums of the plan -------------------------------------------------------


def sale_one_offs(case: Case, start: date, end: date | None = None) -> list[OneOffSum]:
    """The net proceeds of the case's asset sales the plan distributes as one-off sums
    (docs/plan-rules.md, 3; ``assets.selectors.sale_proceeds``): those dated on or after the
    plan's first day (and before its end, ``end`` exclusive, when given). A sale posted before
    the start is already in the balance of the mediation account when the plan starts (the
    opening balance): it is not counted twice."""
    return [
        item
        for item in sale_proceeds(case)
        if item.date >= start and (end is None or item.date < end)
    ]


def sales_in_opening_balance(case: Case, start: date) -> list[OneOffSum]:
    """The sales posted before the plan's start: part of the opening balance, not one-offs."""
    return [item for item in sale_proceeds(case) if item.date < start]


# Budget -----------------------------------------------------------


@dataclass(frozen=True)
class BudgetFigure:
    """The budget's monthly amount for the plan (fees first, then creditors), or why there is
    none yet (``message``, French, from the budget module)."""

    amount: Decimal | None
    on: date
    message: str = ""
    explanation: str = ""  # what the amount is made of (budget n°, resources − allowance)


def budget_available(case: Case, on: date) -> BudgetFigure:
    """The budget's monthly amount available for the plan on ``on``
    (``budget.selectors.available_for_creditors_detail``). Its ``BudgetNotReady`` (no budget in
    force, allowance not fixed) becomes a figure without an amount carrying the budget's
    message, and the mediator enters the amount by hand."""
    try:
        detail: AvailableForCreditors = available_for_creditors_detail(case, on)
    except BudgetNotReady as exc:
        return BudgetFigure(amount=None, on=on, message=str(exc))
    return BudgetFigure(amount=round_cents(detail.amount), on=on, explanation=detail.explanation)


# Basis: the claims the plan is computed on ---------------------------------------------------


def _reasons() -> dict[str, str]:
    return {
        "time_barred": _("Créancier forclos (déclaration tardive) : hors plan"),
        "rejected": _("Créance rejetée"),
        "pending": _("En attente de vérification : pas encore admise"),
        "contested": _("Contestée : non reprise dans le plan tant qu'elle n'est pas admise"),
        "paid_off": _("Soldée"),
    }


@dataclass(frozen=True)
class OutOfPlan:
    creditor_id: int
    creditor_name: str
    reference: str
    total: Decimal
    code: str  # time_barred, rejected, pending, contested, paid_off
    paid_off_on: date | None = None

    @property
    def reason(self) -> str:
        label = _reasons()[self.code]
        if self.paid_off_on:
            return f"{label} ({format_date(self.paid_off_on)})"
        return label

    @property
    def time_barred(self) -> bool:
        return self.code == "time_barred"


@dataclass
class Basis:
    lines: tuple[engine.Line, ...] = ()
    out_of_plan: list[OutOfPlan] = field(default_factory=list)
    creditor_ids: dict[str, int] = field(default_factory=dict)  # creditor key -> Creditor pk
    rank_reasons: dict[str, str] = field(default_factory=dict)  # line key -> the rank's reason

    @property
    def not_admitted(self) -> list[OutOfPlan]:
        """Claims still pending or contested: the plan may be incomplete."""
        return [o for o in self.out_of_plan if o.code in ("pending", "contested")]

    @property
    def time_barred_creditors(self) -> list[str]:
        names = []
        for item in self.out_of_plan:
            if item.time_barred and item.creditor_name not in names:
                names.append(item.creditor_name)
        return names


def line_key(
    creditor_id: int, privileged: bool, non_remissible: bool, rank: str = engine.Rank.ORDINARY
) -> str:
    key = f"{creditor_id}-{'p' if privileged else 'c'}{'n' if non_remissible else 'r'}"
    return key if rank == engine.Rank.ORDINARY else f"{key}-{rank}"


def engine_rank(plan_rank: str) -> engine.Rank:
    """claims.models.PlanRank -> engine.Rank (``common`` is the engine's ORDINARY rank)."""
    return engine.Rank(plan_rank) if plan_rank in engine.REASONED_RANKS else engine.Rank.ORDINARY


def rank_code(rank: engine.Rank) -> str:
    """The public code of a rank (``plan_preview``): ``common`` for the common rank."""
    return "common" if rank is engine.Rank.ORDINARY else str(rank)


_RANK_ORDER = {rank: n for n, rank in enumerate(engine.Rank)}


def _line_order(line: engine.Line) -> tuple:
    return (
        line.name.lower(),
        line.creditor_key,
        _RANK_ORDER[line.rank],
        not line.privileged,
        not line.non_remissible,
    )


def dividends_paid(
    case: Case, *, before: date | None = None, start: date | None = None, end: date | None = None
) -> list[engine.Payment]:
    """Dividends paid from the case's account (not reversed, not reversals), value-dated in
    ``[start, end]`` and before ``before`` when given."""
    qs = live_dividends(account__case=case)
    if before:
        qs = qs.filter(value_date__lt=before)
    if start:
        qs = qs.filter(value_date__gte=start)
    if end:
        qs = qs.filter(value_date__lte=end)
    return [
        engine.Payment(creditor_key=str(creditor_id), day=day, amount=amount)
        for creditor_id, day, amount in qs.order_by("value_date", "sequence").values_list(
            "creditor_id", "value_date", "amount"
        )
    ]


def dividends_paid_totals(case: Case, *, start: date, end: date) -> list[engine.PaidTotal]:
    """The dividends of ``dividends_paid(case, start=start, end=end)`` summed per creditor in
    the database (``GROUP BY creditor``): one query, and a few rows whatever the number of
    payments (the plan tab and its monitoring, issue 15)."""
    around = _around(case)
    if around is not None and (around.start, around.end) == (start, end):
        return list(around.during)
    rows = (
        live_dividends(account__case=case, value_date__gte=start, value_date__lte=end)
        .values("creditor_id")
        .annotate(
            count=Count("id"), total=Sum("amount"), first=Min("value_date"), last=Max("value_date")
        )
        .order_by("creditor_id")
        .values_list("creditor_id", "count", "total", "first", "last")
    )
    return [
        engine.PaidTotal(
            creditor_key=str(creditor_id),
            count=count,
            amount=round_cents(total),
            first_day=first,
            last_day=last,
        )
        for creditor_id, count, total, first, last in rows
    ]


def dividends_paid_per_creditor(case: Case, *, before: date | None = None) -> dict[int, Decimal]:
    """The dividends of ``dividends_paid(case, before=before)`` summed per creditor in the
    database (creditor pk -> total, by pk): one query and a row a creditor, whatever the number
    of payments (issue 15)."""
    around = _around(case)
    if around is not None and not before:
        return dict(around.total)
    if around is not None and before == around.start:
        return dict(around.before)
    return dividends_paid_by_creditor(case, before=before)


def paid_before(case: Case, start: date) -> dict[str, Decimal]:
    return {str(pk): total for pk, total in dividends_paid_per_creditor(case, before=start).items()}


@dataclass(frozen=True)
class DividendsAround:
    """The dividends paid to a case's creditors around a plan, per creditor (by pk): before its
    start (``paid_before``), from its start to ``end`` included (``dividends_paid_totals``), and
    all of them (``dividends_paid_per_creditor``)."""

    start: date
    end: date
    before: dict[int, Decimal]
    during: tuple[engine.PaidTotal, ...]
    total: dict[int, Decimal]


def dividends_paid_around(case: Case, *, start: date, end: date) -> DividendsAround:
    """``paid_before(case, start)``, ``dividends_paid_totals(case, start=start, end=end)`` and
    ``dividends_paid_per_creditor(case)`` in one query: a row a creditor (the plan tab reads the
    three, its basis, its monitoring and its filing check, issue 15)."""
    rows = _around_query(case.pk, start, end).all()  # a clone: read afresh
    before: dict[int, Decimal] = {}
    during: list[engine.PaidTotal] = []
    total: dict[int, Decimal] = {}
    for creditor_id, n_before, paid_before_, n_during, paid, first, last, paid_in_all in rows:
        if n_before:
            before[creditor_id] = round_cents(paid_before_)
        if n_during:
            during.append(
                engine.PaidTotal(
                    creditor_key=str(creditor_id),
                    count=n_during,
                    amount=round_cents(paid),
                    first_day=first,
                    last_day=last,
                )
            )
        total[creditor_id] = round_cents(paid_in_all)
    return DividendsAround(start=start, end=end, before=before, during=tuple(during), total=total)


# The ``dividends_paid_around`` queries kept by this process, unevaluated (a few KB each).
AROUNDS_KEPT = 256


@lru_cache(maxsize=AROUNDS_KEPT)
def _around_query(case_id: int, start: date, end: date) -> QuerySet:
    """The query of ``dividends_paid_around``, built once per case and dates by this process and
    never evaluated itself: each call runs a clone of it (``.all()``, as Django's generic views
    run their ``queryset``), so the dividends are read afresh every time; only building its
    seven filtered sums is saved (issue 15: 0.9 ms of the plan tab's 1.5 ms for this query)."""
    earlier = Q(value_date__lt=start)
    within = Q(value_date__gte=start, value_date__lte=end)
    return (
        live_dividends(account__case_id=case_id)
        .values("creditor_id")
        .annotate(
            n_before=Count("id", filter=earlier),
            before=Sum("amount", filter=earlier),
            n_during=Count("id", filter=within),
            during=Sum("amount", filter=within),
            first=Min("value_date", filter=within),
            last=Max("value_date", filter=within),
            total=Sum("amount"),
        )
        .order_by("creditor_id")
        .values_list(
            "creditor_id", "n_before", "before", "n_during", "during", "first", "last", "total"
        )
    )


def _around(case: Case) -> DividendsAround | None:
    """The page's ``dividends_paid_around`` (``read_once``), read when first asked."""
    memo = _ONCE.get()
    if memo is None or case.pk is None:
        return None
    wanted = memo.get(("around", case.pk))
    if wanted is None:
        return None
    if ("around read", case.pk) not in memo:
        memo[("around read", case.pk)] = dividends_paid_around(case, start=wanted[0], end=wanted[1])
    return memo[("around read", case.pk)]


# What ``live_basis`` reads of a claim (and of its creditor, the name): the claims tab's
# ``claims_of_case`` also loads each claim's debtors, representation and position, which the plan
# never shows (issue 15: three times the time on a case of a few claims).
_BASIS_FIELDS = (
    "case_id",
    "creditor_id",
    "creditor__name",
    "creditor_reference",
    "status",
    "time_barred",
    "paid_off_on",
    "principal",
    "interest",
    "costs",
    "admitted_amount",
    "interest_after_admissibility",
    "privilege",
    "plan_rank",
    "nature",
    "rank_reason",
)


def _basis_claims(case: Case) -> QuerySet[Claim]:
    """The case's claims in ``claims_of_case``'s order, with what the plan's basis reads."""
    return (
        Claim.objects.filter(case=case)
        .select_related("creditor")
        .only(*_BASIS_FIELDS)
        .order_by("creditor__name", "declared_on", "id")
    )


def paid_before_by_case(
    starts: dict[int, list[date]],
) -> dict[tuple[int, date], dict[str, Decimal]]:
    """``paid_before(case, start)`` for many cases and starts in one query (``{case id: its
    starts}``): ``{(case id, start): {creditor key: total}}``. The database sums per case,
    creditor and day before the latest start; each start keeps the days before it."""
    if not starts:
        return {}
    rows = (
        live_dividends(
            account__case_id__in=list(starts),
            value_date__lt=max(day for days in starts.values() for day in days),
        )
        .values("account__case_id", "creditor_id", "value_date")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("account__case_id", "creditor_id", "value_date", "total")
    )
    found: dict[tuple[int, date], dict[str, Decimal]] = {
        (case_id, day): {} for case_id, days in starts.items() for day in days
    }
    for case_id, creditor_id, value_date, total in rows:
        for day in starts[case_id]:
            if value_date < day:
                paid = found[(case_id, day)]
                paid[str(creditor_id)] = paid.get(str(creditor_id), ZERO) + total
    return found


def basis_claims(case: Case) -> list[Claim]:
    """The case's claims as the plan's basis reads them (their creditor's name, their ceiling
    too: ``claims.selectors.CEILING_FIELDS``); within ``computed_once()``, read once a page
    (the basis and the filing check's ceilings, issue 15)."""
    memo = _ONCE.get()
    if memo is None or case.pk is None:
        return list(_basis_claims(case))
    if ("claims", case.pk) not in memo:
        memo[("claims", case.pk)] = list(_basis_claims(case))
    return memo[("claims", case.pk)]


def live_basis(case: Case, start: date) -> Basis:
    return _basis_of_claims(
        [BasisClaim.of_claim(claim) for claim in basis_claims(case)], paid_before(case, start)
    )


def live_bases(wanted: Iterable[tuple[int, date]]) -> dict[tuple[int, date], Basis]:
    """``live_basis`` of many (case id, start) in two queries whatever their number (the plan's
    clocks over a batch of cases, issue 15): the claims of every case, the dividends paid before
    each start. The same basis as ``live_basis``, claim for claim in the same order."""
    starts = _starts_by_case(wanted)
    if not starts:
        return {}
    return _live_bases(starts, _basis_claims_by_case(list(starts)), paid_before_by_case(starts))


def _starts_by_case(wanted: Iterable[tuple[int, date]]) -> dict[int, list[date]]:
    starts: dict[int, list[date]] = {}
    for case_id, start in wanted:
        if start not in starts.setdefault(case_id, []):
            starts[case_id].append(start)
    return starts


@dataclass(frozen=True, slots=True)
class BasisClaim:
    """What the plan's basis reads of a claim, as plain data: built from a ``Claim``
    (``of_claim``: the plan page, which holds the case's claims) or from a row of
    ``_BASIS_FIELDS`` (``of_row``: the agenda's forecast and the daily run read the claims of
    every plan in force, issue 15: no model instance a claim). Both compute the amounts with
    ``claims.amounts``, the rules ``Claim.total`` and ``Claim.admitted_total`` apply."""

    creditor_id: int
    creditor_name: str
    reference: str
    status: str
    time_barred: bool
    paid_off_on: date | None
    principal: Decimal
    total: Decimal
    admitted_total: Decimal
    privilege: str
    plan_rank: str
    non_remissible: bool
    rank_reason: str

    @classmethod
    def of_claim(cls, claim: Claim) -> "BasisClaim":
        return cls(
            creditor_id=claim.creditor_id,
            creditor_name=claim.creditor.name,
            reference=claim.creditor_reference,
            status=claim.status,
            time_barred=claim.time_barred,
            paid_off_on=claim.paid_off_on,
            principal=claim.principal,
            total=claim.total,
            admitted_total=claim.admitted_total,
            privilege=claim.privilege,
            plan_rank=claim.plan_rank,
            non_remissible=claim.non_remissible,
            rank_reason=claim.rank_reason,
        )

    @classmethod
    def of_row(cls, row: tuple) -> "BasisClaim":
        """A row of ``values_list(*_BASIS_FIELDS)``."""
        (
            _case_id,
            creditor_id,
            creditor_name,
            reference,
            status,
            time_barred,
            paid_off_on,
            principal,
            interest,
            costs,
            admitted_amount,
            interest_after_admissibility,
            privilege,
            plan_rank,
            nature,
            rank_reason,
        ) = row
        return cls(
            creditor_id=creditor_id,
            creditor_name=creditor_name,
            reference=reference,
            status=status,
            time_barred=time_barred,
            paid_off_on=paid_off_on,
            principal=principal,
            total=claim_total(principal, interest, costs),
            admitted_total=claim_admitted_total(
                principal=principal,
                interest=interest,
                costs=costs,
                admitted_amount=admitted_amount,
                interest_after_admissibility=interest_after_admissibility,
            ),
            privilege=privilege,
            plan_rank=plan_rank,
            non_remissible=nature in NON_REMISSIBLE_NATURES,
            rank_reason=rank_reason,
        )


def _basis_claims_by_case(case_ids: list[int]) -> dict[int, list[BasisClaim]]:
    """The claims of ``_basis_claims`` of many cases in one query, as plain rows (run even
    without a case: ``[0]`` matches none, and the count stays the same whatever the data)."""
    claims: dict[int, list[BasisClaim]] = {case_id: [] for case_id in case_ids}
    # its SQL compiled once per number of cases (issue 15: the agenda's forecast)
    for row in rows_for_ids("plans.basis_claims", _basis_claims_query, case_ids or [0], Claim):
        claims[row[0]].append(BasisClaim.of_row(row))
    return claims


def _basis_claims_query(case_ids: list[int]) -> QuerySet:
    return (
        Claim.objects.filter(case_id__in=case_ids)
        .order_by("creditor__name", "declared_on", "id")  # as ``claims_of_case``
        .values_list(*_BASIS_FIELDS)
    )


def _live_bases(
    starts: dict[int, list[date]],
    claims: dict[int, list[BasisClaim]],
    paid: dict[tuple[int, date], dict[str, Decimal]],
) -> dict[tuple[int, date], Basis]:
    return {
        (case_id, start): _basis_of_claims(claims[case_id], paid[(case_id, start)])
        for case_id, days in starts.items()
        for start in days
    }


def _basis_of_claims(claims: Iterable[BasisClaim], paid: dict[str, Decimal]) -> Basis:
    """The basis of one case's claims (in ``claims_of_case``'s order) and the dividends paid to
    each creditor before the plan (``paid_before``)."""
    groups: dict[str, dict] = {}
    reasons: dict[str, list[str]] = {}
    out: list[OutOfPlan] = []
    creditor_ids: dict[str, int] = {}
    for claim in claims:
        code = None
        if claim.time_barred:
            code = "time_barred"
        elif claim.status == ClaimStatus.REJECTED:
            code = "rejected"
        elif claim.status == ClaimStatus.PENDING:
            code = "pending"
        elif claim.status == ClaimStatus.CONTESTED:
            code = "contested"
        elif claim.paid_off_on:
            code = "paid_off"
        if code:
            out.append(
                OutOfPlan(
                    creditor_id=claim.creditor_id,
                    creditor_name=claim.creditor_name,
                    reference=claim.reference,
                    total=claim.total,
                    code=code,
                    paid_off_on=claim.paid_off_on if code == "paid_off" else None,
                )
            )
            continue
        privileged = claim.privilege != "none"
        rank = engine_rank(claim.plan_rank)
        key = line_key(claim.creditor_id, privileged, claim.non_remissible, rank)
        creditor_ids[str(claim.creditor_id)] = claim.creditor_id
        group = groups.setdefault(
            key,
            {
                "key": key,
                "creditor_key": str(claim.creditor_id),
                "name": claim.creditor_name,
                "admitted": ZERO,
                "privileged": privileged,
                "non_remissible": claim.non_remissible,
                "rank": rank,
                "capital": ZERO,
            },
        )
        if claim.rank_reason and claim.rank_reason not in reasons.setdefault(key, []):
            reasons[key].append(claim.rank_reason)
        admitted = claim.admitted_total
        group["admitted"] += admitted
        group["capital"] += min(claim.principal, admitted)
    lines = sorted((engine.Line(**g) for g in groups.values()), key=_line_order)
    lines = _impute_prior_dividends(lines, paid)
    return Basis(
        lines=tuple(lines),
        out_of_plan=out,
        creditor_ids=creditor_ids,
        rank_reasons={k: " ; ".join(v) for k, v in reasons.items() if v},
    )


def _impute_prior_dividends(
    lines: list[engine.Line], paid: dict[str, Decimal]
) -> list[engine.Line]:
    """Dividends paid before the plan, imputed to each creditor's lines in payment order; an
    excess stays on its last line (the engine then refuses a creditor paid beyond its claim)."""
    result = []
    left = dict(paid)
    by_creditor: dict[str, list[engine.Line]] = {}
    for line in lines:
        by_creditor.setdefault(line.creditor_key, []).append(line)
    for line in lines:
        amount = left.get(line.creditor_key, ZERO)
        if not amount:
            result.append(line)
            continue
        last = by_creditor[line.creditor_key][-1] is line
        taken = amount if last else min(amount, line.admitted)
        left[line.creditor_key] = amount - taken
        result.append(replace(line, already_paid=taken))
    return result


def basis_to_snapshot(basis: Basis) -> dict:
    return {
        "lines": [
            {
                "key": line.key,
                "creditor_key": line.creditor_key,
                "name": line.name,
                "admitted": str(line.admitted),
                "already_paid": str(line.already_paid),
                "privileged": line.privileged,
                "non_remissible": line.non_remissible,
                # optional keys (absent from the snapshots frozen before them)
                "rank": str(line.rank),
                "capital": None if line.capital is None else str(line.capital),
            }
            for line in basis.lines
        ],
        "out_of_plan": [
            {
                "creditor_id": o.creditor_id,
                "creditor_name": o.creditor_name,
                "reference": o.reference,
                "total": str(o.total),
                "code": o.code,
                "paid_off_on": o.paid_off_on.isoformat() if o.paid_off_on else None,
            }
            for o in basis.out_of_plan
        ],
        "creditor_ids": basis.creditor_ids,
        "rank_reasons": basis.rank_reasons,
    }


def basis_from_snapshot(snapshot: dict) -> Basis:
    return Basis(
        lines=tuple(
            engine.Line(
                key=row["key"],
                creditor_key=row["creditor_key"],
                name=row["name"],
                admitted=Decimal(row["admitted"]),
                already_paid=Decimal(row["already_paid"]),
                privileged=row["privileged"],
                non_remissible=row["non_remissible"],
                rank=engine.Rank(row.get("rank", engine.Rank.ORDINARY)),
                capital=Decimal(row["capital"]) if row.get("capital") is not None else None,
            )
            for row in snapshot.get("lines", [])
        ),
        out_of_plan=[
            OutOfPlan(
                creditor_id=row["creditor_id"],
                creditor_name=row["creditor_name"],
                reference=row["reference"],
                total=Decimal(row["total"]),
                code=row["code"],
                paid_off_on=date.fromisoformat(row["paid_off_on"]) if row["paid_off_on"] else None,
            )
            for row in snapshot.get("out_of_plan", [])
        ],
        creditor_ids={k: int(v) for k, v in snapshot.get("creditor_ids", {}).items()},
        rank_reasons=dict(snapshot.get("rank_reasons", {})),
    )


def basis_of(version: PlanVersion) -> Basis:
    if version.is_frozen and version.snapshot:
        return basis_from_snapshot(version.snapshot)
    return live_basis(version.case, version.start_date)


def with_shares(lines: tuple[engine.Line, ...], shares: dict[str, Decimal]) -> tuple:
    """Hand-entered monthly shares per creditor key, spread over the creditor's lines in
    proportion to what each line is owed (largest remainder); a creditor without a share gets 0."""
    by_creditor: dict[str, list[engine.Line]] = {}
    for line in lines:
        by_creditor.setdefault(line.creditor_key, []).append(line)
    parts: dict[str, Decimal] = {}
    for key, group in by_creditor.items():
        share = shares.get(key, ZERO)
        weights = [max(line.outstanding, ZERO) for line in group]
        if len(group) == 1 or share < 0 or share != share.quantize(CENT):
            split = [share] + [ZERO] * (len(group) - 1)
        elif sum(weights, ZERO) > 0:
            split = engine.split_largest_remainder(share, weights)
        else:
            split = [share] + [ZERO] * (len(group) - 1)
        for line, part in zip(group, split, strict=True):
            parts[line.key] = part
    return tuple(replace(line, share=parts[line.key]) for line in lines)


def version_shares(version: PlanVersion) -> dict[str, Decimal]:
    return {str(s.creditor_id): s.monthly_amount for s in version.shares.all()}


def terms_of(
    version: PlanVersion,
    basis: Basis,
    *,
    shares: dict[str, Decimal] | None = None,
    one_offs: tuple[engine.OneOff, ...] | None = None,
) -> engine.PlanTerms:
    """The engine's terms of ``version`` on ``basis``; ``shares`` and ``one_offs``: the
    version's, when the caller has read them already (``clock_schedules``)."""
    lines = basis.lines
    if version.override_shares:
        lines = with_shares(lines, version_shares(version) if shares is None else shares)
    return engine.PlanTerms(
        start=version.start_date,
        duration_months=version.duration_months,
        monthly_available=version.monthly_available,
        fee_provision=version.fee_provision,
        frequency_months=version.frequency_months,
        privileged_first=version.privileged_first,
        non_remissible=engine.NonRemissibleTreatment(version.non_remissible_treatment),
        lines=lines,
        legal_basis=engine.LegalBasis(version.legal_basis),
        opening_balance=version.opening_balance,
        one_offs=one_offs_of(version) if one_offs is None else one_offs,
    )


def one_offs_of(version: PlanVersion) -> tuple[engine.OneOff, ...]:
    if version.pk is None:
        return ()
    # the version's own, by date (``Meta.ordering`` would join the versions to order by them)
    one_offs = PlanOneOff.objects.filter(version_id=version.pk).order_by("received_on", "id")
    return tuple(_one_off(o) for o in one_offs)


def _one_off(o: PlanOneOff) -> engine.OneOff:
    return engine.OneOff(day=o.received_on, amount=o.amount, label=o.label or o.get_kind_display())


# The plan as shown ----------------------------------------------------------------------------


@dataclass
class PlanView:
    version: PlanVersion
    basis: Basis
    terms: engine.PlanTerms
    result: engine.PlanResult | None
    errors: list[str] = field(default_factory=list)
    claims_changed: bool = False

    @property
    def limit(self) -> engine.DurationLimit:
        return version_limit(self.version)


# Computed once a page ---------------------------------------------------------------------
# A page may compute one version twice: the plan tab shows the plan, follows it against the
# ledger, and checks what filing it would meet, whose rules compute the plan in force again
# (``reports.court_checks.plan_arrears``). Within ``computed_once()`` (a view that only reads),
# ``compute`` and ``monitoring`` give each version's result once (issue 15); outside it, every
# call reads the database afresh, as a service must.
_ONCE: ContextVar[dict | None] = ContextVar("plans_computed_once", default=None)


@contextmanager
def computed_once() -> Iterator[None]:
    token = _ONCE.set({})
    try:
        yield
    finally:
        _ONCE.reset(token)


def read_once(
    case: Case, *, start: date, end: date, versions: list[PlanVersion] | None = None
) -> None:
    """Within ``computed_once()``: the dividends the page asks for are those around a plan from
    ``start`` to ``end`` (read together when first asked, ``dividends_paid_around``), and, when
    given, the page has read all the case's ``versions`` (the plan in force on a day is found
    among them, ``approved_as_of``). Outside it, nothing is kept."""
    memo = _ONCE.get()
    if memo is None or case.pk is None:
        return
    if versions is not None:
        memo[("versions", case.pk)] = versions
    memo[("around", case.pk)] = (start, end)


def _once(key: tuple, version: PlanVersion, make):
    memo = _ONCE.get()
    if memo is None or version.pk is None:
        return make()
    key = (*key, version.pk, version.updated_at)
    if key not in memo:
        memo[key] = make()
    return memo[key]


def compute(version: PlanVersion, basis: Basis | None = None) -> PlanView:
    if basis is None:
        return _once(("compute",), version, lambda: _compute(version))
    return _compute(version, basis)


def _compute(version: PlanVersion, basis: Basis | None = None) -> PlanView:
    basis = basis or basis_of(version)
    terms = terms_of(version, basis)
    try:
        result = _plan_of_terms(terms)
        errors: list[str] = []
    except engine.PlanInputError as exc:
        result, errors = None, [m for msgs in exc.errors.values() for m in msgs]
    view = PlanView(version=version, basis=basis, terms=terms, result=result, errors=errors)
    if version.is_frozen and version.snapshot:
        live = live_basis(version.case, version.start_date)
        view.claims_changed = [(li.key, li.admitted) for li in live.lines] != [
            (li.key, li.admitted) for li in basis.lines
        ]
    return view


def plan_result(version: PlanVersion) -> engine.PlanResult | None:
    """``compute(version).result`` without the view's extras (the clocks need no more): None
    when the engine refuses the terms."""
    return _result_of_terms(terms_of(version, basis_of(version)))


def instalment_schedules(
    versions: Sequence[PlanVersion],
) -> dict[int, engine.InstalmentSchedule | None]:
    """What the plan's clocks read of each version's result (``{version pk: its schedule}``,
    None when the engine refuses the terms), their shares and one-off sums prefetched: the
    bases of those without a frozen snapshot in two queries together (``live_bases``),
    whatever their number.

    A plan of 7 years and 20 creditors takes the engine some 10 ms, and the agenda's forecast
    asks for every plan of the mediator with an instalment in the coming week (issue 15): the
    schedules of the latest terms computed are kept (``_schedule_of_terms``, keyed by the whole
    terms, so that any change of the claims, the dividends paid before the plan, the shares or
    the version gives another key and the plan is computed again)."""
    live = live_bases(
        (version.case_id, version.start_date)
        for version in versions
        if not (version.is_frozen and version.snapshot)
    )
    schedules = {}
    for version in versions:
        if version.is_frozen and version.snapshot:
            basis = basis_from_snapshot(version.snapshot)
        else:
            basis = live[(version.case_id, version.start_date)]
        schedules[version.pk] = _schedule_of_terms(terms_of(version, basis))
    return schedules


@dataclass
class ClockReads:
    """What the plan's instalment clock reads of a batch of versions (``clock_schedules``)."""

    schedules: dict[int, engine.InstalmentSchedule | None]  # version pk -> its schedule
    # case id -> the dividends paid, a total a day (with ``clock_schedules``'s ``start``: a
    # total a span between the versions' starts for the days up to it)
    paid: dict[int, list[engine.Payment]]


def _shares_and_one_offs(ids: list[int]) -> QuerySet:
    """The shares and the one-off sums of the versions ``ids`` in one query: (version, share's
    creditor or None, amount, one-off's day, label, kind, id)."""
    no_date = Value(None, output_field=DateField())
    no_text = Value("", output_field=CharField())
    share_rows = (
        PlanShare.objects.filter(version_id__in=ids)
        .annotate(day=no_date, text=no_text, code=no_text)
        .order_by()
        .values_list("version_id", "creditor_id", "monthly_amount", "day", "text", "code", "id")
    )
    one_off_rows = (
        PlanOneOff.objects.filter(version_id__in=ids)
        .annotate(nobody=Value(None, output_field=IntegerField()))
        .order_by()
        .values_list("version_id", "nobody", "amount", "received_on", "label", "kind", "id")
    )
    return share_rows.union(one_off_rows, all=True)


def clock_schedules(
    versions: Sequence[PlanVersion], *, end: date, start: date | None = None
) -> ClockReads:
    """``instalment_schedules`` of ``versions`` and the dividends paid in their cases up to
    ``end`` (``dividends_paid``, summed per creditor and day: what the monitoring adds up), in
    four queries whatever their number, none of them left out when there is nothing to read
    (the agenda's forecast: a count constant in the data, issue 15): the versions' shares, their
    one-off sums, the dividends paid (the payments and, for the bases of the versions without a
    frozen snapshot, what was paid before their starts), the claims of those bases.

    ``start``: the clock asks for the instalments due after it only (``_paid_by``: the payments
    from a version's start to a due day after ``start``). The payments of the days up to
    ``start`` are then summed per creditor between the versions' starts (the database sums
    them: a few rows a creditor instead of one a day, issue 15), each such total dated its
    first day: from a version's start, before it, up to a due day, each total counts as its
    days did."""
    ids = [version.pk for version in versions] or [0]  # [0]: no version, the same queries
    case_ids = sorted({version.case_id for version in versions})
    shares: dict[int, dict[str, Decimal]] = {}
    found_one_offs: list[tuple] = []
    # its SQL compiled once per number of versions (issue 15)
    for row in rows_for_ids("plans.shares_one_offs", _shares_and_one_offs, ids, PlanShare):
        version_id, creditor_id, amount, day, label, kind, pk = row
        if day is None:
            shares.setdefault(version_id, {})[str(creditor_id)] = amount
        else:
            found_one_offs.append((version_id, day, pk, amount, label, kind))
    one_offs: dict[int, list[engine.OneOff]] = {}
    kinds = dict(PlanOneOff._meta.get_field("kind").flatchoices)
    for version_id, day, _pk, amount, label, kind in sorted(found_one_offs):  # the model's order
        one_offs.setdefault(version_id, []).append(
            engine.OneOff(day=day, amount=amount, label=label or str(kinds.get(kind, kind)))
        )
    # its SQL compiled once per number of cases and versions (issue 15); without ``start``
    # the versions are not read
    case_ids = case_ids or [0]
    # the versions' starts, in order (without ``start``: not read)
    spans = sorted({(v.case_id, v.start_date) for v in versions}) if start is not None else []
    daily = rows_for_ids(
        f"plans.dividends:{len(case_ids)}:{start is None}",
        lambda all_ids, *days: _dividends_by_day_or_span(
            all_ids[: len(case_ids)],
            list(zip(all_ids[len(case_ids) :], days[2:], strict=True)),
            start=days[0] if start is not None else None,
            end=days[1] if start is not None else days[0],
        ),
        [*case_ids, *(case_id for case_id, _ in spans)],
        PlanVersion,
        days=(end,) if start is None else (start, end, *(day for _, day in spans)),
    )
    paid: dict[int, list[engine.Payment]] = {}
    for case_id, creditor_id, day, total in daily:
        # a sum of cents is exact; SQLite gives its sums back as floats: round them to the cent
        paid.setdefault(case_id, []).append(
            engine.Payment(creditor_key=str(creditor_id), day=day, amount=round_cents(total))
        )
    starts = _starts_by_case(
        (version.case_id, version.start_date)
        for version in versions
        if not (version.is_frozen and version.snapshot)
    )
    before: dict[tuple[int, date], dict[str, Decimal]] = {}
    for case_id, days in starts.items():
        for start in days:
            totals = before[(case_id, start)] = {}
            for payment in paid.get(case_id, ()):
                if payment.day < start:
                    totals[payment.creditor_key] = (
                        totals.get(payment.creditor_key, ZERO) + payment.amount
                    )
    live = _live_bases(starts, _basis_claims_by_case(list(starts)), before)
    schedules = {}
    for version in versions:
        if version.is_frozen and version.snapshot:
            basis = basis_from_snapshot(version.snapshot)
        else:
            basis = live[(version.case_id, version.start_date)]
        terms = terms_of(
            version,
            basis,
            shares=shares.get(version.pk, {}),
            one_offs=tuple(one_offs.get(version.pk, ())),
        )
        schedules[version.pk] = _schedule_of_terms(terms)
    return ClockReads(schedules=schedules, paid=paid)


def _dividends_by_day_or_span(
    case_ids: list[int], starts: list[tuple[int, date]], *, start: date | None, end: date
) -> QuerySet:
    """(case, creditor, day, total) of the dividends paid in ``case_ids`` up to ``end``: a total
    a day; with ``start``, the days up to ``start`` summed over the spans between the versions'
    ``starts`` ((case, start) pairs, in order: the latest start of the case's versions on or
    before the day; none: the span before them all), each span's total dated its first day
    paid.

    The span is found by ``_latest_start``, an expression over the starts given as parameters
    (issue 15: the agenda's forecast): no subquery run for each dividend (it read the case's
    versions again for every row), nor a join to the versions (PostgreSQL probed them for
    every row as well, slower still)."""
    dividends = live_dividends(account__case_id__in=case_ids or [0], value_date__lte=end)
    if start is None:
        span = F("value_date")
    else:
        span = DbCase(
            When(value_date__gt=start, then=F("value_date")),
            default=_latest_start(starts, 0, len(starts)),
            output_field=DateField(),
        )
    return (
        dividends.annotate(span=span)
        .values("account__case_id", "creditor_id", "span")
        .annotate(day=Min("value_date"), total=Sum("amount"))
        .order_by("account__case_id", "day", "creditor_id")
        .values_list("account__case_id", "creditor_id", "day", "total")
    )


def _latest_start(starts: list[tuple[int, date]], low: int, high: int) -> DbCase | Value:
    """The latest of ``starts[low:high]`` ((case, start) pairs, in order) that is the
    dividend's case's and on or before its day, or None: a search by halves, (case, day)
    compared with the middle pair, so that a dividend is compared with a few pairs only
    however many there are (a ``CASE`` a level; its shape depends on their number alone)."""
    if high - low == 0:
        return Value(None, output_field=DateField())
    if high - low == 1:
        case_id, day = starts[low]
        return DbCase(
            When(account__case_id=case_id, value_date__gte=day, then=Value(day)),
            default=Value(None),
            output_field=DateField(),
        )
    middle = (low + high) // 2
    case_id, day = starts[middle]
    return DbCase(
        When(
            Q(account__case_id__gt=case_id) | Q(account__case_id=case_id, value_date__gte=day),
            then=_latest_start(starts, middle, high),
        ),
        default=_latest_start(starts, low, middle),
        output_field=DateField(),
    )


@lru_cache(maxsize=SCHEDULES_KEPT)
def _schedule_of_terms(terms: engine.PlanTerms) -> engine.InstalmentSchedule | None:
    result = _result_of_terms(terms)
    return engine.instalment_schedule(result) if result is not None else None


def _result_of_terms(terms: engine.PlanTerms) -> engine.PlanResult | None:
    try:
        return engine.compute_plan(terms)
    except engine.PlanInputError:
        return None


@lru_cache(maxsize=PLANS_KEPT)
def _plan_of_terms(terms: engine.PlanTerms) -> engine.PlanResult:
    """The engine's result for ``terms``, kept for the latest terms computed (issue 15: the plan
    tab and the closure tab of a 7-year plan spent some 5 ms in the engine on every request;
    the schedules the agenda reads are kept apart, ``_schedule_of_terms``).
    The key is the whole terms (frozen and compared field by field: the claims and their ranks,
    the dividends paid before the plan, the shares, the one-offs, the version's figures), so
    that any change gives another key and the plan is computed again; the result is frozen and
    pure of the terms. The database is still read on every call: only the arithmetic is kept.
    Terms the engine refuses raise every time (``PlanInputError`` is not kept)."""
    return engine.compute_plan(terms)


def ranked_lines(view: "PlanView") -> list[dict]:
    """The lines the plan pays before the common rank, with their rank's label and reason (the
    plan's PDF and page state them: a priority is a reasoned rank, docs/plan-rules.md)."""
    if view.result is None or view.terms.legacy_ranks or view.terms.overrides:
        return []
    labels = dict(PlanRank.choices)
    return [
        {
            "line": r.line,
            "label": labels.get(str(r.rank), str(r.rank)),
            "reason": view.basis.rank_reasons.get(r.line.key, ""),
        }
        for r in view.result.lines
        if r.rank is not engine.Rank.ORDINARY
    ]


def monitoring(version: PlanVersion, today: date) -> tuple[PlanView, engine.Monitoring | None]:
    return _once(("monitoring", today), version, lambda: _monitoring(version, today))


def _monitoring(version: PlanVersion, today: date) -> tuple[PlanView, engine.Monitoring | None]:
    view = compute(version)
    if view.result is None:
        return view, None
    totals = dividends_paid_totals(version.case, start=version.start_date, end=today)
    return view, engine.monitor_totals(view.result, totals, today)


def creditor_names(keys) -> dict[str, str]:
    ids = [int(k) for k in keys if str(k).isdigit()]
    return {
        str(pk): name for pk, name in Creditor.objects.filter(pk__in=ids).values_list("pk", "name")
    }


@dataclass(frozen=True)
class Addressee:
    kind: str  # "creditor" or "applicant"
    name: str
    address: str
    reference: str = ""
    creditor_id: int | None = None

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "address": self.address,
            "reference": self.reference,
            "creditor_id": self.creditor_id,
        }


def mailing_addressees(
    *, case: Case, creditor_ids: list[int], copy_to_applicants: bool
) -> tuple[list[Addressee], dict[str, list[str]]]:
    """The chosen creditors of the case (any creditor that declared a claim), and the applicants
    as one addressee. Each needs a postal address."""
    errors: dict[str, list[str]] = {}
    declared = set(Claim.objects.filter(case=case).values_list("creditor_id", flat=True))
    chosen = list(dict.fromkeys(creditor_ids))
    if any(pk not in declared for pk in chosen):
        errors["creditors"] = [_("Un destinataire choisi n'est pas créancier dans ce dossier.")]
        return [], errors
    if not chosen:
        errors["creditors"] = [_("Choisissez au moins un créancier.")]
    references: dict[int, list[str]] = {}
    for creditor_id, reference in (
        Claim.objects.filter(case=case)
        .exclude(creditor_reference="")
        .order_by("declared_on", "id")
        .values_list("creditor_id", "creditor_reference")
    ):
        refs = references.setdefault(creditor_id, [])
        if reference not in refs:
            refs.append(reference)
    addressees = [
        Addressee(
            kind="creditor",
            name=creditor.name,
            address=creditor.address.strip(),
            reference=", ".join(references.get(creditor.pk, [])),
            creditor_id=creditor.pk,
        )
        for creditor in Creditor.objects.filter(pk__in=chosen).order_by("name", "pk")
    ]
    missing = [a.name for a in addressees if not a.address]
    if missing:
        errors["creditors"] = [
            _(
                "Adresse postale manquante pour : %(names)s. Complétez-la dans l'annuaire avant "
                "d'envoyer le plan."
            )
            % {"names": ", ".join(missing)}
        ]
    if copy_to_applicants:
        # One copy per address: applicants living together share one letter.
        by_address: dict[str, list] = {}
        for applicant in case.applicants.order_by("position"):
            address = applicant.address.strip()
            by_address.setdefault(" ".join(address.split()).lower(), []).append(applicant)
        if "" in by_address:
            errors.setdefault("copy_to_applicants", []).append(
                _("L'adresse du requérant manque : complétez le dossier ou décochez la copie.")
            )
        else:
            for group in by_address.values():
                addressees.append(
                    Addressee(
                        kind="applicant",
                        name=" et ".join(a.full_name for a in group),
                        address=group[0].address.strip(),
                    )
                )
    return addressees, errors
