"""Negotiation log screens: the case tab (history, form, filters, bad input), correcting a
contact, the to-do list with its htmx "done" button, the navigation badge, the case overview
card and the supervisors' overdue follow-ups."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import services as claims_services
from claims.models import Creditor
from contacts.models import ContactEntry, Outcome
from contacts.services import follow_up_mark_done
from tests.test_contacts_services import declare, make_creditor, make_representative, record


@pytest.fixture
def creditor(world):
    return make_creditor(world.org)


@pytest.fixture
def bailiff(world, creditor):
    representative = make_representative(world.org)
    claims_services.representation_add(
        case=world.case, creditor=creditor, representative=representative, file_reference="D-101"
    )
    return representative


def tab(case):
    return reverse("contacts:case_contacts", args=[case.pk])


def form_data(creditor, **overrides):
    values = {
        "creditor": creditor.pk,
        "representative": "",
        "date": "10/03/2023",
        "channel": "phone",
        "interlocutor": "Service recouvrement",
        "summary": "Demande de jonction des trois dossiers.",
        "outcome": "agreement",
        "follow_up_on": "",
    }
    values.update(overrides)
    return values


def test_the_case_tab_points_to_the_negotiation_log(client, world):
    client.force_login(world.mediator)
    html = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert f'href="{tab(world.case)}"' in html


def test_record_a_contact(client, world, creditor, bailiff):
    client.force_login(world.mediator)
    response = client.post(
        tab(world.case),
        form_data(creditor, representative=bailiff.pk, follow_up_on="24/03/2023"),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#creancier-{creditor.pk}")
    entry = ContactEntry.objects.get()
    assert entry.date == date(2023, 3, 10) and entry.follow_up_on == date(2023, 3, 24)
    assert entry.representative == bailiff and entry.recorded_by == world.mediator

    html = client.get(tab(world.case)).content.decode()
    assert "Demande de jonction des trois dossiers." in html
    assert "Étude Lobet, huissiers de justice" in html
    assert "Accord" in html
    assert "10/03/2023" in html


@pytest.mark.parametrize(
    "overrides,message",
    [
        (
            {"date": "01/01/2022"},
            "ne peut précéder l&#x27;ordonnance d&#x27;admissibilité du 15/06/2022",
        ),
        ({"date": "2023-13-45"}, "Saisissez une date valide"),
        ({"follow_up_on": "01/03/2023"}, "La date de rappel ne peut précéder la date du contact"),
        ({"summary": ""}, "Résumez le contact en quelques mots."),
        ({"outcome": ""}, "Choisissez le résultat du contact."),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, world, creditor, overrides, message):
    client.force_login(world.mediator)
    response = client.post(tab(world.case), form_data(creditor, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Le contact n&#x27;a pas été enregistré" in html
    assert not ContactEntry.objects.exists()


def test_a_future_contact_is_refused(client, world, creditor):
    client.force_login(world.mediator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(tab(world.case), form_data(creditor, date=tomorrow.strftime("%d/%m/%Y")))
    assert "ne peut être dans le futur" in response.content.decode()
    assert not ContactEntry.objects.exists()


def test_a_representative_of_another_creditor_is_refused(client, world, creditor, bailiff):
    proximus = make_creditor(world.org, "Proximus")
    client.force_login(world.mediator)
    response = client.post(tab(world.case), form_data(proximus, representative=bailiff.pk))
    assert response.status_code == 200
    assert "n&#x27;agit pas pour Proximus dans ce dossier" in response.content.decode()
    assert not ContactEntry.objects.exists()


def test_another_organisations_creditor_cannot_be_posted(client, world, creditor):
    foreign = make_creditor(world.other_org, "Engie Electrabel")
    client.force_login(world.mediator)
    page = client.get(tab(world.case)).content.decode()
    assert "Engie Electrabel" not in page
    response = client.post(tab(world.case), form_data(foreign))
    assert "Choisissez un créancier de l&#x27;annuaire" in response.content.decode()
    assert not ContactEntry.objects.exists()


def test_the_creditor_select_groups_the_cases_creditors_first(client, world, creditor):
    proximus = make_creditor(world.org, "Proximus")
    make_creditor(world.org, "Belfius")
    declare(world.case, proximus)
    client.force_login(world.mediator)
    html = client.get(tab(world.case)).content.decode()
    select = re.search(
        r'<select name="creditor"[^>]*id="id_creditor".*?</select>', html, re.S
    ).group(0)
    assert select.index("Créanciers du dossier") < select.index("Proximus")
    # the rest of the directory is searched, never listed whole (issue 15)
    assert "Belfius" not in select
    belfius = Creditor.objects.get(name="Belfius")
    search = reverse("contacts:creditor_search", args=[world.case.pk])
    found = client.get(search, {"q": "elfi"}).content.decode()
    assert f"?pour={belfius.pk}#nouveau-contact" in found and "Proximus" not in found
    assert "Belfius" not in client.get(search, {"q": "b"}).content.decode()  # 2 letters at least
    html = client.get(tab(world.case), {"pour": belfius.pk}).content.decode()
    select = re.search(
        r'<select name="creditor"[^>]*id="id_creditor".*?</select>', html, re.S
    ).group(0)
    assert select.index("Autre créancier de l") < select.index("Belfius")
    assert f'value="{belfius.pk}" selected' in select


def test_a_colleague_reads_but_cannot_record(client, world, creditor):
    record(world.case, world.mediator, creditor, summary="Appel à Partena.")
    client.force_login(world.colleague)
    page = client.get(tab(world.case))
    html = page.content.decode()
    assert page.status_code == 200 and "Appel à Partena." in html
    assert "Enregistrer un contact" not in html and "Marquer comme fait" not in html
    assert client.post(tab(world.case), form_data(creditor)).status_code == 403
    assert ContactEntry.objects.count() == 1


def test_filters_by_outcome_and_creditor(client, world, creditor):
    proximus = make_creditor(world.org, "Proximus")
    record(world.case, world.mediator, creditor, summary="Refus de l'huissier.")
    record(
        world.case,
        world.mediator,
        creditor,
        summary="Accord de Partena.",
        outcome=Outcome.AGREEMENT,
    )
    record(world.case, world.mediator, proximus, summary="Refus de Proximus.")
    client.force_login(world.supervisor)

    html = client.get(tab(world.case), {"outcome": "refusal"}).content.decode()
    assert "Refus de l&#x27;huissier." in html and "Refus de Proximus." in html
    assert "Accord de Partena." not in html

    html = client.get(tab(world.case), {"creditor": proximus.pk}).content.decode()
    assert "Refus de Proximus." in html and "Accord de Partena." not in html


def test_preset_creditor_from_the_new_contact_button(client, world, creditor):
    client.force_login(world.mediator)
    html = client.get(tab(world.case), {"pour": creditor.pk}).content.decode()
    assert f'<option value="{creditor.pk}" selected>' in html


def test_correct_a_contact(client, world, creditor):
    entry = record(world.case, world.mediator, creditor)
    url = reverse("contacts:entry_edit", args=[world.case.pk, entry.pk])
    client.force_login(world.administrator)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(creditor, outcome="counter_proposal"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.outcome == "counter_proposal" and entry.date == date(2023, 3, 10)

    response = client.post(url, form_data(creditor, date="01/01/2020"))
    assert response.status_code == 200
    assert "15/06/2022" in response.content.decode()
    entry.refresh_from_db()
    assert entry.date == date(2023, 3, 10)


def test_new_contact_closes_previous_follow_ups_when_asked(client, world, creditor):
    old = record(world.case, world.mediator, creditor, follow_up_on=date(2023, 3, 20))
    client.force_login(world.mediator)
    client.post(tab(world.case), form_data(creditor, close_open_follow_ups="on"))
    old.refresh_from_db()
    assert old.follow_up_done_by == world.mediator


def _follow_ups(world, creditor):
    today = timezone.localdate()
    late = record(
        world.case,
        world.mediator,
        creditor,
        date=today - timedelta(days=20),
        follow_up_on=today - timedelta(days=6),
        summary="Relancer l'huissier.",
    )
    due = record(
        world.case,
        world.mediator,
        creditor,
        date=today - timedelta(days=10),
        follow_up_on=today,
        summary="Rappeler Partena.",
    )
    soon = record(
        world.case,
        world.mediator,
        creditor,
        date=today - timedelta(days=1),
        follow_up_on=today + timedelta(days=7),
        summary="Vérifier le premier paiement.",
    )
    return late, due, soon


def test_todo_page_overdue_first_and_highlighted(client, world, creditor):
    late, due, soon = _follow_ups(world, creditor)
    client.force_login(world.mediator)
    html = client.get(reverse("contacts:todo")).content.decode()
    positions = [html.index(f'id="todo-{e.pk}"') for e in (late, due, soon)]
    assert positions == sorted(positions)
    assert re.search(rf'<tr id="todo-{late.pk}" class="table-danger">', html)
    assert re.search(rf'<tr id="todo-{due.pk}" class="table-warning">', html)
    assert "en retard de 6 jours" in html
    assert world.case.reference in html


def test_todo_done_with_htmx_swaps_the_row_and_the_badge(client, world, creditor):
    late, due, _soon = _follow_ups(world, creditor)
    client.force_login(world.mediator)
    url = reverse("contacts:follow_up_done", args=[world.case.pk, late.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="todo-{late.pk}"')
    assert "Fait" in html and "follow_up_reopen" not in html
    assert reverse("contacts:follow_up_reopen", args=[world.case.pk, late.pk]) in html
    badge = re.search(r'<span id="nav-todo-badge"[^>]*hx-swap-oob="true">(\d+)', html)
    assert badge and badge.group(1) == "1"  # only today's remains urgent
    late.refresh_from_db()
    assert late.follow_up_done_by == world.mediator

    # undo puts it back
    url = reverse("contacts:follow_up_reopen", args=[world.case.pk, late.pk])
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'class="table-danger"' in html
    late.refresh_from_db()
    assert late.follow_up_open


def test_done_without_htmx_redirects_to_a_local_next_only(client, world, creditor):
    late, due, _soon = _follow_ups(world, creditor)
    client.force_login(world.mediator)
    url = reverse("contacts:follow_up_done", args=[world.case.pk, late.pk])
    response = client.post(url, {"next": reverse("contacts:todo")})
    assert response["Location"] == reverse("contacts:todo")
    url = reverse("contacts:follow_up_done", args=[world.case.pk, due.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == f"{tab(world.case)}#contact-{due.pk}"


def test_marking_done_twice_says_so(client, world, creditor):
    late, _due, _soon = _follow_ups(world, creditor)
    follow_up_mark_done(entry=late, by=world.mediator)
    client.force_login(world.mediator)
    url = reverse("contacts:follow_up_done", args=[world.case.pk, late.pk])
    response = client.post(url, follow=True)
    assert "déjà marqué comme fait" in response.content.decode()


def test_nav_badge_counts_overdue_and_today(client, world, creditor):
    _follow_ups(world, creditor)
    client.force_login(world.mediator)
    html = client.get(reverse("cases:list")).content.decode()
    badge = re.search(r'<span id="nav-todo-badge" class="([^"]*)">(\d+)', html)
    assert badge.group(2) == "2" and "d-none" not in badge.group(1)

    client.force_login(world.colleague)  # not their cases: no urgent follow-up
    html = client.get(reverse("cases:list")).content.decode()
    badge = re.search(r'<span id="nav-todo-badge" class="([^"]*)">(\d+)', html)
    assert badge.group(2) == "0" and "d-none" in badge.group(1)

    client.force_login(world.supervisor)
    html = client.get(reverse("cases:list")).content.decode()
    assert "nav-todo-badge" not in html
    assert reverse("contacts:overdue_overview") in html


def test_case_overview_shows_the_negotiation_at_a_glance(client, world, creditor, bailiff):
    today = timezone.localdate()
    proximus = make_creditor(world.org, "Proximus")
    declare(world.case, proximus)
    record(
        world.case,
        world.mediator,
        creditor,
        date=today - timedelta(days=3),
        representative=bailiff,
        follow_up_on=today - timedelta(days=1),
    )
    client.force_login(world.supervisor)
    html = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    card = html[html.index('id="negociations-apercu"') :]
    assert "Partena Professional" in card and "via Étude Lobet" in card
    assert "1 rappel en retard" in card
    assert "Proximus" in card and "pas encore de contact" in card


def test_overdue_overview_for_supervisors(client, world, creditor):
    late, _due, _soon = _follow_ups(world, creditor)
    client.force_login(world.supervisor)
    html = client.get(reverse("contacts:overdue_overview")).content.decode()
    assert "Relancer l&#x27;huissier." in html
    assert "Rappeler Partena." not in html  # due today: not overdue
    assert str(world.mediator) in html and str(world.colleague) in html
    assert "Marquer comme fait" not in html  # read-only


def test_representative_options_carry_their_creditor(client, world, creditor, bailiff):
    client.force_login(world.mediator)
    html = client.get(tab(world.case)).content.decode()
    select = re.search(r'<select name="representative".*?</select>', html, re.S).group(0)
    assert 'label="Pour Partena Professional"' in select
    assert re.search(rf'<option value="{bailiff.pk}" data-creditor="{creditor.pk}">', select)
    assert "réf. D-101" in select


def test_creditors_not_contacted_yet_are_listed_apart(client, world, creditor):
    declare(world.case, make_creditor(world.org, "Proximus"))
    record(world.case, world.mediator, creditor, summary="Premier appel.")
    client.force_login(world.mediator)
    html = client.get(tab(world.case)).content.decode()
    apart = html[html.index("pas encore contactés") : html.index('id="nouveau-contact"')]
    assert "Proximus" in apart and "Partena Professional" not in apart
    assert html.index("Premier appel.") < html.index("pas encore contactés")
