"""Read selectors of the budget app.

Every object is reached through a case obtained with ``cases.selectors.case_get_for_user``
(scoped by organisation: another organisation's case is a 404), then filtered by that case:
a version or a decision of another case is a 404 too.

Two selectors are read by other apps:

``available_for_creditors(case, on) -> Decimal`` (the ``plans`` app)
    The **monthly amount available for the plan** on ``on``, before fees: the monthly
    resources of the budget version in force on ``on`` (every income of the household, the
    non-seizable ones included, since all income is paid into the mediation account) minus the
    living allowance fixed on that version (what is left to the household, charges the
    mediator pays on its behalf included). Fees are paid first out of this amount (they are a
    debt of the estate, *dette de la masse*): the plan deducts its fee provision, then shares
    the rest among creditors. The account's balance and one-off receipts (tax refund,
    arrears, sale of an asset) are not in it: the plan handles them as lump sums. The version
    in force is the newest version dated on or before ``on``; its allowance is the latest
    decision of that version. Raises :class:`BudgetNotReady` (a French message to show) when
    no version is in force on ``on`` or when the allowance of that version is not fixed —
    never a silent zero. ``available_for_creditors_detail`` returns the same figure with what
    it is made of, for the plan to show and to cite (version n°, date, decision).

``living_allowance_schedule(case, on) -> AllowanceSchedule | None`` (the ledger's payments)
    The allowance being paid on ``on``: the latest decision of the newest version dated on or
    before ``on`` that has a decision (until a new budget's allowance is fixed, the previous
    one goes on being paid); ``None`` when no allowance was ever fixed by then.

``allowance_installments(case, year, month) -> list[DueInstallment]`` (the banking app)
    The installments due to the applicant in a month, from the schedule in force on the
    month's first day (one schedule pays a month; a budget dated in the middle of the month
    takes over the next month).
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case as CaseWhen
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agenda.registry import DutySpec
from cases.models import Case
from cases.status import ACTIVE_STATUSES
from core.dates import format_date
from core.fields import MoneyField
from core.money import format_eur, round_cents

from .allowance import (
    AllowanceFloors,
    Household,
    Income,
    IncomeKind,
    LegalTables,
    RisCategory,
    RisRow,
    ScaleRow,
    compute_floors,
)
from .models import (
    AllowanceDecision,
    BudgetVersion,
    ChargeLine,
    Frequency,
    IncomeLine,
    IntegrationIncomeRecord,
    SeizureScaleRecord,
)

ZERO = Decimal("0.00")


class BudgetNotReady(Exception):
    """No budget version in force on the date, or its living allowance is not fixed. The
    message is French, for the user."""

    def __init__(self, message: str, *, case_id: int, on: date) -> None:
        super().__init__(message)
        self.case_id = case_id
        self.on = on


# --- legal rows ----------------------------------------------------------------------------


def legal_tables() -> LegalTables:
    """The legal rows of the database, as the pure ``LegalTables``."""
    scales = [
        ScaleRow(
            id=r.row_id,
            effective_from=r.effective_from,
            limits=(r.limit_1, r.limit_2, r.limit_3, r.limit_4),
            earned_rates=(
                r.earned_rate_2.normalize(),
                r.earned_rate_3.normalize(),
                r.earned_rate_4.normalize(),
            ),
            replacement_rates=(
                r.replacement_rate_2.normalize(),
                r.replacement_rate_3.normalize(),
                r.replacement_rate_4.normalize(),
            ),
            child_reduction=r.child_reduction,
            source=r.source,
            note=r.note,
        )
        for r in SeizureScaleRecord.objects.order_by("effective_from")
    ]
    ris = [
        RisRow(
            id=r.row_id,
            category=RisCategory(r.category),
            effective_from=r.effective_from,
            amount=r.amount,
            source=r.source,
            valid_until=r.valid_until,
        )
        for r in IntegrationIncomeRecord.objects.order_by("category", "effective_from")
    ]
    return LegalTables(scales, ris)


# --- versions ------------------------------------------------------------------------------


def _versions(case: Case) -> QuerySet[BudgetVersion]:
    return BudgetVersion.objects.filter(case=case)


def versions_of(case: Case) -> list[BudgetVersion]:
    """The versions of the case, newest first, with their totals and latest decision."""
    versions = list(
        _versions(case)
        .select_related("created_by")
        .annotate(
            # the applicant's resources: a partner's income outside the case is not in them
            total_incomes=Sum(
                "incomes__amount", filter=Q(incomes__outside_case=False), default=ZERO
            )
        )
        .order_by("-number")
    )
    charges = dict(
        ChargeLine.objects.filter(version__case=case)
        .values_list("version_id")
        .annotate(total=Sum("amount"))
    )
    decisions: dict[int, AllowanceDecision] = {}
    for decision in AllowanceDecision.objects.filter(version__case=case).order_by(
        "decided_at", "id"
    ):
        decisions[decision.version_id] = decision
    for version in versions:
        version.total_charges = charges.get(version.pk, ZERO)
        version.decision = decisions.get(version.pk)
    return versions


def version_get(case: Case, pk: int) -> BudgetVersion:
    version = (
        _versions(case)
        .filter(pk=pk)
        .select_related("case", "created_by")
        .prefetch_related(*_lines())
        .first()
    )
    if version is None:
        raise Http404
    return version


def _lines() -> tuple[Prefetch, Prefetch]:
    return (
        Prefetch("incomes", queryset=IncomeLine.objects.order_by("position", "id")),
        Prefetch("charges", queryset=ChargeLine.objects.order_by("position", "id")),
    )


def current_version(case: Case) -> BudgetVersion | None:
    return _versions(case).order_by("-number").prefetch_related(*_lines()).first()


def version_in_force(case: Case, on: date) -> BudgetVersion | None:
    """The newest version dated on or before ``on``."""
    return (
        _versions(case)
        .filter(date__lte=on)
        .order_by("-date", "-number")
        .prefetch_related(*_lines())
        .first()
    )


def decisions_of(version: BudgetVersion) -> list[AllowanceDecision]:
    """The allowance decisions of a version, newest first."""
    return list(
        version.allowance_decisions.select_related("decided_by").order_by("-decided_at", "-id")
    )


def latest_decision(version: BudgetVersion) -> AllowanceDecision | None:
    return version.allowance_decisions.order_by("-decided_at", "-id").first()


def decision_get(case: Case, pk: int) -> AllowanceDecision:
    decision = (
        AllowanceDecision.objects.filter(pk=pk, version__case=case)
        .select_related("version", "version__case")
        .first()
    )
    if decision is None:
        raise Http404
    return decision


# --- the computation's inputs --------------------------------------------------------------


def incomes_of(version: BudgetVersion) -> list[Income]:
    """The version's incomes for the pure computation (a line of no applicant counts for
    applicant 1: the only applicant, or the household's shared income)."""
    return [
        Income(
            kind=IncomeKind(line.kind),
            amount=line.amount,
            person=line.person or 1,
            label=line.label,
            outside_case=line.outside_case,
        )
        for line in version.incomes.all()
    ]


def household_of(version: BudgetVersion) -> Household:
    """The household of a version; the applicants are the case's (one, or a couple)."""
    return Household(
        ris_category=RisCategory(version.ris_category),
        dependent_children=version.dependent_children,
        adults=version.adults,
        applicants=max(len(version.case.applicants.all()), 1),
        partner_outside_case=version.partner_outside_case,
    )


def floors_for(version: BudgetVersion, tables: LegalTables | None = None) -> AllowanceFloors:
    """Both floors of the version's living allowance, on the version's own date. Raises
    ``budget.allowance.NoRowInForce`` when the legal rows do not cover that date."""
    names = {a.position: a.full_name for a in version.case.applicants.all()}
    return compute_floors(
        incomes_of(version),
        household_of(version),
        version.date,
        tables or legal_tables(),
        names,
    )


@dataclass(frozen=True)
class BudgetTotals:
    resources: Decimal
    charges: Decimal
    charges_paid_from_account: Decimal
    outside_case: Decimal = ZERO  # a partner's income outside the case (context only)

    @property
    def balance(self) -> Decimal:
        return self.resources - self.charges


def totals_of(version: BudgetVersion) -> BudgetTotals:
    """The version's monthly totals. The resources are the applicant's (what is paid into the
    mediation account): a partner's income outside the case is not in them."""
    incomes = [line for line in version.incomes.all() if not line.outside_case]
    charges = list(version.charges.all())
    return BudgetTotals(
        resources=sum((line.amount for line in incomes), ZERO),
        charges=sum((line.amount for line in charges), ZERO),
        charges_paid_from_account=sum(
            (line.amount for line in charges if line.paid_from_account), ZERO
        ),
        outside_case=sum(
            (line.amount for line in version.incomes.all() if line.outside_case), ZERO
        ),
    )


# --- read by the plan ----------------------------------------------------------------------


# The explanation of the amount (kept as text by a plan version: plans.wording).
AVAILABLE_EXPLANATION = gettext_noop(
    "Budget n° %(number)s du %(date)s : ressources mensuelles %(resources)s − pécule de "
    "médiation %(allowance)s = %(amount)s par mois, avant honoraires."
)


@dataclass(frozen=True)
class AvailableForCreditors:
    """What the plan may share on ``on`` (before fees), and what it is made of."""

    case_id: int
    on: date
    version_id: int
    version_number: int
    version_date: date
    decision_id: int
    resources: Decimal
    allowance: Decimal
    amount: Decimal

    @property
    def explanation(self) -> str:
        """In the active language (issue 16)."""
        language = translation.get_language() or "fr"
        return _(AVAILABLE_EXPLANATION) % {
            "number": self.version_number,
            "date": format_date(self.version_date),
            "resources": format_eur(self.resources, language),
            "allowance": format_eur(self.allowance, language),
            "amount": format_eur(self.amount, language),
        }


def available_for_creditors_detail(case: Case, on: date) -> AvailableForCreditors:
    version = version_in_force(case, on)
    if version is None:
        raise BudgetNotReady(
            _(
                "Aucun budget du dossier %(reference)s n'est en vigueur le %(date)s : établissez "
                "le budget du ménage (onglet Budget et pécule)."
            )
            % {"reference": case.reference, "date": format_date(on)},
            case_id=case.pk,
            on=on,
        )
    decision = latest_decision(version)
    if decision is None:
        raise BudgetNotReady(
            _(
                "Le pécule de médiation du budget n° %(number)s du %(date)s (dossier "
                "%(reference)s) n'est pas encore fixé."
            )
            % {
                "number": version.number,
                "date": format_date(version.date),
                "reference": case.reference,
            },
            case_id=case.pk,
            on=on,
        )
    resources = totals_of(version).resources
    return AvailableForCreditors(
        case_id=case.pk,
        on=on,
        version_id=version.pk,
        version_number=version.number,
        version_date=version.date,
        decision_id=decision.pk,
        resources=resources,
        allowance=decision.amount,
        amount=round_cents(resources - decision.amount),
    )


def available_for_creditors(case: Case, on: date) -> Decimal:
    """The monthly amount available for the plan on ``on`` (fees first, then creditors); see
    the module's docstring. Raises :class:`BudgetNotReady`."""
    return available_for_creditors_detail(case, on).amount


# --- read by the ledger --------------------------------------------------------------------


@dataclass(frozen=True)
class Installment:
    day: int
    amount: Decimal


@dataclass(frozen=True)
class AllowanceSchedule:
    """How the living allowance is paid from ``starts_on``: ``paid_to_applicant`` each month
    (the allowance minus the charges the mediator pays for the household), in one or two
    installments; ``standing_order`` when the bank pays it by standing order (the fee barème
    counts such a payment once a year, fees.md)."""

    case_id: int
    decision_id: int
    version_number: int
    starts_on: date
    allowance: Decimal
    paid_to_applicant: Decimal
    charges_paid_from_account: Decimal
    frequency: str
    standing_order: bool
    installments: tuple[Installment, ...]

    def payments_in_month(self, year: int, month: int) -> list[tuple[date, Decimal]]:
        """The dated payments of a month (a day past the month's end moves to its last day;
        nothing before ``starts_on``)."""
        last = monthrange(year, month)[1]
        payments = []
        for installment in self.installments:
            day = date(year, month, min(installment.day, last))
            if day >= self.starts_on:
                payments.append((day, installment.amount))
        return payments


def installments_for(frequency: str, paid: Decimal, first: int, second: int | None):
    if frequency == Frequency.TWICE_MONTHLY:
        half = round_cents(paid / 2)
        return (Installment(first, half), Installment(second or 15, paid - half))
    return (Installment(first, paid),)


def living_allowance_schedule(case: Case, on: date) -> AllowanceSchedule | None:
    decision = (
        AllowanceDecision.objects.filter(version__case=case, version__date__lte=on)
        .select_related("version")
        .order_by("-version__date", "-version__number", "-decided_at", "-id")
        .first()
    )
    return None if decision is None else schedule_of(decision)


def schedule_of(decision: AllowanceDecision) -> AllowanceSchedule:
    """The payment schedule of one allowance decision."""
    return AllowanceSchedule(
        case_id=decision.version.case_id,
        decision_id=decision.pk,
        version_number=decision.version.number,
        starts_on=decision.version.date,
        allowance=decision.amount,
        paid_to_applicant=decision.paid_to_applicant,
        charges_paid_from_account=decision.amount - decision.paid_to_applicant,
        frequency=decision.frequency,
        standing_order=decision.frequency == Frequency.STANDING_ORDER,
        installments=installments_for(
            decision.frequency,
            decision.paid_to_applicant,
            decision.day_of_month,
            decision.second_day_of_month,
        ),
    )


@dataclass(frozen=True)
class DueInstallment:
    """One dated payment of the allowance to the applicant, and the schedule it comes from."""

    due_on: date
    amount: Decimal
    schedule: AllowanceSchedule


def allowance_installments(case: Case, year: int, month: int) -> list[DueInstallment]:
    """The installments of the month, by due date. **One schedule pays a month**: the one in
    force on its first day (``living_allowance_schedule``); a budget whose allowance starts
    later in the month pays from the next month (a difference owed for the rest of the month is
    a payment the mediator prepares by hand). So a change of budget never leaves a month
    without allowance (old schedule on the 25th, new one from the 10th paying on the 1st) nor
    pays it twice (old on the 1st, new from the 10th on the 25th). Only the very first
    allowance, fixed during a month, starts within it: on its days from its date.
    Installments that fall on the same day (a day past the month's end moves to its last day)
    are paid together; nothing is due when nothing is paid to the applicant (the charges the
    mediator pays are not in it). domain/README.md, step 6; living-allowance.md."""
    first = date(year, month, 1)
    last = date(year, month, monthrange(year, month)[1])
    schedule = living_allowance_schedule(case, first)
    if schedule is None:  # no allowance yet on the 1st: the first one, if fixed this month
        starts = sorted(
            set(
                _versions(case)
                .filter(date__gt=first, date__lte=last)
                .values_list("date", flat=True)
            )
        )
        schedule = next(
            (s for s in (living_allowance_schedule(case, day) for day in starts) if s), None
        )
    if schedule is None:
        return []
    due: dict[date, DueInstallment] = {}
    for day, amount in schedule.payments_in_month(year, month):
        if amount <= 0:
            continue
        earlier = due.get(day)
        total = amount + (earlier.amount if earlier else ZERO)
        due[day] = DueInstallment(due_on=day, amount=total, schedule=schedule)
    return [due[day] for day in sorted(due)]


# --- the agenda: allowances to review when a new legal row takes effect (issue #11) ---------

ALLOWANCE_REVIEW = "allowance_review"
REVIEW_DAYS = 30  # a month to review the allowance once the new row applies


def _rows_in_force(
    on: date,
) -> tuple[SeizureScaleRecord | None, dict[str, IntegrationIncomeRecord]]:
    scale = SeizureScaleRecord.objects.filter(effective_from__lte=on).order_by("-effective_from")
    ris: dict[str, IntegrationIncomeRecord] = {}
    for row in IntegrationIncomeRecord.objects.filter(effective_from__lte=on).order_by(
        "effective_from"
    ):
        ris[row.category] = row
    return scale.first(), ris


def legal_row_dates(start: date, end: date) -> list[date]:
    """The dates in (start, end] on which a new art. 1409 row or integration income row takes
    effect."""
    window = {"effective_from__gt": start, "effective_from__lte": end}
    scales = SeizureScaleRecord.objects.filter(**window).order_by().values_list("effective_from")
    ris = IntegrationIncomeRecord.objects.filter(**window).order_by().values_list("effective_from")
    return sorted({day for (day,) in scales.union(ris)})  # one query (the agenda's forecast)


def _review_spec(version, decision, day: date, scale, ris) -> DutySpec | None:
    """The review of ``day`` for the allowance ``decision`` of the budget ``version`` in force
    that day, given the legal rows in force that day; None when it used them already."""
    if decision is None:
        return None
    newer = []
    if scale is not None and scale.effective_from == day and scale.row_id != decision.scale_row_id:
        newer.append(scale.row_id)
    ris_row = ris.get(version.ris_category)
    if (
        ris_row is not None
        and ris_row.effective_from == day
        and ris_row.row_id != decision.ris_row_id
    ):
        newer.append(ris_row.row_id)
    if not newer:
        return None
    return DutySpec(
        kind=ALLOWANCE_REVIEW,
        due_date=day,
        deadline=day + timedelta(days=REVIEW_DAYS),
        data={"rows": newer, "decision": decision.pk},
    )


def _review_concerns(case: Case, day: date) -> bool:
    return case.status in ACTIVE_STATUSES and (case.closure_date is None or case.closure_date > day)


def allowance_review_specs(case: Case, start: date, end: date) -> list[DutySpec]:
    """One duty per date on which a new legal row takes effect, for a running case whose
    allowance in force that day was computed under the older row (its floors keep the rows
    they were computed with: ``AllowanceDecision.scale_row_id`` / ``ris_row_id``)."""
    if case.status not in ACTIVE_STATUSES:
        return []
    specs = []
    for day in legal_row_dates(start, end):
        if not _review_concerns(case, day):
            continue
        version = version_in_force(case, day)
        decision = latest_decision(version) if version is not None else None
        if decision is None:
            continue
        spec = _review_spec(version, decision, day, *_rows_in_force(day))
        if spec is not None:
            specs.append(spec)
    return specs


def allowance_review_specs_many(cases, start: date, end: date) -> dict[int, list[DutySpec]]:
    """``allowance_review_specs`` for many cases in at most six queries, whatever the number of
    cases and of dates: the dates, the budget versions of the running cases, their latest
    decisions and the legal rows; then each date in Python as ``allowance_review_specs``
    does."""
    days = legal_row_dates(start, end)
    if not days:
        return {}
    # From here, the same queries whatever the cases (none left out when none is concerned:
    # ``[0]`` matches no row), so that the agenda's count does not depend on the data.
    concerned = [case for case in cases if _review_concerns(case, days[0])]
    versions: dict[int, list[BudgetVersion]] = {}
    for version in BudgetVersion.objects.filter(
        case_id__in=[case.pk for case in concerned] or [0], date__lte=days[-1]
    ).order_by("case_id", "-date", "-number"):
        versions.setdefault(version.case_id, []).append(version)
    latest: dict[int, AllowanceDecision] = {}
    for decision in AllowanceDecision.objects.filter(
        version_id__in=[v.pk for found in versions.values() for v in found] or [0]
    ).order_by("version_id", "-decided_at", "-id"):
        latest.setdefault(decision.version_id, decision)
    scales = list(
        SeizureScaleRecord.objects.filter(effective_from__lte=days[-1]).order_by("-effective_from")
    )
    ris_rows = list(
        IntegrationIncomeRecord.objects.filter(effective_from__lte=days[-1]).order_by(
            "effective_from"
        )
    )
    found: dict[int, list[DutySpec]] = {}
    for day in days:
        scale = next((row for row in scales if row.effective_from <= day), None)
        ris: dict[str, IntegrationIncomeRecord] = {}
        for row in ris_rows:
            if row.effective_from <= day:
                ris[row.category] = row
        for case in concerned:
            if not _review_concerns(case, day):
                continue
            version = next((v for v in versions.get(case.pk, ()) if v.date <= day), None)
            if version is None:
                continue
            spec = _review_spec(version, latest.get(version.pk), day, scale, ris)
            if spec is not None:
                found.setdefault(case.pk, []).append(spec)
    return found


def allowance_reviews_done(duties: list) -> dict[int, date]:
    """A review is done by an allowance fixed on a budget version dated on or after the day the
    new row took effect (its floors use that row): settled on the day it was decided."""
    if not duties:
        return {}
    decisions = AllowanceDecision.objects.filter(version__case_id=duties[0].case_id).values_list(
        "version__date", "decided_at"
    )
    done: dict[int, date] = {}
    for duty in duties:
        when = [
            timezone.localdate(decided_at)
            for version_date, decided_at in decisions
            if version_date >= duty.due_date
        ]
        if when:
            done[duty.pk] = max(duty.due_date, min(when))
    return done


def cases_short_of_next_allowance(cases: QuerySet[Case], today: date) -> QuerySet[Case]:
    """The running cases whose mediation account (its balance less the fee reserve) cannot pay
    the applicant's next instalment of the allowance in force (half of it when it is paid twice
    a month: ``installments_for``): the supervisor's overview (issue 16, "Supervisor"). One
    subquery, no case loaded."""
    decision = AllowanceDecision.objects.filter(
        version__case=OuterRef("pk"), version__date__lte=today
    ).order_by("-version__date", "-version__number", "-decided_at", "-id")
    next_instalment = CaseWhen(
        When(next_frequency=Frequency.TWICE_MONTHLY, then=F("next_paid") / 2),
        default=F("next_paid"),
        output_field=MoneyField(),
    )
    available = Coalesce(
        F("account__balance") - F("account__reserve"), Value(ZERO), output_field=MoneyField()
    )
    return (
        cases.filter(status__in=ACTIVE_STATUSES)
        # Only the cases with an allowance decision in force (a semi-join on the decisions):
        # the two subqueries below, a sort each, then run for them alone, not for every
        # running case of the organisation (issue 15).
        .filter(Exists(decision))
        .alias(
            next_paid=Subquery(decision.values("paid_to_applicant")[:1]),
            next_frequency=Subquery(decision.values("frequency")[:1]),
        )
        .filter(next_paid__gt=0)
        .alias(next_instalment=next_instalment, available=available)
        .filter(available__lt=F("next_instalment"))
    )
