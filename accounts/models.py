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
from stdnum.be import vat as be_vat

from core.divisions import Division
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
