"""Two-factor authentication (TOTP with recovery codes, django-otp): required of every role in
production (MFA_REQUIRED), enrolled on a page with a server-rendered QR code, recovery codes
shown once; passwords: change, reset by e-mail, validators (length, common passwords)."""

import importlib
import re
import secrets
import time
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as registry
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuthenticatorDevice, RecoveryCode
from tests.factories import PASSWORD
from tests.test_deploy_settings import manage

PAGE = reverse("cases:list")
SETUP = reverse("accounts:mfa_setup")
VERIFY = reverse("accounts:mfa_verify")


def log_in(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def code(device: AuthenticatorDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(client: Client, user) -> list[str]:
    assert client.get(SETUP).status_code == 200
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": code(device)})
    assert response.status_code == 200
    return re.findall(r"<li>([a-z0-9]{8})</li>", response.content.decode())


def test_required_in_production_by_default_and_not_in_development():
    assert settings.MFA_REQUIRED is False  # tests and `make run` run in development
    production = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "rcd.example.be",
        # production refuses to start without its encryption keys (README, "Encryption")
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "NATIONAL_NUMBER_HASH_KEY": secrets.token_urlsafe(32),
    }
    script = "from django.conf import settings; print('MFA', settings.MFA_REQUIRED)"
    result = manage("shell", "-c", script, **production)
    assert "MFA True" in result.stdout, result.stdout + result.stderr
    result = manage("shell", "-c", script, MFA_REQUIRED="false", **production)
    assert "MFA False" in result.stdout, result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["mediator", "supervisor", "administrator", "clerk"])
def test_required_for_every_role(world, settings, role):
    settings.MFA_REQUIRED = True
    user = getattr(world, role)
    client = log_in(user)
    home = reverse("core:home")
    for url in (home, PAGE, reverse("documents:clerk_list"), reverse("accounts:account")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SETUP), url
    codes = enrol(client, user)
    assert len(codes) == settings.MFA_RECOVERY_CODES
    assert client.get(home).status_code == 302
    assert not client.get(home)["Location"].startswith(SETUP)  # the role's own screen


@pytest.mark.django_db
def test_enrolment_page_renders_the_qr_code_itself(world):
    client = log_in(world.mediator)
    html = client.get(SETUP).content.decode()
    assert '<svg width="' in html  # QR code inline, from the server
    assert "otpauth://" not in html or "<img" not in html
    assert not re.search(r"<img[^>]+src=\"https?://", html)  # nothing fetched from elsewhere
    device = AuthenticatorDevice.objects.get(user=world.mediator, confirmed=False)
    assert re.search(r'id="mfa-secret">[A-Z2-7 ]{20,}<', html)
    # The same device (same secret) when the page is reloaded before confirming.
    client.get(SETUP)
    assert AuthenticatorDevice.objects.filter(user=world.mediator).count() == 1
    assert AuthenticatorDevice.objects.get(user=world.mediator).pk == device.pk


@pytest.mark.django_db
def test_a_wrong_code_does_not_enrol(world):
    client = log_in(world.mediator)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert "Ce code n&#x27;est pas valable." in response.content.decode()
    assert not AuthenticatorDevice.objects.filter(user=world.mediator, confirmed=True).exists()


@pytest.mark.django_db
def test_next_login_asks_for_the_code_and_recovery_codes_work_once(world):
    client = log_in(world.mediator)
    codes = enrol(client, world.mediator)
    assert client.get(PAGE).status_code == 200
    # The codes are shown once: nowhere else.
    assert codes[0] not in client.get(reverse("accounts:account")).content.decode()

    # A new login (MFA_REQUIRED is off in development, but this user enrolled).
    second = log_in(world.mediator)
    response = second.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    # Having only the password, one cannot enrol another device instead.
    assert second.get(SETUP)["Location"] == VERIFY
    device = AuthenticatorDevice.objects.get(user=world.mediator, confirmed=True)
    response = second.post(VERIFY, {"token": code(device, steps_ahead=1), "next": PAGE})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert second.get(PAGE).status_code == 200

    # A recovery code, instead of the app's code; once only.
    third = log_in(world.mediator)
    assert third.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert third.get(PAGE).status_code == 200
    fourth = log_in(world.mediator)
    assert fourth.post(VERIFY, {"token": codes[0]}).status_code == 200
    assert fourth.get(PAGE).status_code == 302
    assert RecoveryCode.objects.filter(device__user=world.mediator).count() == len(codes) - 1


@pytest.mark.django_db
def test_wrong_codes_are_throttled(world):
    client = log_in(world.mediator)
    enrol(client, world.mediator)
    device = AuthenticatorDevice.objects.get(user=world.mediator, confirmed=True)
    other = log_in(world.mediator)
    assert "pas valable" in other.post(VERIFY, {"token": "000000"}).content.decode()
    for _ in range(3):
        other.post(VERIFY, {"token": "000000"})
    response = other.post(VERIFY, {"token": code(device, steps_ahead=1)})
    assert response.status_code == 200
    assert "Trop de codes erronés" in response.content.decode()
    assert other.get(PAGE).status_code == 302


@pytest.mark.django_db
def test_administrator_resets_a_members_second_factor(world, settings):
    settings.MFA_REQUIRED = True
    member = log_in(world.mediator)
    enrol(member, world.mediator)
    admin = log_in(world.administrator)
    enrol(admin, world.administrator)
    response = admin.post(reverse("accounts:member_mfa_reset", args=[world.mediator.pk]))
    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=world.mediator).exists()
    assert member.get(PAGE).status_code == 302  # their session ended
    again = log_in(world.mediator)
    assert again.get(PAGE)["Location"].startswith(SETUP)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1!", "au minimum 12 caractères"),
        ("password1234", "trop courant"),
    ],
)
def test_password_validators(world, password, message):
    client = log_in(world.mediator)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_password_reset_by_email(world):
    world.mediator.email = "mediatrice@example.be"
    world.mediator.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):  # locked out, she asks for a new password
        Client().post(
            reverse("accounts:login"), {"username": "mediator", "password": "wrong-password-1"}
        )
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "mediatrice@example.be"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link)  # redirects to the form's URL (the token leaves the URL)
    assert response.status_code == 302
    form_url = response["Location"]
    new = "Tournesol-bleu-2026!"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    world.mediator.refresh_from_db()
    assert world.mediator.check_password(new)
    # The new password also unlocks the account.
    response = Client().post(reverse("accounts:login"), {"username": "mediator", "password": new})
    assert response.status_code == 302
    # The link works once.
    assert "plus valable" in Client().get(link, follow=True).content.decode()
    # An unknown address: the same answer, no mail.
    Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.be"})
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_second_factor_secrets_are_not_in_clear_in_the_database(world):
    """Whoever reads the tables cannot pass the second factor: the authenticator's secret is
    encrypted at rest and recovery codes are kept only as keyed hashes."""
    client = log_in(world.mediator)
    codes = enrol(client, world.mediator)
    assert len(codes) == settings.MFA_RECOVERY_CODES
    device = AuthenticatorDevice.objects.get(user=world.mediator, confirmed=True)
    assert len(device.key) == 40 and int(device.key, 16) >= 0  # read back in clear
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk])
        (stored,) = cursor.fetchone()
        cursor.execute(
            "SELECT digest FROM accounts_recoverycode c JOIN accounts_recoverycodedevice d "
            "ON d.id = c.device_id WHERE d.user_id = %s",
            [world.mediator.pk],
        )
        digests = [row[0] for row in cursor.fetchall()]
    assert device.key not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert len(digests) == len(codes)
    assert not set(codes) & set(digests)
    assert not any(code in digest for code in codes for digest in digests)
    # django-otp's clear-text tables stay empty.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM otp_totp_totpdevice")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM otp_static_statictoken")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_a_recovery_code_is_accepted_whatever_its_case_and_spaces(world):
    client = log_in(world.mediator)
    codes = enrol(client, world.mediator)
    other = log_in(world.mediator)
    typed = " ".join([codes[1][:4].upper(), codes[1][4:]])
    assert other.post(VERIFY, {"token": typed, "next": PAGE}).status_code == 302
    assert other.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_key_rotation_reencrypts_the_authenticator_secret(world, settings):
    client = log_in(world.mediator)
    enrol(client, world.mediator)
    device = AuthenticatorDevice.objects.get(user=world.mediator, confirmed=True)
    secret = device.key
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    out = StringIO()
    call_command("reencrypt_national_numbers", stdout=out)
    assert "1 authenticator secret(s) re-encrypted." in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can go
    assert AuthenticatorDevice.objects.get(pk=device.pk).key == secret
    other = log_in(world.mediator)
    assert other.post(VERIFY, {"token": code(device, steps_ahead=1)}).status_code == 302


@pytest.mark.django_db
def test_the_migration_moves_clear_secrets_out_of_django_otps_tables(world):
    """Devices enrolled before the app kept its own (django-otp's TOTPDevice and StaticToken,
    secrets in clear) keep working, and their clear copies are deleted."""
    migration = importlib.import_module("accounts.migrations.0004_second_factor_secrets_moved")
    old = TOTPDevice.objects.create(user=world.mediator, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=world.mediator, name="codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    migration.move(registry, None)
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    device = AuthenticatorDevice.objects.get(user=world.mediator)
    assert device.key == old.key and device.confirmed
    client = log_in(world.mediator)
    assert client.post(VERIFY, {"token": code(device, steps_ahead=1)}).status_code == 302
    assert client.get(PAGE).status_code == 200
    other = log_in(world.mediator)
    assert other.post(VERIFY, {"token": "abcd2345", "next": PAGE}).status_code == 302
    assert other.get(PAGE).status_code == 200
