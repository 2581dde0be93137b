"""Password guessing is throttled (django-axes): an account, and an address, are locked out
after ``AXES_FAILURE_LIMIT`` failures; the organisation's administrator unlocks their own
members; every login, accepted or refused, is recorded with the user and the address."""

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("accounts:login")


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_thirty_wrong_passwords_then_the_right_one_is_refused(world):
    client = Client()
    for _ in range(30):
        response = attempt(client, "mediator", "wrong-password-1")
    assert response.status_code == 429
    response = attempt(client, "mediator", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    text = response.content.decode()
    assert "Connexion bloquée" in text
    assert f"Après {settings.AXES_FAILURE_LIMIT} essais erronés" in text
    # From another address too: the account itself is locked.
    assert attempt(Client(), "mediator", PASSWORD, ip="10.9.9.9").status_code == 429


@pytest.mark.django_db
def test_limit_is_reached_exactly(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "mediator", "wrong-password-1").status_code == 200
    assert attempt(client, "mediator", PASSWORD).status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_own_logins_in_between_do_not_reset_the_count(world):
    """An insider guessing a colleague's password from their own desk, logging in as
    themselves between the guesses, is stopped as well."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), "mediator", "wrong-password-1", ip="10.4.4.4")
        assert attempt(Client(), "colleague", PASSWORD, ip="10.4.4.5").status_code == 302
        assert attempt(Client(), "colleague", PASSWORD, ip="10.4.4.4").status_code == 302
    attempt(Client(), "mediator", "wrong-password-1", ip="10.4.4.4")
    assert attempt(Client(), "mediator", PASSWORD, ip="10.4.4.4").status_code == 429


@pytest.mark.django_db
def test_an_address_guessing_many_accounts_is_locked_out(world):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), f"nobody{n}", "wrong-password-1", ip="10.6.6.6")
    # A real account with its right password, from that address: refused.
    refused = Client()
    assert attempt(refused, "colleague", PASSWORD, ip="10.6.6.6").status_code == 429
    assert not logged_in(refused)
    # The same account from elsewhere: accepted.
    accepted = Client()
    assert attempt(accepted, "colleague", PASSWORD, ip="10.7.7.7").status_code == 302
    assert logged_in(accepted)


@pytest.mark.django_db
def test_administrator_unlocks_a_member_of_their_organisation(world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), "mediator", "wrong-password-1")
    assert attempt(Client(), "mediator", PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(world.administrator)
    page = admin.get(reverse("accounts:security"))
    assert page.status_code == 200
    assert "Bloqué" in page.content.decode()
    unlock = reverse("accounts:member_unlock", args=[world.mediator.pk])

    # Nobody else may unlock: another role (403), another organisation's member (404).
    other = Client()
    other.force_login(world.supervisor)
    assert other.post(unlock).status_code == 403
    admin_of_other = UserFactory(organisation=world.other_org, role="administrator")
    other.force_login(admin_of_other)
    assert other.post(unlock).status_code == 404
    assert attempt(Client(), "mediator", PASSWORD).status_code == 429

    response = admin.post(unlock)
    assert response.status_code == 302
    client = Client()
    assert attempt(client, "mediator", PASSWORD).status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_logins_are_recorded_with_user_and_address(world):
    attempt(Client(), "mediator", "wrong-password-1", ip="10.1.2.3")
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == ("mediator", "10.1.2.3")
    attempt(Client(), "mediator", PASSWORD, ip="10.1.2.4")
    success = AccessLog.objects.get()
    assert (success.username, success.ip_address) == ("mediator", "10.1.2.4")
    attempt(Client(), "other_mediator", PASSWORD, ip="10.3.3.3")

    admin = Client()
    admin.force_login(world.administrator)
    text = admin.get(reverse("accounts:security")).content.decode()
    assert "10.1.2.3" in text and "10.1.2.4" in text
    assert "Refusée" in text and "Acceptée" in text
    assert "10.3.3.3" not in text  # another organisation's logins are not shown
