"""The supervisor's "over 7 years" count agrees with the plan's rule (issue 12, "Plan rules":
"the seven years run from the date the law sets for the plan's kind ... with the reasoned
exception recorded"; docs/plan-rules.md, 6).

The count is ``plans.selectors.over_seven_years`` (registered with ``cases.registry``), one
aggregate query per count whatever the number of cases; the rule is
``plans.selectors.case_seven_year_start`` (``engine.seven_year_start``): the plan in force's
start (the admissibility decision for an amicable plan, the judgment for a judicial one, the
start the court set with a reason), the decision of a judicial status recorded without its plan,
else the admissibility decision; total remission has no plan to limit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors import supervisor_overview
from core.dates import add_years
from plans import engine
from plans.models import PlanState, PlanVersion
from plans.selectors import (
    case_seven_year_start,
    over_seven_years,
    seven_years_horizon,
    seven_years_over,
)

from .factories import make_case

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
REASON = "Retard de fixation non imputable au requérant"


def _version(case, number, kind, decision_date, **kw):
    values = {
        "case": case,
        "number": number,
        "kind": kind,
        "state": PlanState.APPROVED,
        "start_date": decision_date,
        "duration_months": 60,
        "monthly_available": Decimal("300.00"),
        "decision_date": decision_date,
        "created_by": case.mediator,
        "legal_basis": "amicable" if kind == "amicable" else "judicial_1675_12",
    }
    values.update(kw)
    return PlanVersion.objects.create(**values)


def _case(world, reference, admissibility, status="amicable_phase", **fields):
    case = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference=reference,
        admissibility_date=admissibility,
    )
    Case.objects.filter(pk=case.pk).update(status=status, **fields)
    case.refresh_from_db()
    return case


def _cases(world, horizon: date) -> dict[str, tuple[Case, bool, str]]:
    """Cases on each side of ``horizon`` (the latest start whose seven years are over), each
    with whether it counts and the source of its start."""
    h = horizon
    found = {}

    def add(case, counts, source):
        found[case.reference] = (case, counts, source)

    add(_case(world, "PHASE-OVER", h), True, engine.SOURCE_ADMISSIBILITY)
    add(_case(world, "PHASE-NOT", h + DAY), False, engine.SOURCE_ADMISSIBILITY)
    # an amicable plan counts from admissibility, whatever the designation or its decision
    case = _case(
        world, "AMI-DESIGNATED", h - 30 * DAY, "amicable_plan", mediator_designation_date=h + DAY
    )
    _version(case, 1, "amicable", h + 60 * DAY)
    add(case, True, engine.SOURCE_ADMISSIBILITY)
    # ... unless the court set a later start, with its reason (art. 1675/10 §5 al. 3 C.J.)
    case = _case(world, "AMI-COURT-LATER", h - 200 * DAY, "amicable_plan")
    _version(
        case, 1, "amicable", h - 100 * DAY, court_count_from=h + DAY, court_count_reason=REASON
    )
    add(case, False, engine.SOURCE_COURT)
    # a judicial plan counts from its judgment (art. 1675/12 §2, 1675/13 §2 C.J.) ...
    case = _case(world, "JUD-RECENT", h - 400 * DAY, "judicial_plan", homologation_date=h + DAY)
    _version(case, 1, "judicial", h + DAY)
    add(case, False, engine.SOURCE_JUDGMENT)
    # ... the plan's judgment, even when the case's status decision is recorded otherwise
    case = _case(world, "JUD-PLAN-DATE", h - 400 * DAY, "judicial_plan", homologation_date=h + DAY)
    _version(case, 1, "judicial", h)
    add(case, True, engine.SOURCE_JUDGMENT)
    # ... or from the start its court set back to admissibility
    case = _case(world, "JUD-COURT-BACK", h - 400 * DAY, "judicial_plan", homologation_date=h + DAY)
    _version(
        case,
        1,
        "judicial",
        h + DAY,
        court_count_from=h - 400 * DAY,
        court_count_reason=REASON,
        court_count_reference="Rép. 2019/12",
    )
    add(case, True, engine.SOURCE_COURT)
    # a start without a reason is no court decision (the rule ignores it)
    case = _case(world, "JUD-NO-REASON", h - 400 * DAY, "judicial_plan", homologation_date=h + DAY)
    _version(case, 1, "judicial", h + DAY, court_count_from=h - 400 * DAY, court_count_reason="  ")
    add(case, False, engine.SOURCE_JUDGMENT)
    # the plan in force is the approved version decided last (a revision's judgment)
    case = _case(world, "JUD-REVISED", h - 400 * DAY, "judicial_plan", homologation_date=h - DAY)
    _version(case, 1, "judicial", h - DAY)
    _version(case, 2, "judicial", h + 10 * DAY, revision_of=case.plan_versions.get(number=1))
    add(case, False, engine.SOURCE_JUDGMENT)
    # a judicial status recorded without its plan: the decision of that status
    case = _case(world, "JUD-NO-PLAN", h - 400 * DAY, "judicial_plan", homologation_date=h)
    add(case, True, engine.SOURCE_JUDGMENT)
    case = _case(
        world, "JUD-NO-PLAN-NOT", h - 400 * DAY, "judicial_plan", homologation_date=h + DAY
    )
    add(case, False, engine.SOURCE_JUDGMENT)
    # no plan to limit, or no longer running
    add(_case(world, "REMISSION", h - 900 * DAY, "total_remission"), False, "")
    add(_case(world, "CLOSED", h - 900 * DAY, "closed"), False, engine.SOURCE_ADMISSIBILITY)
    return found


def _counted(today: date) -> set[str]:
    return set(over_seven_years(Case.objects.all(), today).values_list("reference", flat=True))


def test_the_count_and_its_list_agree_with_the_rule(client, world):
    today = timezone.localdate()  # the list behind the number counts on today
    horizon = seven_years_horizon(today)
    cases = _cases(world, horizon)
    for reference, (case, counts, source) in cases.items():
        begin = case_seven_year_start(case)
        if source:
            assert begin.source == source, reference
            rule = case.status != "closed" and add_years(begin.day, 7) <= today
        else:
            assert begin is None, reference
            rule = False
        assert seven_years_over(case, today) is counts is rule, reference
    expected = {reference for reference, (_case, counts, _s) in cases.items() if counts}
    assert expected == {
        "PHASE-OVER",
        "AMI-DESIGNATED",
        "JUD-PLAN-DATE",
        "JUD-COURT-BACK",
        "JUD-NO-PLAN",
    }
    assert _counted(today) == expected
    rows = {row.mediator.username: row for row in supervisor_overview(world.supervisor, today)}
    assert rows["colleague"].count("over_seven_years") == len(expected)
    client.force_login(world.supervisor)
    link = f"?mediator={world.colleague.pk}&amp;flag=over_seven_years"
    assert link in client.get(reverse("cases:overview")).content.decode()
    listed = client.get(reverse("cases:list") + link.replace("&amp;", "&"))
    assert {c.reference for c in listed.context["page"]} == expected


def test_the_count_agrees_with_the_rule_on_every_day_around_each_start(world):
    horizon = date(2019, 3, 10)
    cases = _cases(world, horizon)
    starts = {case_seven_year_start(c).day for c, _n, s in cases.values() if s}
    days = {add_years(d, 7) + k * DAY for d in starts for k in (-1, 0, 1)}
    for today in sorted(days):
        rule = {ref for ref, (c, _n, _s) in cases.items() if seven_years_over(c, today)}
        assert _counted(today) == rule, today


def test_seven_years_after_the_29th_of_february(world):
    # 29/02/2016 + 7 years is 28/02/2023 (core.dates.add_years): over on that day, not before
    case = _case(world, "LEAP", date(2016, 2, 29))
    assert seven_years_horizon(date(2023, 2, 28)) == date(2016, 2, 29)
    assert seven_years_horizon(date(2023, 3, 1)) == date(2016, 3, 1)
    assert seven_years_horizon(date(2024, 2, 29)) == date(2017, 2, 28)
    for today, over in ((date(2023, 2, 27), False), (date(2023, 2, 28), True)):
        assert seven_years_over(case, today) is over
        assert ("LEAP" in _counted(today)) is over


def test_the_overview_reads_the_count_in_a_constant_number_of_queries(world):
    today = timezone.localdate()
    horizon = seven_years_horizon(today)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            supervisor_overview(world.supervisor, today)
        return len(captured)

    for n in range(3):
        case = _case(world, f"SMALL-{n}", horizon - DAY, "judicial_plan", homologation_date=horizon)
        _version(
            case, 1, "judicial", horizon, court_count_from=horizon - DAY, court_count_reason=REASON
        )
    small = queries()
    for n in range(12):
        case = _case(world, f"LARGE-{n}", horizon - DAY, "amicable_plan")
        _version(case, 1, "amicable", horizon + DAY)
    assert queries() == small
    rows = {row.mediator.username: row for row in supervisor_overview(world.supervisor, today)}
    assert rows["colleague"].count("over_seven_years") == 15
