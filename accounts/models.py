"""Organisations, users and roles.

Roles (issue 2): a *mediator* works on the cases assigned to them and sees their
organisation's cases; a *supervisor* (CPAS staff) reads every case of the organisation; a
*clerk* of one or more court divisions sees only documents filed for cases of those divisions;
an *administrator* manages the organisation (members, templates) and its cases.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import hex_validator, random_hex
from stdnum.be import vat as be_vat

from core.divisions import Division
from core.fields import EncryptedCharField
from core.roles import Role


def validate_enterprise_number(value: str) -> None:
    if value and not be_vat.is_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro d'entreprise (BCE) valide."),
            params={"value": value},
            code="invalid_enterprise_number",
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LAW_FIRM = "law_firm", _("Cabinet d'avocats")
        CPAS = "cpas", _("Service de médiation de dettes de CPAS")
        ASBL = "asbl", _("Service agréé (ASBL)")
        OTHER = "other", _("Autre")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=64, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    enterprise_number = models.CharField(
        _("numéro d'entreprise"),
        max_length=16,
        blank=True,
        validators=[validate_enterprise_number],
    )
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profession(models.TextChoices):
    """Mediator professions (case-bundle.schema.json ``mediator.profession``)."""

    LAWYER = "lawyer", _("Avocat")
    BAILIFF = "bailiff", _("Huissier de justice")
    NOTARY = "notary", _("Notaire")
    CPAS = "cpas", _("Médiateur de CPAS")
    APPROVED_SERVICE = "approved_service", _("Service agréé")


class User(AbstractUser):
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.MEDIATOR)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        help_text=_("Vide pour un greffier."),
    )
    profession = models.CharField(
        _("profession"), max_length=20, choices=Profession.choices, blank=True
    )
    vat_registered = models.BooleanField(_("assujetti à la TVA"), default=False)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    # Part of every session's authentication hash: raising it ends all the user's sessions
    # ("Se déconnecter partout"), as a new password does.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                name="user_org_unless_clerk",
                condition=(
                    models.Q(role="clerk", organisation__isnull=True)
                    | (~models.Q(role="clerk") & models.Q(organisation__isnull=False))
                    | models.Q(is_superuser=True)
                ),
                violation_error_message=_(
                    "Un greffier n'appartient à aucune organisation; tout autre rôle en a une."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password (get_session_auth_hash and its SECRET_KEY_FALLBACKS
        # variant both call this), keyed with the session epoch as well.
        key_salt = "accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def is_mediator(self) -> bool:
        return self.role == Role.MEDIATOR

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ADMINISTRATOR


class ClerkDivision(models.Model):
    """A court division whose filed documents a clerk may read."""

    clerk = models.ForeignKey(User, on_delete=models.CASCADE, related_name="clerk_divisions")
    division = models.CharField(_("division"), max_length=32, choices=Division.choices)

    class Meta:
        verbose_name = _("division du greffier")
        verbose_name_plural = _("divisions du greffier")
        constraints = [
            models.UniqueConstraint(fields=["clerk", "division"], name="uniq_clerk_division")
        ]

    def __str__(self) -> str:
        return f"{self.clerk} – {self.get_division_display()}"


# Second factor (issue 13): the authenticator's shared secret and the recovery codes are
# secrets that let whoever reads the database pass the second factor. django-otp's own
# TOTPDevice and StaticToken keep them in clear, so the app keeps its own devices: the secret
# is encrypted at rest (core.crypto, FIELD_ENCRYPTION_KEYS, re-encrypted with the national
# numbers by ``manage.py reencrypt_national_numbers``) and a recovery code is kept only as a
# keyed hash. The TOTP arithmetic is django-otp's (django_otp.oath.TOTP, RFC 6238).


def _default_totp_key() -> str:
    return random_hex(20)


def _validate_totp_key(value: str) -> None:
    hex_validator()(value)


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) whose shared secret is encrypted at rest."""

    key = EncryptedCharField(
        max_length=80, validators=[_validate_totp_key], default=_default_totp_key
    )
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("application d'authentification")
        verbose_name_plural = _("applications d'authentification")

    # The verification, throttling and provisioning URL are django-otp's TOTPDevice's own,
    # reading the same attribute names (the secret is decrypted when the row is read).
    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings


def recovery_code_digest(code: str) -> str:
    """The keyed hash a recovery code is kept as (HMAC under SECRET_KEY; spaces and case of
    what the user types do not matter)."""
    normalised = "".join(code.split()).lower()
    return salted_hmac("accounts.recovery-code", normalised, algorithm="sha256").hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """The user's single-use recovery codes, each kept as a keyed hash only."""

    class Meta(Device.Meta):
        verbose_name = _("codes de secours")
        verbose_name_plural = _("codes de secours")

    def verify_token(self, token) -> bool:
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        deleted, _rows = self.codes.filter(digest=recovery_code_digest(str(token))).delete()
        if deleted:
            self.throttle_reset(commit=True)
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["device", "digest"])]

    def __str__(self) -> str:
        return f"{self.device} #{self.pk}"  # the code itself is not known
