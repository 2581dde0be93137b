"""The plan's clocks in the case's legal calendar (``agenda``): four kinds of duty.

- ``amicable_phase_overdue``: six months after the admissibility order the case is still in the
  amicable phase, without a plan approved (homologated) nor a report of failure (*procès-verbal
  de carence*) recorded (art. 1675/11, §1 C.J.; ``../shared/domain/README.md``, steps 4-5). Not
  recorded when the case left the amicable phase by then; settled on the day it leaves it (the
  status change of the court's decision: ``cases.status``), the day a plan is approved
  (``plans.services.plan_approve`` settles it at once) or the day the failure report is recorded
  (the fee service « Procès-verbal de carence (2,1°) »). Screen: the case's plan.
- ``plan_instalment_missed``: one per instalment of the plan in force that is missed, from the
  plan's monitoring (``plans.engine``: a period's dividends are due ``GRACE_DAYS`` after its last
  day; on that day a creditor paid less than planned through it, beyond ``TOLERANCE``). Its key
  is that day and the subject ``plan-v<number>:<period>``. Settled on the day the payments caught
  up with what was planned through that period, when a later decision replaces the plan, or at
  closure. Screen: the plan's monitoring.
- ``plan_end``: the last day of the plan in force. Settled at closure (the mediator asks for it
  at the end of the plan) or when a later decision replaces the plan. Screen: the case's status.
- ``seven_year_limit``: seven years from the date the law sets for the plan in force
  (``selectors.case_seven_year_start``, ``engine.seven_year_start``; docs/plan-rules.md, 6): the
  admissibility decision for the amicable phase and the amicable plan (art. 1675/10 §5 al. 3 and
  §6 C.J.); for a judicial plan, the judgment that imposed it (art. 1675/12 §2, 1675/13 §2); the
  start the court set by a reasoned decision when one is recorded on the version. A case in total
  remission has no plan, hence no such clock. Settled at closure, or on the decision that moved
  the limit (the new limit is a duty of its own). Screen: the case's status.

Each ``produce`` is a pure read; the plan's arithmetic is ``plans.engine``'s (pure).
"""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db.models import Exists, Min, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agenda.models import Duty
from agenda.registry import DutyKind, DutySpec, shared
from cases.models import Case, StatusChange
from cases.selectors import MAX_PLAN_YEARS
from cases.status import CaseStatus
from core.compiled import models_for_ids, rows_for_ids
from core.dates import add_years
from fees.models import Service, ServiceKind

from . import engine, selectors
from .models import PlanState, PlanVersion

AMICABLE_PHASE_OVERDUE = "amicable_phase_overdue"
PLAN_INSTALMENT_MISSED = "plan_instalment_missed"
PLAN_END = "plan_end"
SEVEN_YEAR_LIMIT = "seven_year_limit"

AMICABLE_PHASE_MONTHS = 6


def _closed_before(case: Case, day: date) -> bool:
    return case.closure_date is not None and day > case.closure_date


# Amicable phase ---------------------------------------------------------------------------


def amicable_phase_end(case: Case) -> date:
    return engine.add_months(case.admissibility_date, AMICABLE_PHASE_MONTHS)


def amicable_phase_left_on(case: Case) -> date | None:
    """The first day the case had a plan approved, a failure report recorded or a status
    other than the amicable phase; None while none of these happened."""
    return amicable_phase_left_on_many([case])[case.pk]


def _left_amicable_query(ids: list[int]) -> QuerySet:
    """The first decision that moved each case out of the amicable phase, and its first
    failure report (``UNION ALL``)."""
    left_status = (
        StatusChange.objects.filter(case_id__in=ids, from_status=CaseStatus.AMICABLE_PHASE)
        .values("case_id")
        .annotate(first=Min("decision_date"))
        .order_by()
        .values_list("case_id", "first")
    )
    failure_reports = (
        Service.objects.filter(case_id__in=ids, kind=ServiceKind.FAILURE_REPORT)
        .values("case_id")
        .annotate(first=Min("date"))
        .order_by()
        .values_list("case_id", "first")
    )
    return left_status.union(failure_reports, all=True)


def amicable_phase_left_on_many(cases: Sequence[Case]) -> dict[int, date | None]:
    """``amicable_phase_left_on`` of many cases in one query and the approved versions
    (``approved_versions_by_case``, shared with the plan's other kinds)."""
    ids = [case.pk for case in cases] or [0]
    days: dict[int, list[date]] = {}
    # one query, its SQL compiled once per number of cases (issue 15)
    for case_id, first in rows_for_ids("plans.left_amicable", _left_amicable_query, ids, Case):
        if first is not None:
            days.setdefault(case_id, []).append(first)
    # the first approved plan's decision: from the approved versions the plan's kinds share
    for case_id, versions in approved_versions_by_case([case.pk for case in cases]).items():
        decided = [v.decision_date for v, _replaced in versions if v.decision_date is not None]
        if decided:
            days.setdefault(case_id, []).append(min(decided))
    left: dict[int, date | None] = {}
    for case in cases:
        found = days.get(case.pk)
        if not found and case.status != CaseStatus.AMICABLE_PHASE:
            # a status set without its history
            left[case.pk] = case.homologation_date or case.closure_date
        else:
            left[case.pk] = min(found) if found else None
    return left


def _amicable_due(case: Case, start: date, end: date) -> date | None:
    due = amicable_phase_end(case)
    if not (start < due <= end) or _closed_before(case, due):
        return None
    return due


def _amicable_spec(due: date, left: date | None) -> list[DutySpec]:
    if left is not None and left <= due:
        return []
    return [DutySpec(kind=AMICABLE_PHASE_OVERDUE, due_date=due, deadline=due)]


def produce_amicable_phase(case: Case, start: date, end: date) -> Iterable[DutySpec]:
    due = _amicable_due(case, start, end)
    if due is None:
        return []
    return _amicable_spec(due, amicable_phase_left_on(case))


def produce_amicable_phase_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    due = {case.pk: _amicable_due(case, start, end) for case in cases}
    pending = [case for case in cases if due[case.pk] is not None]
    # every case's (the approved versions are shared with the other plan kinds): the same
    # queries whether a case is pending or not
    left = amicable_phase_left_on_many(cases)
    return {case.pk: _amicable_spec(due[case.pk], left[case.pk]) for case in pending}


def settled_amicable_phase(duties: list) -> dict[int, date]:
    left = amicable_phase_left_on(duties[0].case)
    return {d.pk: left for d in duties} if left is not None else {}


# The plan in force --------------------------------------------------------------------------


def approved_versions(case: Case) -> list[tuple[PlanVersion, date | None]]:
    """The approved versions in the order of their decisions, each with the date the next
    decision replaced it (None: in force)."""
    versions = approved_versions_by_case([case.pk]).get(case.pk, [])
    for version, _replaced_on in versions:
        version.case = case
    return versions


def approved_versions_by_case(
    case_ids: list[int],
) -> dict[int, list[tuple[PlanVersion, date | None]]]:
    """``approved_versions`` of many cases in one query (the callers hold the cases: they are
    not read again with each version), shared by the plan's kinds within the agenda's
    ``shared_reads`` (the forecast, the daily run)."""
    return shared(
        ("plans.approved_versions", tuple(case_ids)), lambda: _approved_versions_by_case(case_ids)
    )


def _plans_in_force_by_case(case_ids: list[int]) -> dict[int, PlanVersion]:
    """``selectors.plan_in_force`` of many cases, from ``approved_versions_by_case``: the
    version decided last (by decision date, then number) of each case."""
    return {
        case_id: versions[-1][0]
        for case_id, versions in approved_versions_by_case(case_ids).items()
    }


def _approved_versions_query(case_ids: list[int]) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(case_id__in=case_ids, state=PlanState.APPROVED).order_by(
        "case_id", "decision_date", "number"
    )


def _approved_versions_by_case(
    case_ids: list[int],
) -> dict[int, list[tuple[PlanVersion, date | None]]]:
    by_case: dict[int, list[PlanVersion]] = {}
    for version in models_for_ids(
        "plans.approved_versions", _approved_versions_query, case_ids, PlanVersion
    ):
        by_case.setdefault(version.case_id, []).append(version)
    return {
        case_id: [
            (version, versions[i + 1].decision_date if i + 1 < len(versions) else None)
            for i, version in enumerate(versions)
        ]
        for case_id, versions in by_case.items()
    }


def _in_force_on(version: PlanVersion, replaced_on: date | None, day: date) -> bool:
    return version.decision_date <= day and (replaced_on is None or day < replaced_on)


def _result(version: PlanVersion) -> engine.InstalmentSchedule | None:
    return selectors.instalment_schedules([version])[version.pk]


def _instalments_due_in(
    version: PlanVersion, replaced_on: date | None, start: date, end: date
) -> bool:
    """Whether an instalment of ``version`` falls due in the window while it is in force (else
    the plan is not computed)."""
    if version.decision_date > end or (replaced_on is not None and replaced_on <= start):
        return False  # not in force in the window
    days = engine.instalment_due_days(
        version.start_date, version.duration_months, version.frequency_months
    )
    after = bisect_right(days, start)  # the first due day after start
    return after < len(days) and days[after] <= end


def _missed(
    case: Case,
    version: PlanVersion,
    replaced_on: date | None,
    result: engine.InstalmentSchedule,
    payments: list[engine.Payment],
    start: date,
    end: date,
) -> Iterable[DutySpec]:
    days = engine.instalment_due_days(
        version.start_date, version.duration_months, version.frequency_months
    )  # the periods of ``result``, computed on the version's terms
    for i in range(bisect_right(days, start), bisect_right(days, end)):
        period, day = result.periods[i], days[i]
        if _closed_before(case, day):
            continue
        if not _in_force_on(version, replaced_on, day):
            continue
        shortfall = engine.instalment_shortfall(result, payments, period.index, day)
        if shortfall <= 0:
            continue
        yield DutySpec(
            kind=PLAN_INSTALMENT_MISSED,
            due_date=day,
            subject=f"plan-v{version.number}:{period.index}",
            deadline=day,
            data={
                "version": version.number,
                "period": period.index,
                "period_from": period.start.isoformat(),
                "period_last_day": period.last_day.isoformat(),
                "shortfall": str(shortfall),
            },
        )


def produce_instalments(case: Case, start: date, end: date) -> Iterable[DutySpec]:
    for version, replaced_on in approved_versions(case):
        if not _instalments_due_in(version, replaced_on, start, end):
            continue
        result = _result(version)
        if result is None:
            continue
        payments = selectors.dividends_paid(case, start=version.start_date, end=end)
        yield from _missed(case, version, replaced_on, result, payments, start, end)


def produce_instalments_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    """``produce_instalments`` for many cases: the approved versions in one query (shared with
    the other plan kinds); for those with an instalment due in the window, their schedules and
    the dividends paid in four (``plans.selectors.clock_schedules``; a frozen version's basis is
    its snapshot), run whatever the number of those versions, none too."""
    by_case = approved_versions_by_case([case.pk for case in cases])
    needed = [
        (case, version, replaced_on)
        for case in cases
        for version, replaced_on in by_case.get(case.pk, ())
        if _instalments_due_in(version, replaced_on, start, end)
    ]
    # Read even when no instalment falls due: the same queries whatever the data (issue 15).
    reads = selectors.clock_schedules([version for _c, version, _r in needed], start=start, end=end)
    found: dict[int, list[DutySpec]] = {}
    for case, version, replaced_on in needed:
        result = reads.schedules[version.pk]
        if result is None:
            continue
        payments = [p for p in reads.paid.get(case.pk, ()) if p.day >= version.start_date]
        found.setdefault(case.pk, []).extend(
            _missed(case, version, replaced_on, result, payments, start, end)
        )
    return found


def _replaced_or_closed(case: Case, versions, number: int) -> date | None:
    """When the plan version ``number`` stopped binding: a later decision, or the closure."""
    for version, replaced_on in versions:
        if version.number == number and replaced_on is not None:
            return replaced_on
    return case.closure_date


def settled_instalments(duties: list) -> dict[int, date]:
    case = duties[0].case
    versions = approved_versions(case)
    by_number = {version.number: version for version, _replaced in versions}
    results: dict[int, engine.InstalmentSchedule | None] = {}
    payments = selectors.dividends_paid(case)
    done: dict[int, date] = {}
    for duty in duties:
        number = duty.data.get("version")
        version = by_number.get(number)
        ended = _replaced_or_closed(case, versions, number)
        if version is None:  # the version is gone: nothing left to catch up
            done[duty.pk] = ended or duty.due_date
            continue
        if number not in results:
            results[number] = _result(version)
        result = results[number]
        caught = engine.caught_up_on(result, payments, duty.data["period"]) if result else None
        if caught is not None and caught < duty.due_date:
            caught = duty.due_date  # paid late but before the run saw it
        candidates = [d for d in (caught, ended) if d is not None]
        if candidates:
            done[duty.pk] = min(candidates)
    return done


def _plan_ends(case: Case, versions, start: date, end: date) -> list[DutySpec]:
    specs = []
    for version, replaced_on in versions:
        last_day = engine.add_months(version.start_date, version.duration_months) - timedelta(1)
        if not (start < last_day <= end) or _closed_before(case, last_day):
            continue
        if replaced_on is not None and replaced_on <= last_day:
            continue  # a later decision changed the plan before its end
        specs.append(
            DutySpec(
                kind=PLAN_END,
                due_date=last_day,
                subject=f"plan-v{version.number}",
                deadline=last_day,
                data={"version": version.number, "start": version.start_date.isoformat()},
            )
        )
    return specs


def produce_plan_end(case: Case, start: date, end: date) -> Iterable[DutySpec]:
    return _plan_ends(case, approved_versions(case), start, end)


def produce_plan_end_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    by_case = approved_versions_by_case([case.pk for case in cases])
    return {
        case.pk: _plan_ends(case, by_case[case.pk], start, end)
        for case in cases
        if case.pk in by_case
    }


def settled_plan_end(duties: list) -> dict[int, date]:
    case = duties[0].case
    versions = approved_versions(case)
    done = {}
    for duty in duties:
        ended = _replaced_or_closed(case, versions, duty.data.get("version"))
        if ended is not None:
            done[duty.pk] = ended
    return done


# The seven-year limit -----------------------------------------------------------------------


def seven_year_start(case: Case) -> date | None:
    """The date the law counts the seven years from (``selectors.case_seven_year_start``); None
    without a plan to limit (total remission)."""
    begin = selectors.case_seven_year_start(case)
    return begin.day if begin else None


def seven_year_limit(case: Case) -> date | None:
    begin = seven_year_start(case)
    return add_years(begin, MAX_PLAN_YEARS) if begin else None


def produce_seven_years(case: Case, start: date, end: date) -> Iterable[DutySpec]:
    return _seven_years(case, selectors.case_seven_year_start(case), start, end)


def _seven_years(case: Case, begin, start: date, end: date) -> Iterable[DutySpec]:
    if begin is None:
        return
    due = add_years(begin.day, MAX_PLAN_YEARS)
    if not (start < due <= end) or _closed_before(case, due):
        return
    yield DutySpec(
        kind=SEVEN_YEAR_LIMIT,
        due_date=due,
        deadline=due,
        data={"from": begin.day.isoformat(), "source": begin.source},
    )


def settled_seven_years(duties: list) -> dict[int, date]:
    """Settled at closure; a limit a later decision moved (a judicial plan's judgment, a start
    the court set) is settled on that decision: the new limit is its own duty."""
    case = duties[0].case
    done = settled_at_closure(duties)
    current = seven_year_limit(case)
    version = selectors.plan_in_force(case)
    for duty in duties:
        if duty.pk in done or duty.due_date == current:
            continue
        moved_on = version.decision_date if version is not None else None
        done[duty.pk] = moved_on or duty.due_date
    return done


def produce_seven_years_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    in_force = _plans_in_force_by_case([case.pk for case in cases])  # shared: one query
    return {
        case.pk: list(
            _seven_years(
                case,
                selectors.case_seven_year_start(case, in_force.get(case.pk)),
                start,
                end,
            )
        )
        for case in cases
    }


def settled_at_closure(duties: list) -> dict[int, date]:
    closure = duties[0].case.closure_date
    return {d.pk: closure for d in duties} if closure is not None else {}


# Screens --------------------------------------------------------------------------------------


def url_plan(duty) -> str:
    return reverse("plans:case_plan", args=[duty.case_id])


def url_monitoring(duty) -> str:
    return reverse("plans:monitoring", args=[duty.case_id])


def url_status(duty) -> str:
    return reverse("cases:status", args=[duty.case_id])


DUTY_KINDS = (
    DutyKind(
        code=AMICABLE_PHASE_OVERDUE,
        label=_("Phase amiable de plus de six mois"),
        produce=produce_amicable_phase,
        produce_many=produce_amicable_phase_many,
        settled=settled_amicable_phase,
        url=url_plan,
        order=40,
    ),
    DutyKind(
        code=PLAN_INSTALMENT_MISSED,
        label=_("Échéance du plan non payée"),
        produce=produce_instalments,
        produce_many=produce_instalments_many,
        settled=settled_instalments,
        url=url_monitoring,
        order=50,
    ),
    DutyKind(
        code=PLAN_END,
        label=_("Fin du plan"),
        produce=produce_plan_end,
        produce_many=produce_plan_end_many,
        settled=settled_plan_end,
        url=url_status,
        order=60,
    ),
    DutyKind(
        code=SEVEN_YEAR_LIMIT,
        label=_("Limite des sept ans"),
        produce=produce_seven_years,
        produce_many=produce_seven_years_many,
        settled=settled_seven_years,
        url=url_status,
        order=70,
    ),
)


def cases_in_arrears(cases: QuerySet[Case], today: date) -> QuerySet[Case]:
    """The cases with a missed instalment of their plan not caught up yet (an open
    ``plan_instalment_missed`` duty): the supervisor's overview (issue 16, "Supervisor"). One
    ``EXISTS`` per case, in the database."""
    return cases.filter(
        Exists(
            Duty.objects.filter(
                case=OuterRef("pk"), kind=PLAN_INSTALMENT_MISSED, settled_on__isnull=True
            )
        )
    )
