"""Write services for organisations (keyword-only, atomic).

An organisation is created through ``organisation_create`` (or ``organisation_get_or_create``);
what other apps need for a new organisation is done in the same transaction by the callbacks
registered with ``on_organisation_created``. ``accounts`` is the lowest layer and imports none of
those apps: each one registers its own callback from its ``AppConfig.ready()`` (``letters``
creates the organisation's default letter templates). No Django signal: the callbacks run only
when an organisation is created through this module, in the order they were registered, and an
error in one of them undoes the creation.
"""

from collections.abc import Callable

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticToken

from .models import (
    AuthenticatorDevice,
    Organisation,
    RecoveryCode,
    RecoveryCodeDevice,
    User,
    recovery_code_digest,
)

OrganisationCallback = Callable[[Organisation], object]

_on_created: list[OrganisationCallback] = []


def on_organisation_created(callback: OrganisationCallback) -> OrganisationCallback:
    """Register ``callback(organisation)``, called for every organisation created from now on
    (registering the same callback twice has no effect). Usable as a decorator."""
    if callback not in _on_created:
        _on_created.append(callback)
    return callback


def organisation_created(organisation: Organisation) -> None:
    """Run the registered callbacks for a new, saved organisation. For a caller that saves the
    organisation itself (the admin's form); everyone else calls ``organisation_create``."""
    if organisation.pk is None:
        raise ValueError("the organisation is not saved")
    with transaction.atomic():
        for callback in _on_created:
            callback(organisation)


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    kind: str,
    enterprise_number: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
) -> Organisation:
    """Create an organisation (validated) and what the other apps need for it."""
    organisation = Organisation(
        name=name,
        slug=slug,
        kind=kind,
        enterprise_number=enterprise_number,
        address=address,
        phone=phone,
        email=email,
    )
    organisation.full_clean()
    organisation.save()
    organisation_created(organisation)
    return organisation


@transaction.atomic
def organisation_get_or_create(*, slug: str, defaults: dict) -> tuple[Organisation, bool]:
    """The organisation with this slug, or a new one made of ``defaults`` (as
    ``QuerySet.get_or_create``); a new one gets what the other apps need for it."""
    organisation, created = Organisation.objects.get_or_create(slug=slug, defaults=defaults)
    if created:
        organisation_created(organisation)
    return organisation, created


# --- Logins: lockouts, second factor, sessions (README, "Security") ---


def _check_same_organisation(*, actor: User, member: User) -> None:
    """An organisation's administrator manages the logins of their own organisation's members
    only (the views find the member with ``selectors.organisation_member``: 404 otherwise)."""
    if (
        not actor.is_org_admin
        or actor.organisation_id is None
        or member.organisation_id != actor.organisation_id
    ):
        raise PermissionDenied


@transaction.atomic
def account_unlock(*, actor: User, member: User) -> None:
    """Clear the failed logins of ``member`` (django-axes): their account is unlocked, and the
    failures it counted for an address no longer do."""
    _check_same_organisation(actor=actor, member=member)
    axes_reset(username=member.username)


@transaction.atomic
def account_failures_clear(*, user: User) -> None:
    """Clear the failed logins of ``user`` once they proved who they are otherwise (a new
    password through the e-mailed link)."""
    axes_reset(username=user.username)


@transaction.atomic
def mfa_reset(*, actor: User, member: User) -> None:
    """Remove the second factor of ``member`` (a lost phone): they enrol again at their next
    login, and their open sessions end."""
    _check_same_organisation(actor=actor, member=member)
    AuthenticatorDevice.objects.filter(user=member).delete()
    RecoveryCodeDevice.objects.filter(user=member).delete()
    user_sessions_end(user=member)


@transaction.atomic
def user_sessions_end(*, user: User) -> None:
    """End every session of ``user`` ("Se déconnecter partout"): each session keeps a hash of
    the user's session epoch, which no longer matches."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def mfa_enrolment_device(*, user: User) -> AuthenticatorDevice:
    """The authenticator being enrolled by ``user`` (not confirmed yet), created on first
    call with a new secret."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=user, name=str(_("Application d'authentification")), confirmed=False
        )
    return device


@transaction.atomic
def mfa_enrolment_confirm(*, user: User, token: str) -> tuple[AuthenticatorDevice, list[str]]:
    """Confirm the authenticator being enrolled with a code it shows; it replaces any former
    one. Returns the device and new recovery codes (to be shown once)."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError({"token": _("Recommencez l'inscription : aucun appareil en cours.")})
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"token": _("Trop de codes erronés : patientez un instant.")})
    if not device.verify_token(token.strip()):
        raise ValidationError({"token": _("Ce code n'est pas valable.")})
    AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, mfa_recovery_codes_renew(user=user)


@transaction.atomic
def mfa_recovery_codes_renew(*, user: User) -> list[str]:
    """New single-use recovery codes for ``user``; the former ones stop working."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(
        user=user, name=str(_("Codes de secours")), confirmed=True
    )
    codes = [StaticToken.random_token() for _i in range(settings.MFA_RECOVERY_CODES)]
    # Kept as keyed hashes only: the codes are shown once and cannot be read back.
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def authenticator_secrets_reencrypt() -> int:
    """Encrypt every authenticator secret again under the first key of FIELD_ENCRYPTION_KEYS
    (the rotation step, run by ``manage.py reencrypt_national_numbers``)."""
    count = 0
    for device in AuthenticatorDevice.objects.select_for_update().order_by("pk"):
        device.save(update_fields=["key"])  # read in clear, written under the first key
        count += 1
    return count
