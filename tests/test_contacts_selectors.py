"""Negotiation log selectors: the to-do list (ordering, scoping), the badge, the history per
creditor, the case overview summary and the supervisors' overdue follow-ups."""

from datetime import date, timedelta

import pytest
from django.http import Http404

from cases.services import case_replace_mediator
from claims import services as claims_services
from contacts import selectors
from contacts.models import Outcome
from contacts.services import follow_up_mark_done
from core.roles import Role
from tests.factories import UserFactory, make_case
from tests.test_contacts_services import declare, make_creditor, make_representative, record

TODAY = date(2024, 5, 15)


@pytest.fixture
def creditor(world):
    return make_creditor(world.org)


def follow_up(case, by, creditor, on, **extra):
    return record(case, by, creditor, date=date(2024, 1, 10), follow_up_on=on, **extra)


def test_todo_overdue_first_then_today_then_upcoming(world, creditor):
    upcoming = follow_up(world.case, world.mediator, creditor, TODAY + timedelta(days=3))
    due_today = follow_up(world.case, world.mediator, creditor, TODAY)
    late = follow_up(world.case, world.mediator, creditor, TODAY - timedelta(days=2))
    very_late = follow_up(world.case, world.mediator, creditor, TODAY - timedelta(days=40))
    later = follow_up(world.case, world.mediator, creditor, TODAY + timedelta(days=30))
    done = follow_up(world.case, world.mediator, creditor, TODAY - timedelta(days=5))
    follow_up_mark_done(entry=done, by=world.mediator)
    record(world.case, world.mediator, creditor)  # no follow-up at all

    todo = selectors.todo_list(world.mediator, TODAY)

    assert todo.overdue == [very_late, late]
    assert todo.today == [due_today]
    assert todo.upcoming == [upcoming, later]
    assert todo.urgent == 3 and todo.total == 5
    assert todo.overdue[0].follow_up_state == "overdue"
    assert todo.overdue[0].days_late == 40
    assert todo.upcoming[0].days_left == 3
    assert selectors.todo_badge_count(world.mediator, TODAY) == 3


def test_todo_is_the_designated_mediators_not_the_recorders(world, creditor):
    colleague_case = make_case(
        organisation=world.org, mediator=world.colleague, reference="NAM-2023-0099"
    )
    mine = follow_up(world.case, world.mediator, creditor, TODAY)
    # recorded by the administrator in the mediator's case: still the mediator's to-do
    by_admin = follow_up(world.case, world.administrator, creditor, TODAY)
    theirs = follow_up(colleague_case, world.colleague, creditor, TODAY)
    foreign_creditor = make_creditor(world.other_org, "Engie")
    foreign = follow_up(world.other_case, world.other_mediator, foreign_creditor, TODAY)

    def ids(user):
        return {e.pk for e in selectors.todo_list(user, TODAY).today}

    assert ids(world.mediator) == {mine.pk, by_admin.pk}
    assert ids(world.colleague) == {theirs.pk}
    assert ids(world.administrator) == {mine.pk, by_admin.pk, theirs.pk}  # the organisation's
    assert ids(world.other_mediator) == {foreign.pk}
    for user in (world.supervisor, world.clerk, world.other_supervisor):
        assert ids(user) == set()
        assert selectors.todo_badge_count(user, TODAY) == 0


def test_a_replaced_mediator_hands_over_the_follow_ups(world, creditor):
    entry = follow_up(world.case, world.mediator, creditor, TODAY)
    case_replace_mediator(
        case=world.case,
        new_mediator=world.colleague,
        replacement_date=date(2024, 2, 1),
        reason="Départ",
        by=world.administrator,
    )
    assert selectors.todo_list(world.mediator, TODAY).total == 0
    assert selectors.todo_list(world.colleague, TODAY).today == [entry]


def test_an_inactive_user_has_no_todo(world, creditor):
    follow_up(world.case, world.mediator, creditor, TODAY)
    world.mediator.is_active = False
    assert selectors.todo_badge_count(world.mediator, TODAY) == 0


def test_entry_get_for_user_is_scoped(world, creditor):
    entry = record(world.case, world.mediator, creditor)
    assert selectors.entry_get_for_user(world.supervisor, entry.pk, world.case.pk) == entry
    with pytest.raises(Http404):
        selectors.entry_get_for_user(world.other_mediator, entry.pk, world.case.pk)
    with pytest.raises(Http404):
        selectors.entry_get_for_user(world.clerk, entry.pk, world.case.pk)
    with pytest.raises(Http404):  # right entry, wrong case in the URL
        selectors.entry_get_for_user(world.mediator, entry.pk, world.other_case.pk)


def test_history_per_creditor_newest_first(world, creditor):
    proximus = make_creditor(world.org, "Proximus")
    declare(world.case, proximus)  # declared, not contacted yet
    make_creditor(world.org, "Belfius")  # in the directory only: not part of the case
    bailiff = make_representative(world.org)
    claims_services.representation_add(
        case=world.case, creditor=creditor, representative=bailiff, file_reference="D-1"
    )
    first = record(world.case, world.mediator, creditor, date=date(2023, 1, 5))
    second = record(
        world.case, world.mediator, creditor, date=date(2023, 2, 5), representative=bailiff
    )
    same_day_later = record(world.case, world.mediator, creditor, date=date(2023, 2, 5))

    history = selectors.case_negotiation_history(world.case, TODAY)

    assert [g.creditor.name for g in history] == ["Partena Professional", "Proximus"]
    partena, prox = history
    assert partena.entries == [same_day_later, second, first]
    assert partena.last == same_day_later
    assert partena.entries[1].representative == bailiff
    assert [(rep, refs) for rep, refs in partena.representatives] == [(bailiff, ["D-1"])]
    assert not partena.declared
    assert prox.entries == [] and prox.declared and prox.last is None


def test_history_filters(world, creditor):
    proximus = make_creditor(world.org, "Proximus")
    refusal = record(world.case, world.mediator, creditor, outcome=Outcome.REFUSAL)
    agreement = record(world.case, world.mediator, creditor, outcome=Outcome.AGREEMENT)
    record(world.case, world.mediator, proximus, outcome=Outcome.REFUSAL)

    by_outcome = selectors.case_negotiation_history(
        world.case, TODAY, selectors.HistoryFilters(outcome=Outcome.AGREEMENT)
    )
    assert [(g.creditor, g.entries) for g in by_outcome] == [(creditor, [agreement])]

    by_creditor = selectors.case_negotiation_history(
        world.case, TODAY, selectors.HistoryFilters(creditor=creditor.pk)
    )
    assert [g.creditor for g in by_creditor] == [creditor]
    assert by_creditor[0].entries == [agreement, refusal]


def test_history_never_shows_another_organisations_creditor(world, creditor):
    foreign = make_creditor(world.other_org, "Engie")
    history = selectors.case_negotiation_history(
        world.case, TODAY, selectors.HistoryFilters(creditor=foreign.pk)
    )
    assert history == []


def test_case_summary_gives_last_contact_and_next_follow_up(world, creditor):
    proximus = make_creditor(world.org, "Proximus")
    declare(world.case, proximus)
    follow_up(world.case, world.mediator, creditor, TODAY - timedelta(days=1))
    later = follow_up(world.case, world.mediator, creditor, TODAY + timedelta(days=9))
    last = record(world.case, world.mediator, creditor, date=date(2024, 3, 1))

    summary = selectors.case_contacts_summary(world.case, TODAY)

    assert summary.open_follow_ups == 2 and summary.overdue == 1
    partena, prox = summary.rows
    assert partena.last == last
    assert partena.next_follow_up.follow_up_on == TODAY - timedelta(days=1)
    assert partena.open_follow_ups[1] == later
    assert prox.last is None and prox.next_follow_up is None


def test_creditor_choices_put_the_cases_creditors_first(world, creditor):
    proximus = make_creditor(world.org, "Proximus")
    belfius = make_creditor(world.org, "Belfius")
    make_creditor(world.other_org, "Engie")
    declare(world.case, proximus)
    bailiff = make_representative(world.org)
    claims_services.representation_add(case=world.case, creditor=creditor, representative=bailiff)

    choices = selectors.creditor_choices(world.case)

    assert choices.of_case == [creditor, proximus]
    assert choices.directory == []  # the directory is searched, never listed whole
    engie = make_creditor(world.other_org, "Engie Electrabel")
    choices = selectors.creditor_choices(world.case, extra_ids=[belfius.pk, engie.pk, proximus.pk])
    assert choices.of_case == [creditor, proximus]
    assert choices.directory == [belfius]  # never another organisation's
    assert selectors.directory_search(world.case, "elf") == [belfius]
    assert selectors.directory_search(world.case, "pro") == []  # the case's own are in the form


def test_overdue_by_mediator(world, creditor):
    colleague_case = make_case(
        organisation=world.org, mediator=world.colleague, reference="NAM-2023-0099"
    )
    late = follow_up(world.case, world.mediator, creditor, TODAY - timedelta(days=3))
    later = follow_up(world.case, world.mediator, creditor, TODAY - timedelta(days=1))
    follow_up(world.case, world.mediator, creditor, TODAY)  # due today: not overdue yet
    done = follow_up(colleague_case, world.colleague, creditor, TODAY - timedelta(days=3))
    follow_up_mark_done(entry=done, by=world.colleague)
    foreign_creditor = make_creditor(world.other_org, "Engie")
    follow_up(world.other_case, world.other_mediator, foreign_creditor, TODAY - timedelta(days=3))
    newcomer = UserFactory(username="newcomer", organisation=world.org, role=Role.MEDIATOR)

    rows = selectors.overdue_by_mediator(world.supervisor, TODAY)

    assert rows[0].mediator == world.mediator and rows[0].entries == [late, later]
    others = {r.mediator: r.entries for r in rows[1:]}
    assert others[world.colleague] == [] and others[newcomer] == []
    assert world.other_mediator not in others
    assert selectors.overdue_by_mediator(world.mediator, TODAY) == []
    assert len(selectors.overdue_by_mediator(world.other_supervisor, TODAY)[0].entries) == 1


def test_history_puts_the_latest_negotiations_first(world, creditor):
    belfius = make_creditor(world.org, "Belfius")
    swde = make_creditor(world.org, "SWDE")
    declare(world.case, make_creditor(world.org, "Aucun contact"))
    record(world.case, world.mediator, creditor, date=date(2023, 1, 5))
    record(world.case, world.mediator, swde, date=date(2023, 4, 1))
    record(world.case, world.mediator, belfius, date=date(2023, 2, 1))

    names = [g.creditor.name for g in selectors.case_negotiation_history(world.case, TODAY)]
    assert names == ["SWDE", "Belfius", "Partena Professional", "Aucun contact"]
    summary = selectors.case_contacts_summary(world.case, TODAY)
    assert [r.creditor.name for r in summary.rows] == sorted(names)  # the overview: by name
