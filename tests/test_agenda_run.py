"""The daily run (agenda.services.daily_run, ``manage.py run_daily_jobs``): its window, exactly
once, a failing case, a run killed halfway, and time travel across leap years.

The kinds of duty of the apps (JustRestart fee, annual report…) are tested with their apps; here
a test kind of our own marks each anniversary, so the run's mechanics are tested alone.
"""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agenda import registry
from agenda.models import DailyRun, Duty
from agenda.services import daily_run, duties_settle

from .agenda_probe import KIND, Probe
from .factories import OrganisationFactory, UserFactory, make_case


@pytest.fixture
def probe():
    probe = Probe()
    kind = probe.kind()
    saved = {k.code: k for k in registry.duty_kinds()}
    for code in saved:
        registry.unregister_duty_kind(code)
    registry.register_duty_kind(kind)
    yield probe
    registry.unregister_duty_kind(KIND)
    for kind in saved.values():
        registry.register_duty_kind(kind)


@pytest.fixture
def cases(db):
    org = OrganisationFactory()
    mediator = UserFactory(organisation=org)
    return [
        make_case(
            organisation=org, mediator=mediator, reference="A", admissibility_date=date(2020, 2, 29)
        ),
        make_case(
            organisation=org, mediator=mediator, reference="B", admissibility_date=date(2021, 3, 10)
        ),
        make_case(
            organisation=org,
            mediator=mediator,
            reference="C",
            admissibility_date=date(2019, 1, 5),
            closure_date=date(2022, 6, 1),
        ),
    ]


def duties(reference=None):
    qs = Duty.objects.filter(kind=KIND)
    if reference:
        qs = qs.filter(case__reference=reference)
    return sorted(qs.values_list("case__reference", "due_date"))


def test_first_run_catches_up_and_a_second_run_creates_nothing(probe, cases):
    result = daily_run(run_date=date(2021, 3, 10), catch_up_days=400)
    assert result.from_date == date(2020, 2, 4)
    # A (29/02/2020): 28/02/2021; B (10/03/2021): its admissibility is no anniversary (k = 0);
    # C (05/01/2019): 05/01/2021 (05/01/2020 is before the catch-up start)
    assert duties() == [("A", date(2021, 2, 28)), ("C", date(2021, 1, 5))]
    assert result.created[KIND] == 2
    again = daily_run(run_date=date(2021, 3, 10))
    assert again.from_date == date(2021, 3, 10)
    assert again.created[KIND] == 0
    assert Duty.objects.filter(kind=KIND).count() == 2


def test_the_window_starts_at_the_last_successful_run(probe, cases):
    daily_run(run_date=date(2022, 1, 1), catch_up_days=0)
    assert duties() == []
    result = daily_run(run_date=date(2023, 3, 10))
    assert result.from_date == date(2022, 1, 1)
    # A: 28/02/2022 and 28/02/2023; B: 10/03/2022 and 10/03/2023; C: 05/01/2022 (closed 01/06/2022)
    assert duties() == [
        ("A", date(2022, 2, 28)),
        ("A", date(2023, 2, 28)),
        ("B", date(2022, 3, 10)),
        ("B", date(2023, 3, 10)),
        ("C", date(2022, 1, 5)),
    ]
    assert result.created == {KIND: 5}


def test_leap_years_over_eight_years_of_daily_runs(probe, cases):
    """Travel day by day from 2023 to 2029: a case admitted on 29/02/2020 gets its anniversaries
    on 28/02 in common years and on 29/02/2024 and 29/02/2028."""
    case_a = cases[0]
    daily_run(run_date=date(2023, 1, 1), catch_up_days=0)
    run_date = date(2023, 1, 1)
    while run_date < date(2029, 3, 31):
        run_date += timedelta(days=29)  # a run every 29 days, each catching up the gap
        daily_run(run_date=run_date)
    got = [d for r, d in duties("A")]
    assert got == [
        date(2023, 2, 28),
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
    ]
    assert Duty.objects.filter(case=case_a).count() == 7


def test_a_run_date_before_the_last_successful_run_is_refused(probe, cases):
    daily_run(run_date=date(2023, 5, 1))
    with pytest.raises(CommandError, match="reviendrait en arrière"):
        call_command("run_daily_jobs", "--date", "2023-04-30", stdout=StringIO())
    assert DailyRun.objects.count() == 1


def test_a_failing_case_is_reported_and_does_not_stop_the_others(probe, cases):
    probe.fail_for = {"A"}
    out = StringIO()
    call_command("run_daily_jobs", "--date", "2023-03-15", "--catch-up-days", "60", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["date"] == "2023-03-15"
    assert summary["from"] == "2023-01-14"
    assert summary["cases"] == 2  # C was closed in 2022
    assert summary["created"][KIND] == 1  # B's 10/03/2023
    assert summary["errors"] == [
        {"case": "A", "case_id": cases[0].pk, "error": "données incohérentes (A)"}
    ]
    assert duties() == [("B", date(2023, 3, 10))]


def test_a_run_killed_halfway_is_completed_by_the_next_one(probe, cases):
    probe.interrupt_after = 3  # A's two duties commit, B's is cut
    with pytest.raises(KeyboardInterrupt):
        daily_run(run_date=date(2022, 12, 31), catch_up_days=800)
    assert DailyRun.objects.get().state == DailyRun.State.FAILED
    half = Duty.objects.filter(kind=KIND).count()
    assert half == 2
    probe.interrupt_after = None
    result = daily_run(run_date=date(2022, 12, 31), catch_up_days=800)
    assert result.from_date == date(2020, 10, 22)  # the failed run was not successful
    assert result.created[KIND] + half == Duty.objects.filter(kind=KIND).count()
    # Same set as an uninterrupted run would have made: each anniversary once.
    assert duties() == [
        ("A", date(2021, 2, 28)),
        ("A", date(2022, 2, 28)),
        ("B", date(2022, 3, 10)),
        ("C", date(2021, 1, 5)),
        ("C", date(2022, 1, 5)),
    ]


def test_settled_hook_and_settle_service(probe, cases):
    result = daily_run(run_date=date(2022, 12, 31), catch_up_days=800)
    assert result.settled[KIND] == 2  # the probe "settles" each k = 1 anniversary: A's, B's
    open_ = Duty.objects.filter(kind=KIND, settled_on__isnull=True)
    assert open_.count() == 3
    assert duties_settle(case=cases[2], kind=KIND, on=date(2023, 1, 2)) == 2
    assert open_.count() == 1
    assert daily_run(run_date=date(2023, 1, 2)).settled[KIND] == 0


def test_a_case_entered_after_the_last_run_gets_its_recent_dates(probe, cases):
    daily_run(run_date=date(2026, 11, 1), catch_up_days=0)
    org = cases[0].organisation
    late = make_case(
        organisation=org,
        mediator=cases[0].mediator,
        reference="D",
        admissibility_date=date(2025, 10, 20),
    )
    daily_run(run_date=date(2026, 11, 2), catch_up_days=31)
    assert duties("D") == [("D", date(2026, 10, 20))]
    assert late.duties.count() == 1


def test_bad_command_arguments(db):
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("run_daily_jobs", "--date", "2023-02-30", stdout=StringIO())
    with pytest.raises(CommandError, match="hors de la période"):
        call_command("run_daily_jobs", "--date", "9999-12-31", stdout=StringIO())
    with pytest.raises(CommandError, match="négatif"):
        call_command(
            "run_daily_jobs", "--date", "2023-02-03", "--catch-up-days", "-1", stdout=StringIO()
        )
