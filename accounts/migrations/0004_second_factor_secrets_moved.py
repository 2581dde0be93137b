"""Moves the enrolled second factors out of django-otp's clear-text tables: each TOTP secret
into AuthenticatorDevice (encrypted), each unused recovery code into RecoveryCode (a keyed
hash), then deletes the clear copies. Nobody has to enrol again."""

from django.db import migrations
from django.utils.crypto import salted_hmac


def digest(code: str) -> str:
    # Same as accounts.models.recovery_code_digest (frozen here, as migrations are).
    normalised = "".join(code.split()).lower()
    return salted_hmac("accounts.recovery-code", normalised, algorithm="sha256").hexdigest()


def move(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    for old in TOTPDevice.objects.all():
        AuthenticatorDevice.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            key=old.key,
            step=old.step,
            t0=old.t0,
            digits=old.digits,
            tolerance=old.tolerance,
            drift=old.drift,
            last_t=old.last_t,
            created_at=old.created_at,
            last_used_at=old.last_used_at,
        )
    TOTPDevice.objects.all().delete()
    for old in StaticDevice.objects.all():
        device = RecoveryCodeDevice.objects.create(
            user_id=old.user_id, name=old.name, confirmed=old.confirmed
        )
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, digest=digest(token))
            for token in old.token_set.values_list("token", flat=True)
        )
    StaticDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_second_factor_secrets"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
