"""What the mediator's annual report says, read from every module of the case.

The content is the one the law and practice ask of the report filed at each anniversary
(``../shared/domain/README.md``, "Execution", step 6; MEDENAM technical sheet, art. 2, 3°, in
``../shared/seeds/``): the state of the procedure and its evolution, a copy of the journal of the
mediation account, the applicant's detailed budget, an updated list of the claims, and the
period for which taxation is requested. Everything is read as it stands on the period's last
day (``as_of``), never from ``now()``: a report on a past year says what was true then, the
budget and plan included. Plain reads: nothing is written here.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext as _

from budget import selectors as budget_selectors
from budget.models import AllowanceDecision, BudgetVersion
from cases.models import Case, StatusChange
from cases.status import CaseStatus
from claims.selectors import ClaimsTable, claims_table
from core.dates import add_years, format_date
from core.money import format_eur
from fees.models import FeeStatement
from ledger.models import Account
from ledger.selectors import PeriodSummary, account_of, period_summary
from plans import engine as plan_engine
from plans import selectors as plan_selectors
from plans.models import PlanVersion

from . import court_checks
from .models import FiledReport
from .narrative import ExecutionFacts, Sentence, execution_sentences

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ReportPeriod:
    """``[start, end)``: the year between two anniversaries of the admissibility order, or a
    shorter period (a report at the court's request, at the end of the plan)."""

    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def anniversary_periods(case: Case, today: date) -> list[ReportPeriod]:
    """The follow-up years of the case that have begun by ``today``, most recent first. The
    admissibility date is the anniversary date (domain/README.md, "The life of a case")."""
    periods = []
    k = 1
    while add_years(case.admissibility_date, k - 1) <= today:
        periods.append(
            ReportPeriod(
                add_years(case.admissibility_date, k - 1), add_years(case.admissibility_date, k)
            )
        )
        k += 1
    return list(reversed(periods))


def default_period(case: Case, today: date) -> ReportPeriod:
    """The last complete follow-up year (the report is filed at the anniversary that ends it),
    or the current one when the first year is not over yet."""
    periods = anniversary_periods(case, today)
    if not periods:  # admissibility still to come
        return ReportPeriod(case.admissibility_date, add_years(case.admissibility_date, 1))
    complete = [p for p in periods if p.end <= today + timedelta(days=1)]
    return complete[0] if complete else periods[-1]


@dataclass
class CreditorDividends:
    creditor_id: int
    name: str
    in_period: Decimal = ZERO
    cumulated: Decimal = ZERO


@dataclass
class PlanSection:
    version: PlanVersion
    view: plan_selectors.PlanView
    monitoring: plan_engine.Monitoring | None


@dataclass
class AnnualReport:
    case: Case
    period: ReportPeriod
    as_of: date
    applicants: list
    status_changes: list[StatusChange]
    account: Account | None
    ledger: PeriodSummary | None
    budget_version: BudgetVersion | None
    allowance: AllowanceDecision | None
    budget_resources: Decimal | None
    claims: ClaimsTable
    dividends: list[CreditorDividends]
    plan: PlanSection | None
    fee_statement: FeeStatement | None
    warnings: list[str] = field(default_factory=list)
    # the figures the report's sentences on the execution are derived from (reports.narrative)
    execution: ExecutionFacts | None = None

    @property
    def narrative(self) -> list[Sentence]:
        """What the report says of the execution, in the language active when it is read (the
        document's, ``reports.pdf``)."""
        return execution_sentences(self.execution) if self.execution else []

    @property
    def status(self) -> str:
        """The case's status on the period's last day (the latest decision by then)."""
        if not self.status_changes:
            return CaseStatus.AMICABLE_PHASE
        return self.status_changes[-1].to_status

    @property
    def status_label(self) -> str:
        return str(CaseStatus(self.status).label)

    @property
    def dividends_in_period(self) -> Decimal:
        return sum((d.in_period for d in self.dividends), ZERO)

    @property
    def dividends_cumulated(self) -> Decimal:
        return sum((d.cumulated for d in self.dividends), ZERO)


def _dividends(case: Case, period: ReportPeriod, claims: ClaimsTable) -> list[CreditorDividends]:
    rows: dict[int, CreditorDividends] = {
        row.creditor.pk: CreditorDividends(creditor_id=row.creditor.pk, name=row.creditor.name)
        for row in claims.rows
    }
    payments = plan_selectors.dividends_paid(case, before=period.end)
    # a creditor paid whose claims are no longer in the case: named from the directory
    others = plan_selectors.creditor_names(
        {p.creditor_key for p in payments if int(p.creditor_key) not in rows}
    )
    for payment in payments:
        pk = int(payment.creditor_key)
        row = rows.get(pk)
        if row is None:
            name = others.get(payment.creditor_key, payment.creditor_key)
            row = rows[pk] = CreditorDividends(creditor_id=pk, name=name)
        row.cumulated += payment.amount
        if payment.day >= period.start:
            row.in_period += payment.amount
    return sorted(rows.values(), key=lambda r: (r.name.lower(), r.creditor_id))


def _plan(case: Case, as_of: date) -> PlanSection | None:
    version = (
        PlanVersion.objects.filter(case=case, state="approved", decision_date__lte=as_of)
        .order_by("-decision_date", "-number")
        .first()
    )
    if version is None:
        return None
    view, monitoring = plan_selectors.monitoring(version, as_of)
    return PlanSection(version=version, view=view, monitoring=monitoring)


def _fee_statement(case: Case, period: ReportPeriod) -> FeeStatement | None:
    """The fee statement of exactly this period (the taxation requested with the report): the
    filed one rather than a draft, the latest."""
    return (
        FeeStatement.objects.filter(case=case, period_from=period.start, period_to=period.end)
        .order_by(F("filed_at").desc(nulls_last=True), "-created_at", "-id")
        .first()
    )


def annual_report(case: Case, period: ReportPeriod) -> AnnualReport:
    """Everything the report prints, as it stood on the period's last day."""
    as_of = period.last_day
    warnings: list[str] = []
    account = account_of(case)
    ledger = period_summary(account, period.start, period.end) if account else None
    if account is None:
        warnings.append(_("Aucun compte de médiation n'est ouvert : le livre-journal est vide."))
    version = budget_selectors.version_in_force(case, as_of)
    allowance = budget_selectors.latest_decision(version) if version else None
    resources = budget_selectors.totals_of(version).resources if version else None
    if version is None:
        warnings.append(
            _("Aucun budget n'est établi au %(date)s : le budget détaillé ne peut être joint.")
            % {"date": format_date(as_of)}
        )
    elif allowance is None:
        warnings.append(
            _("Le pécule de médiation du budget n° %(n)s n'est pas fixé.") % {"n": version.number}
        )
    claims = claims_table(case)
    plan = _plan(case, as_of)
    if plan and plan.monitoring and plan.monitoring.behind:
        warnings.append(
            _("Le plan accuse un retard de paiement de %(amount)s au %(date)s.")
            % {"amount": format_eur(plan.monitoring.shortfall), "date": format_date(as_of)}
        )
    overpaid = tuple(
        c for c in court_checks.paid_against_ceilings(case, before=period.end) if c.beyond > ZERO
    )
    for creditor in overpaid:
        warnings.append(
            _("%(name)s a reçu %(beyond)s au-delà de sa créance.")
            % {"name": creditor.name, "beyond": format_eur(creditor.beyond)}
        )
    monitoring = plan.monitoring if plan else None
    execution = ExecutionFacts(
        as_of=as_of,
        plan_in_force=plan is not None,
        monitored=monitoring is not None,
        shortfall=monitoring.shortfall if monitoring else ZERO,
        overpaid=overpaid,
        outside_plan=sum((p.amount for p in monitoring.outside), ZERO) if monitoring else ZERO,
        closing_balance=ledger.closing.balance if ledger else None,
        reserve=ledger.closing.reserve if ledger else ZERO,
    )
    fee_statement = _fee_statement(case, period)
    if fee_statement is None:
        warnings.append(
            _(
                "Aucun état de frais et honoraires n'est établi pour cette période (onglet "
                "Honoraires) : la taxation demandée n'est pas chiffrée."
            )
        )
    return AnnualReport(
        case=case,
        period=period,
        as_of=as_of,
        applicants=list(case.applicants.order_by("position")),
        status_changes=list(
            case.status_changes.filter(decision_date__lte=as_of).order_by("decision_date", "id")
        ),
        account=account,
        ledger=ledger,
        budget_version=version,
        allowance=allowance,
        budget_resources=resources,
        claims=claims,
        dividends=_dividends(case, period, claims),
        plan=plan,
        fee_statement=fee_statement,
        warnings=warnings,
        execution=execution,
    )


def filed_reports(case: Case):
    """The reports filed for the case, the latest period first."""
    return FiledReport.objects.filter(case=case).select_related(
        "document", "filed_by", "applicant_copy"
    )
