"""Reads: the annual reports due, overdue and coming, from the duties the daily run recorded
(``reports.clocks``; the agenda's ``Duty``), for one case, one mediator or an organisation.

A missed report is never forgotten: its duty stays open, and overdue, until a report covering
its year is filed. The coming anniversaries (within ``within_days``) are forecast from the
kind's pure ``produce``, as long as the daily run has not recorded them.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from agenda.models import Duty
from cases.models import Case
from cases.selectors import case_queryset_for
from cases.status import ACTIVE_STATUSES
from core.roles import Role

from . import clocks
from .models import FiledReport
from .selectors import ReportPeriod

UPCOMING = "upcoming"
DUE = "due"
OVERDUE = "overdue"


@dataclass(frozen=True)
class ReportDue:
    case: Case
    year: ReportPeriod
    due_date: date  # the anniversary that ends the year
    deadline: date  # overdue after it
    state: str  # UPCOMING, DUE, OVERDUE
    duty_id: int | None = None  # None: forecast, not recorded yet

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def url(self) -> str:
        return clocks.url_for(self.case.pk, self.year)


def scope_for(user: User) -> QuerySet[Case]:
    """The cases whose reports the user answers for: a mediator's own cases; the whole
    organisation for a supervisor or an administrator."""
    cases = case_queryset_for(user)
    if user.is_authenticated and user.role == Role.MEDIATOR:
        cases = cases.filter(mediator_id=user.pk)
    return cases


def _state(deadline: date, due_date: date, today: date) -> str:
    if deadline < today:
        return OVERDUE
    return DUE if due_date <= today else UPCOMING


def reports_due(cases: QuerySet[Case], today: date, within_days: int = 30) -> list[ReportDue]:
    """Every open ``annual_report_due`` duty of ``cases`` (due or overdue), and the
    anniversaries of the next ``within_days`` days not recorded yet; overdue first, then by
    date."""
    cases = cases.select_related("mediator", "organisation").prefetch_related("applicants")
    duties = (
        Duty.objects.filter(case__in=cases.values("pk"), kind=clocks.KIND)
        .select_related("case", "case__mediator")
        .prefetch_related("case__applicants")
        .order_by("deadline", "case_id")
    )
    running = list(cases.filter(status__in=ACTIVE_STATUSES))
    return _collect(duties, running, today, within_days)


def _collect(duties, running: list[Case], today: date, within_days: int) -> list[ReportDue]:
    found: list[ReportDue] = []
    recorded: set[tuple[int, date]] = set()
    for duty in duties:
        recorded.add((duty.case_id, duty.due_date))
        if duty.settled_on is not None:
            continue
        found.append(
            ReportDue(
                case=duty.case,
                year=clocks.duty_year(duty),
                due_date=duty.due_date,
                deadline=duty.deadline,
                state=_state(duty.deadline, duty.due_date, today),
                duty_id=duty.pk,
            )
        )
    filed: dict[int, list[tuple[date, date]]] = {}
    for case_id, start, end in FiledReport.objects.filter(
        case__in=[c.pk for c in running], period_to__gte=today - timedelta(days=366)
    ).values_list("case_id", "period_from", "period_to"):
        filed.setdefault(case_id, []).append((start, end))
    for case in running:
        for spec in clocks.produce(case, today - timedelta(days=1), today + timedelta(within_days)):
            if (case.pk, spec.due_date) in recorded:
                continue
            year = ReportPeriod(
                date.fromisoformat(spec.data["period_from"]),
                date.fromisoformat(spec.data["period_to"]),
            )
            if any(clocks.covers(start, end, year) for start, end in filed.get(case.pk, [])):
                continue
            found.append(
                ReportDue(
                    case=case,
                    year=year,
                    due_date=spec.due_date,
                    deadline=spec.deadline,
                    state=_state(spec.deadline, spec.due_date, today),
                )
            )
    order = {OVERDUE: 0, DUE: 1, UPCOMING: 2}
    return sorted(found, key=lambda r: (order[r.state], r.due_date, r.case.reference))


@dataclass
class MediatorReports:
    mediator: User
    due: int = 0
    overdue: int = 0
    upcoming: int = 0


def reports_due_by_mediator(user: User, today: date) -> tuple[list[ReportDue], list]:
    """The organisation's reports due (the supervisor's overview), and the counts per
    mediator."""
    items = reports_due(scope_for(user), today)
    rows: dict[int, MediatorReports] = {}
    for item in items:
        row = rows.setdefault(item.case.mediator_id, MediatorReports(mediator=item.case.mediator))
        setattr(row, item.state, getattr(row, item.state) + 1)
    ordered = sorted(rows.values(), key=lambda r: (r.mediator.last_name, r.mediator.first_name))
    return items, ordered


def case_reports_due(case: Case, today: date) -> list[ReportDue]:
    """As :func:`reports_due` for one case already loaded (the case page): its duties are read
    without the case again."""
    duties = list(Duty.objects.filter(case_id=case.pk, kind=clocks.KIND).order_by("deadline"))
    for duty in duties:
        duty.case = case
    running = [case] if case.status in ACTIVE_STATUSES else []
    return _collect(duties, running, today, within_days=366)


def due_in_month(user: User, month: date) -> list[tuple[Case, ReportPeriod]]:
    """The follow-up years whose anniversary falls in ``month`` (its first day) for the user's
    cases, whose report is not filed yet: what "draft all annual reports due this month"
    drafts."""
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    cases = scope_for(user).filter(status__in=ACTIVE_STATUSES).order_by("reference")
    found = []
    for case in cases:
        for spec in clocks.produce(case, first - timedelta(days=1), after):
            year = clocks.year_of(case.admissibility_date, spec.data["k"])
            if any(
                clocks.covers(f, t, year)
                for f, t in FiledReport.objects.filter(case=case).values_list(
                    "period_from", "period_to"
                )
            ):
                continue
            found.append((case, year))
    return found


def cases_with_overdue_reports(cases: QuerySet[Case], today: date) -> QuerySet[Case]:
    """The cases with an annual report overdue (an open ``annual_report_due`` duty past its
    deadline): the supervisor's overview counts them per mediator (issue 16, "Supervisor"),
    one ``EXISTS`` per case in the database, no case loaded in Python."""
    return cases.filter(
        Exists(
            Duty.objects.filter(
                case=OuterRef("pk"),
                kind=clocks.KIND,
                settled_on__isnull=True,
                deadline__lt=today,
            )
        )
    )
