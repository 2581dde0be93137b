"""The agenda screens (agenda app): the user's agenda, the case's "Agenda" tab, the
supervisors' counts per mediator and the navigation badge. Scope: a mediator sees the duties of
the cases they are designated in, never another organisation's; a supervisor only their
organisation's; clerks have no agenda."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agenda import selectors
from agenda.models import Duty
from cases.models import Case
from core.dates import format_date

from .agenda_helpers import KIND, LABEL, duty, follow_up, test_kind_fixture  # noqa: F401
from .factories import make_case

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def agenda_world(world, test_kind, today):
    """world.case (mediator) has a duty overdue, one today, one in 3 days, one in 20 days and
    one settled; the colleague's case one overdue; the other organisation's case one overdue."""
    colleague_case = make_case(
        organisation=world.org, mediator=world.colleague, reference="NAM-2023-0100"
    )
    d = {
        "overdue": duty(world.case, today - timedelta(days=5)),
        "today": duty(world.case, today),
        "soon": duty(world.case, today + timedelta(days=3)),
        "later": duty(world.case, today + timedelta(days=20)),
        "settled": duty(
            world.case, today - timedelta(days=40), settled_on=today - timedelta(days=2)
        ),
        "colleague": duty(colleague_case, today - timedelta(days=1)),
        "other": duty(world.other_case, today - timedelta(days=1)),
        "unknown_kind": duty(world.case, today + timedelta(days=6), kind="retired_kind"),
    }
    return world, colleague_case, d


def test_the_mediator_sees_their_own_items_in_sections(agenda_world, today):
    world, colleague_case, d = agenda_world
    agenda = selectors.agenda_of(selectors.agenda_cases_for(world.mediator), today=today)
    assert [i.uid for i in agenda.overdue] == [f"duty-{d['overdue'].pk}"]
    assert [i.uid for i in agenda.due_today] == [f"duty-{d['today'].pk}"]
    assert [i.uid for i in agenda.week] == [f"duty-{d['soon'].pk}", f"duty-{d['unknown_kind'].pk}"]
    # the kind's screen settles it; an unknown kind falls back to the case page
    assert agenda.week[0].url == f"/dossiers/{world.case.pk}/honoraires/#controle-" + (
        d["soon"].due_date.isoformat()
    )
    assert agenda.week[1].url == reverse("cases:detail", args=[world.case.pk])
    assert agenda.week[1].label == "retired_kind"

    page = client_for(world.mediator).get(reverse("agenda:agenda")).content.decode()
    assert LABEL in page
    assert format_date(d["overdue"].deadline) in page  # fr-BE dd/mm/yyyy
    assert world.case.reference in page
    assert colleague_case.reference not in page  # a colleague's case: not in my agenda
    assert world.other_case.reference not in page


def test_another_organisation_never_sees_the_duties(agenda_world):
    world, colleague_case, d = agenda_world
    for user in (world.other_mediator, world.other_supervisor):
        page = client_for(user).get(reverse("agenda:agenda")).content.decode()
        assert world.other_case.reference in page
        assert world.case.reference not in page
        assert colleague_case.reference not in page
        # a case or a mediator of organisation A in the filters changes nothing
        page = client_for(user).get(
            reverse("agenda:agenda"), {"dossier": world.case.pk, "mediateur": world.mediator.pk}
        )
        assert page.status_code == 200
        assert world.case.reference not in page.content.decode()
        response = client_for(user).get(reverse("agenda:case_agenda", args=[world.case.pk]))
        assert response.status_code == 404


def test_clerks_have_no_agenda(agenda_world):
    world, _case, _d = agenda_world
    assert client_for(world.clerk).get(reverse("agenda:agenda")).status_code == 403
    assert selectors.agenda_cases_for(world.clerk).count() == 0
    page = client_for(world.clerk).get(reverse("documents:clerk_list")).content.decode()
    assert "nav-agenda-badge" not in page


def test_filters_by_period_and_case(agenda_world, today):
    world, colleague_case, d = agenda_world
    client = client_for(world.administrator)  # the organisation's cases
    page = client.get(reverse("agenda:agenda"), {"periode": "retard"}).content.decode()
    assert world.case.reference in page and colleague_case.reference in page
    assert format_date(d["today"].deadline) not in page
    page = client.get(reverse("agenda:agenda"), {"dossier": colleague_case.pk}).content.decode()
    assert f'href="{reverse("agenda:case_agenda", args=[world.case.pk])}"' not in page
    assert f'href="{reverse("agenda:case_agenda", args=[colleague_case.pk])}"' in page
    page = client.get(
        reverse("agenda:agenda"), {"mediateur": world.colleague.pk, "periode": "retard"}
    ).content.decode()
    assert f'href="{reverse("agenda:case_agenda", args=[colleague_case.pk])}"' in page
    assert f'href="{reverse("agenda:case_agenda", args=[world.case.pk])}"' not in page


def test_the_negotiation_follow_ups_are_agenda_items(agenda_world, today):
    world, _case, _d = agenda_world
    entry = follow_up(world.case, world.mediator, today, creditor_name="Engie Electrabel")
    agenda = selectors.agenda_of(selectors.agenda_cases_for(world.mediator), today=today)
    item = next(i for i in agenda.due_today if i.kind == "follow_up")
    assert item.url == reverse("contacts:case_contacts", args=[world.case.pk]) + (
        f"#contact-{entry.pk}"
    )
    assert item.detail == "Engie Electrabel"
    page = client_for(world.mediator).get(reverse("agenda:agenda")).content.decode()
    assert "Rappel de négociation" in page and "Engie Electrabel" in page
    # the other organisation's mediator does not get it
    other = selectors.agenda_of(selectors.agenda_cases_for(world.other_mediator), today=today)
    assert all(i.kind != "follow_up" for i in other.due_today + other.overdue)


def test_badge_counts_overdue_and_today(agenda_world, today):
    world, _case, d = agenda_world
    follow_up(world.case, world.mediator, today)
    follow_up(world.case, world.mediator, today + timedelta(days=2), creditor_name="Orange")
    with CaptureQueriesContext(connection) as queries:
        count = selectors.badge_count(world.mediator, today)
    # overdue + today's duty + today's follow-up; the settled one, the later ones do not count
    assert count == 3
    assert len(queries) == 2  # the duties, the follow-ups: not one per case
    page = client_for(world.mediator).get(reverse("agenda:agenda")).content.decode()
    assert '<span id="nav-agenda-badge" class="badge rounded-pill text-bg-danger ms-1">3<' in page
    assert selectors.badge_count(world.colleague, today) == 1
    assert selectors.badge_count(world.other_mediator, today) == 1
    d["overdue"].settled_on = today
    d["overdue"].save()
    assert selectors.badge_count(world.mediator, today) == 2
    # supervisors have no badge of their own, but a link to the counts per mediator
    page = client_for(world.supervisor).get(reverse("cases:list")).content.decode()
    assert "nav-agenda-badge" not in page
    assert reverse("agenda:supervision") in page


def test_the_supervisor_sees_counts_per_mediator_of_their_organisation(agenda_world, today):
    world, colleague_case, d = agenda_world
    follow_up(colleague_case, world.colleague, today + timedelta(days=4))
    rows = {r.mediator.username: r for r in selectors.counts_by_mediator(world.supervisor, today)}
    assert "other_mediator" not in rows
    assert (rows["mediator"].overdue, rows["mediator"].today, rows["mediator"].week) == (1, 1, 2)
    assert (rows["colleague"].overdue, rows["colleague"].today, rows["colleague"].week) == (
        1,
        0,
        1,
    )
    page = client_for(world.supervisor).get(reverse("agenda:supervision")).content.decode()
    link = f"{reverse('agenda:agenda')}?mediateur={world.colleague.pk}&amp;periode=retard"
    assert link in page
    assert str(world.other_mediator) not in page
    # the list behind a number
    page = client_for(world.supervisor).get(
        reverse("agenda:agenda"), {"mediateur": world.colleague.pk, "periode": "retard"}
    )
    body = page.content.decode()
    assert colleague_case.reference in body
    assert ">Voir<" in body and ">Régler<" not in body  # supervisors read, they settle nothing
    assert f'href="{reverse("agenda:case_agenda", args=[world.case.pk])}"' not in body
    assert selectors.counts_by_mediator(world.mediator, today) == []


def test_forecasts_are_shown_not_recorded_with_bounded_queries(agenda_world, test_kind, today):
    world, _case, _d = agenda_world
    test_kind.offsets = [2, 9]  # (today, today + 7]: only the first
    before = Duty.objects.count()
    cases = selectors.agenda_cases_for(world.mediator)
    with CaptureQueriesContext(connection) as few:
        agenda = selectors.agenda_of(cases, today=today)
    assert [(i.due_date, i.forecast) for i in agenda.forecast] == [
        (today + timedelta(days=2), True)
    ]
    assert Duty.objects.count() == before  # nothing recorded
    for n in range(5):
        make_case(organisation=world.org, mediator=world.mediator, reference=f"NAM-2024-{n:04d}")
    with CaptureQueriesContext(connection) as many:
        agenda = selectors.agenda_of(cases, today=today)
    assert len(agenda.forecast) == 6
    assert len(many) == len(few)  # constant in the number of cases
    # the page loads them afterwards (issue 15): the fragment, or ``?previsions=1`` without script
    mediator = client_for(world.mediator)
    page = mediator.get(reverse("agenda:agenda")).content.decode()
    assert "Prévisions des 7" not in page and "Chargement des prévisions" in page
    assert f'hx-get="{reverse("agenda:forecast")}"' in page
    for page in (
        mediator.get(reverse("agenda:forecast")).content.decode(),
        mediator.get(reverse("agenda:agenda"), {"previsions": "1"}).content.decode(),
    ):
        assert "Prévisions des 7 prochains jours" in page and "prévision" in page
    # the whole organisation at once: no forecasts; one mediator's cases: their forecasts
    admin = client_for(world.administrator)
    page = admin.get(reverse("agenda:agenda")).content.decode()
    assert "Prévisions des 7" not in page and "Chargement des prévisions" not in page
    assert "Prévisions des 7" not in admin.get(reverse("agenda:forecast")).content.decode()
    filters = {"mediateur": world.mediator.pk}
    page = admin.get(reverse("agenda:agenda"), filters).content.decode()
    assert f'hx-get="{reverse("agenda:forecast")}?mediateur={world.mediator.pk}"' in page
    page = admin.get(reverse("agenda:forecast"), filters).content.decode()
    assert "Prévisions des 7" in page
    page = admin.get(reverse("agenda:agenda"), {**filters, "previsions": "1"}).content.decode()
    assert "Prévisions des 7" in page
    # a forecast already recorded (a run ahead of today) is not shown twice
    duty(world.case, today + timedelta(days=2), due=today + timedelta(days=2))
    agenda = selectors.agenda_of(Case.objects.filter(pk=world.case.pk), today=today)
    assert agenda.forecast == []
    assert len(agenda.week) == 3


def test_the_case_tab(agenda_world, today):
    world, _case, d = agenda_world
    response = client_for(world.supervisor).get(reverse("agenda:case_agenda", args=[world.case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'aria-current="page" href="/dossiers/{world.case.pk}/agenda/"' in page
    assert format_date(d["overdue"].deadline) in page
    assert format_date(d["later"].deadline) not in page  # beyond the next 7 days
    assert "Échéances réglées récemment" in page
    assert format_date(d["settled"].settled_on) in page
    assert world.other_case.reference not in page


def test_the_forecast_fragments_are_scoped_like_their_pages(agenda_world, test_kind, today):
    """The forecast rows loaded after the agenda page and the case tab (issue 15): the same
    login, role, organisation and mediator's scope as the pages."""
    world, colleague_case, _d = agenda_world
    test_kind.offsets = [2]  # every case has a forecast in two days
    ours = client_for(world.mediator).get(reverse("agenda:forecast")).content.decode()
    assert world.case.reference in ours and "prévision" in ours
    assert colleague_case.reference not in ours  # a colleague's case: not my forecast
    assert world.other_case.reference not in ours
    for user in (world.other_mediator, world.other_supervisor):
        client = client_for(user)
        filters = {"dossier": world.case.pk, "mediateur": world.mediator.pk}
        for query in ({}, filters):
            response = client.get(reverse("agenda:forecast"), query)
            assert response.status_code == 200
            assert world.case.reference not in response.content.decode()
            assert colleague_case.reference not in response.content.decode()
        url = reverse("agenda:case_agenda_forecast", args=[world.case.pk])
        assert client.get(url).status_code == 404
    other = client_for(world.other_mediator).get(reverse("agenda:forecast")).content.decode()
    assert world.other_case.reference in other  # their own forecast, to show the test can fail
    assert client_for(world.clerk).get(reverse("agenda:forecast")).status_code == 403
    anonymous = Client().get(reverse("agenda:forecast"))
    assert anonymous.status_code == 302 and "forecast" not in anonymous.content.decode()
    # the case tab: recorded duties at once, the forecast from its fragment or ?previsions=1
    client = client_for(world.mediator)
    tab = client.get(reverse("agenda:case_agenda", args=[world.case.pk])).content.decode()
    url = reverse("agenda:case_agenda_forecast", args=[world.case.pk])
    assert f'hx-get="{url}"' in tab and "Prévisions des 7" not in tab
    assert "Chargement des prévisions" in tab and 'href="?previsions=1"' in tab
    for page in (
        client.get(url).content.decode(),
        client.get(
            reverse("agenda:case_agenda", args=[world.case.pk]), {"previsions": 1}
        ).content.decode(),
    ):
        assert "Prévisions des 7 prochains jours" in page and "prévision" in page
        assert format_date(today + timedelta(days=2)) in page
