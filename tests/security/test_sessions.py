"""Sessions end after SESSION_IDLE_SECONDS without a request (30 minutes by default) and
SESSION_MAX_SECONDS after the login (12 hours), and "Se déconnecter partout" ends every session
of the user; so does a new password, except the session that changed it."""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from tests.factories import PASSWORD

PAGE = reverse("cases:list")
LOGIN = reverse("accounts:login")


def log_in(user, ip="10.0.0.1") -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=ip)
    assert response.status_code == 302
    return client


def age(client: Client, *, idle: int = 0, since_login: int = 0) -> None:
    """Pretend the last request was ``idle`` seconds ago and the login ``since_login``."""
    session = client.session
    now = int(time.time())
    session[SESSION_LAST_SEEN] = now - idle
    session[SESSION_STARTED] = now - max(since_login, idle)
    session.save()


def test_defaults():
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_MAX_SECONDS == 12 * 3600


@pytest.mark.django_db
def test_idle_session_ends(world):
    client = log_in(world.mediator)
    assert client.get(PAGE).status_code == 200
    age(client, idle=29 * 60)
    assert client.get(PAGE).status_code == 200  # still within 30 minutes
    age(client, idle=31 * 60)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert client.get(PAGE).status_code == 302  # logged out for good


@pytest.mark.django_db
def test_activity_keeps_the_session_alive(world):
    client = log_in(world.mediator)
    age(client, idle=20 * 60, since_login=20 * 60)
    assert client.get(PAGE).status_code == 200
    # That request counted as activity: 20 more minutes later it is still alive.
    session = client.session
    assert int(time.time()) - session[SESSION_LAST_SEEN] < 5


@pytest.mark.django_db
def test_absolute_lifetime_ends_an_active_session(world):
    client = log_in(world.mediator)
    age(client, idle=60, since_login=12 * 3600 + 60)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_idle_timeout_is_a_setting(world, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    client = log_in(world.mediator)
    age(client, idle=6 * 60)
    assert client.get(PAGE).status_code == 302


@pytest.mark.django_db
def test_htmx_request_of_an_expired_session_is_sent_to_login(world):
    client = log_in(world.mediator)
    age(client, idle=31 * 60)
    response = client.get(PAGE, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == LOGIN


@pytest.mark.django_db
def test_log_out_everywhere_ends_every_session_of_the_user(world):
    laptop = log_in(world.mediator)
    phone = log_in(world.mediator, ip="10.0.0.2")
    colleague = log_in(world.colleague)
    for client in (laptop, phone, colleague):
        assert client.get(PAGE).status_code == 200

    response = laptop.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302
    assert laptop.get(PAGE).status_code == 302
    assert phone.get(PAGE).status_code == 302
    assert "_auth_user_id" not in phone.session
    assert colleague.get(PAGE).status_code == 200  # another user's session is untouched
    # A new login works as before.
    assert log_in(world.mediator).get(PAGE).status_code == 200


@pytest.mark.django_db
def test_password_change_keeps_this_session_and_ends_the_others(world):
    laptop = log_in(world.mediator)
    phone = log_in(world.mediator, ip="10.0.0.2")
    new = "Tournesol-bleu-2026!"
    response = laptop.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get(PAGE).status_code == 200
    assert phone.get(PAGE).status_code == 302
