"""The iCalendar feed of a user's agenda: a secret address made and revoked from a page, a
valid .ics of the user's open items (no login), 404 for a wrong or revoked token, and nothing
of the applicants in it (never a national register number)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agenda.models import CalendarFeed
from agenda.services import calendar_feed_renew, calendar_feed_revoke

from .agenda_helpers import LABEL, duty, follow_up, test_kind_fixture  # noqa: F401
from .factories import make_case

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def feed_url(token: str) -> str:
    return reverse("agenda:ical", args=[token])


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    return list(calendar.walk("VEVENT"))


def test_the_address_is_made_from_the_page_and_shown_once(world):
    client = client_for(world.mediator)
    page = client.get(reverse("agenda:feed_settings")).content.decode()
    assert "Aucune adresse active." in page
    response = client.post(reverse("agenda:feed_settings"), {"action": "renew"})
    assert response.status_code == 302
    page = client.get(reverse("agenda:feed_settings")).content.decode()
    assert "/agenda/ical/" in page and "Une adresse est active depuis le" in page
    start = page.index("/agenda/ical/")
    url = page[start : page.index('"', start)]
    token = url.removeprefix("/agenda/ical/").removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=world.mediator)
    assert token not in feed.token_hash and len(token) >= 40  # only its hash is kept
    assert "/agenda/ical/" not in client.get(reverse("agenda:feed_settings")).content.decode()
    assert Client().get(url).status_code == 200  # no login needed


def test_the_feed_is_a_valid_calendar_of_the_users_open_items(world, test_kind):
    today = timezone.localdate()
    overdue = duty(world.case, today - timedelta(days=3))
    soon = duty(world.case, today + timedelta(days=10))
    duty(world.case, today - timedelta(days=30), settled_on=today)  # settled: not in it
    colleague_case = make_case(organisation=world.org, mediator=world.colleague, reference="NAM-9")
    duty(colleague_case, today)  # a colleague's case: not in my feed
    duty(world.other_case, today)
    entry = follow_up(world.case, world.mediator, today + timedelta(days=1))
    token = calendar_feed_renew(user=world.mediator)

    response = Client().get(feed_url(token))
    got = {str(e["UID"]): e for e in events(response)}
    assert set(got) == {
        f"duty-{overdue.pk}@rcd",
        f"duty-{soon.pk}@rcd",
        f"follow-up-{entry.pk}@rcd",
    }
    event = got[f"duty-{overdue.pk}@rcd"]
    assert event.decoded("DTSTART") == overdue.deadline  # an all-day event on the deadline
    assert event.decoded("DTEND") == overdue.deadline + timedelta(days=1)
    assert str(event["SUMMARY"]) == f"{world.case.reference} · {LABEL}"
    assert str(event["URL"]).startswith("http://testserver/dossiers/")
    assert str(got[f"follow-up-{entry.pk}@rcd"]["SUMMARY"]).endswith("Rappel de négociation")
    # minimal personal data: the case's reference and the kind, nothing of the applicants
    body = response.content.decode()
    for secret in ("85073003328", "85.07.30-033.28", "Dubois", "Marie", "Proximus"):
        assert secret not in body


def test_a_wrong_regenerated_or_revoked_token_is_a_404(world):
    first = calendar_feed_renew(user=world.mediator)
    assert Client().get(feed_url(first)).status_code == 200
    assert Client().get(feed_url(first[:-1] + ("A" if first[-1] != "A" else "B"))).status_code == (
        404
    )
    second = calendar_feed_renew(user=world.mediator)
    assert Client().get(feed_url(first)).status_code == 404
    assert Client().get(feed_url(second)).status_code == 200
    # revoked from the page
    client_for(world.mediator).post(reverse("agenda:feed_settings"), {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=world.mediator).exists()
    assert Client().get(feed_url(second)).status_code == 404
    assert calendar_feed_revoke(user=world.mediator) is False


def test_an_inactive_users_feed_is_a_404(world):
    token = calendar_feed_renew(user=world.mediator)
    world.mediator.is_active = False
    world.mediator.save()
    assert Client().get(feed_url(token)).status_code == 404


def test_one_users_token_never_shows_another_organisations_items(world, test_kind):
    today = timezone.localdate()
    mine = duty(world.case, today)
    theirs = duty(world.other_case, today)
    token = calendar_feed_renew(user=world.other_mediator)
    uids = {str(e["UID"]) for e in events(Client().get(feed_url(token)))}
    assert uids == {f"duty-{theirs.pk}@rcd"}
    assert f"duty-{mine.pk}@rcd" not in uids


def test_supervisors_and_clerks_have_no_address(world):
    for user in (world.supervisor, world.clerk):
        assert client_for(user).post(reverse("agenda:feed_settings")).status_code == 403
    assert not CalendarFeed.objects.exists()
