"""Creditors, their representatives and the claims declared in a case.

Domain: ``../shared/domain/README.md`` (step 3, claim declarations; time-barred and paid-off
creditors), ``fees.md`` §3 (creditors are counted, not claims), seeds 000/001/004 (bailiffs and
collection agencies acting for a creditor; several files of one creditor joined into one plan).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError

from accounts.models import Organisation, validate_enterprise_number
from cases.models import Applicant, Case
from cases.validators import validate_iban
from core.fields import MoneyField
from core.text import validate_single_line

from .amounts import claim_admitted_total, claim_total


def normalise_enterprise_number(value: str) -> str:
    """'BE 0403.170.701' -> '0403170701'. An unparsable value is kept (compacted) so that the
    validator rejects it; it is never truncated into another, valid-looking number."""
    return be_vat.compact(value) if value else ""


def normalise_bic(value: str) -> str:
    return value.replace(" ", "").upper() if value else ""


def validate_bic(value: str) -> None:
    """A BIC (SWIFT code) of 8 or 11 characters, python-stdnum's format check."""
    if not value:
        return
    try:
        std_bic.validate(value)
    except StdnumError:
        raise ValidationError(
            _("« %(value)s » n'est pas un BIC valide (8 ou 11 caractères, par ex. GKCCBEBB)."),
            params={"value": value},
            code="invalid_bic",
        ) from None


class ContactFields(models.Model):
    """Address book fields shared by creditors and representatives."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("nom"), max_length=200, validators=[validate_single_line])
    enterprise_number = models.CharField(
        _("numéro d'entreprise (BCE)"),
        max_length=10,
        blank=True,
        validators=[validate_enterprise_number],
    )
    address = models.TextField(_("adresse"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    contact_person = models.CharField(_("personne de contact"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def enterprise_number_display(self) -> str:
        """0403170701 -> 0403.170.701 (the BCE/KBO notation)."""
        n = self.enterprise_number
        return f"{n[:4]}.{n[4:7]}.{n[7:]}" if len(n) == 10 else n

    @property
    def iban_display(self) -> str:
        if not self.iban:
            return ""
        try:
            return std_iban.format(self.iban)
        except StdnumError:
            return self.iban


def validate_country(value: str) -> None:
    """An ISO 3166-1 alpha-2 code (two letters: BE, FR, NL, CH…)."""
    if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise ValidationError(
            _("Indiquez le pays par son code ISO à deux lettres (BE, FR, NL, DE…)."),
            code="invalid_country",
        )


class Creditor(ContactFields):
    """A creditor of the organisation's directory, reused across cases."""

    # Where the creditor is established: its declaration periods are longer abroad
    # (claims.deadlines, art. 1675/9 C.J.).
    country = models.CharField(
        _("pays (code ISO)"),
        max_length=2,
        default="BE",
        validators=[validate_country],
        help_text=_("BE, ou le pays d'établissement : délais de déclaration plus longs."),
    )

    class Meta:
        verbose_name = _("créancier")
        verbose_name_plural = _("créanciers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="uniq_creditor_enterprise_per_org",
                violation_error_message=_("Un créancier de l'annuaire a déjà ce numéro BCE."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "iban"],
                condition=~Q(iban=""),
                name="uniq_creditor_iban_per_org",
                violation_error_message=_("Un créancier de l'annuaire a déjà cet IBAN."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "name"])]


class RepresentativeRole(models.TextChoices):
    BAILIFF = "bailiff", _("Huissier de justice")
    COLLECTION_AGENCY = "collection_agency", _("Bureau de recouvrement")
    LAWYER = "lawyer", _("Avocat")
    OTHER = "other", _("Autre")


class Representative(ContactFields):
    """A bailiff, collection agency or lawyer who may act for creditors."""

    role = models.CharField(_("qualité"), max_length=20, choices=RepresentativeRole.choices)

    class Meta:
        verbose_name = _("intermédiaire")
        verbose_name_plural = _("intermédiaires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="uniq_representative_enterprise_per_org",
                violation_error_message=_("Un intermédiaire de l'annuaire a déjà ce numéro BCE."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "iban"],
                condition=~Q(iban=""),
                name="uniq_representative_iban_per_org",
                violation_error_message=_("Un intermédiaire de l'annuaire a déjà cet IBAN."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "name"])]


class Representation(models.Model):
    """A representative acting for a creditor in one case, under its own file reference."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="representations")
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="+")
    representative = models.ForeignKey(
        Representative, on_delete=models.PROTECT, related_name="representations"
    )
    file_reference = models.CharField(_("référence du dossier"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("représentation")
        verbose_name_plural = _("représentations")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "creditor", "representative", "file_reference"],
                name="uniq_representation",
            )
        ]

    def __str__(self) -> str:
        ref = f" ({self.file_reference})" if self.file_reference else ""
        return f"{self.representative} pour {self.creditor}{ref}"


class ClaimNature(models.TextChoices):
    # Codes of case-bundle.schema.json ``claims[].nature`` (public interface).
    CONSUMER_CREDIT = "consumer_credit", _("Crédit à la consommation")
    MORTGAGE_CREDIT = "mortgage_credit", _("Crédit hypothécaire")
    ENERGY = "energy", _("Énergie")
    TELECOM = "telecom", _("Télécommunications")
    RENT = "rent", _("Loyer")
    TAX = "tax", _("Impôts")
    SOCIAL_CONTRIBUTIONS = "social_contributions", _("Cotisations sociales")
    HEALTH_CARE = "health_care", _("Soins de santé")
    MAINTENANCE = "maintenance", _("Pension alimentaire")
    CRIMINAL_FINE = "criminal_fine", _("Amende pénale")
    BODILY_INJURY_COMPENSATION = (
        "bodily_injury_compensation",
        _("Indemnisation d'un préjudice corporel (infraction)"),
    )
    POST_BANKRUPTCY = "post_bankruptcy", _("Dette subsistant après faillite")
    OTHER = "other", _("Autre")


# Debts that can never be remitted (domain/README.md, step 5; art. 1675/13 §3 C.J.).
NON_REMISSIBLE_NATURES = frozenset(
    {
        ClaimNature.MAINTENANCE,
        ClaimNature.CRIMINAL_FINE,
        ClaimNature.BODILY_INJURY_COMPENSATION,
        ClaimNature.POST_BANKRUPTCY,
    }
)


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("En attente de vérification")
    ACCEPTED = "accepted", _("Admise")
    CONTESTED = "contested", _("Contestée")
    REJECTED = "rejected", _("Rejetée")


class Privilege(models.TextChoices):
    NONE = "none", _("Chirographaire")
    GENERAL = "general", _("Privilège général")
    SPECIAL = "special", _("Privilège spécial")
    MORTGAGE = "mortgage", _("Hypothèque")


class PlanRank(models.TextChoices):
    """The reasoned rank the mediator gives a claim in the plan (docs/plan-rules.md). Equality
    is the rule (art. 1675/13 §1 C.J.; Cass. 27 May 2013): every claim is ``common`` unless the
    mediator records a reason. Paid in this order:

    1. ``dignity``: a debt whose non-payment endangers the applicant's dignity (rent, energy
       arrears; art. 1675/10 §4, 1675/12 §5, 1675/13 §6 C.J.);
    2. ``mortgage``: a mortgage on an asset the applicant keeps (legal cause of preference on
       that asset, distinct from a general privilege);
    3. ``preference``: another legal cause of preference (general or special privilege);
    4. ``common``: the chirographic creditors, au marc le franc.
    """

    DIGNITY = "dignity", _("1. Dette dont le non-paiement menace la dignité (loyer, énergie)")
    MORTGAGE = "mortgage", _("2. Hypothèque sur un bien conservé")
    PREFERENCE = "preference", _("3. Cause légitime de préférence (privilège)")
    COMMON = "common", _("4. Rang commun (chirographaire, au marc le franc)")


class Position(models.Model):
    """Several claims of ONE creditor joined into one position (seed 000: three bailiff files
    of one creditor joined into one payment plan). The claims stay visible under it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="positions")
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("intitulé"), max_length=200)
    note = models.TextField(_("remarque"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("position jointe")
        verbose_name_plural = _("positions jointes")
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        return self.label


def declaration_upload_to(instance: "Claim", filename: str) -> str:
    import uuid
    from pathlib import Path

    suffix = Path(filename).suffix.lower()[:5]
    return f"cases/{instance.case_id}/declarations/{uuid.uuid4().hex}{suffix}"


class Claim(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="claims")
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="claims")
    representation = models.ForeignKey(
        Representation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("représenté par"),
    )
    key = models.CharField(
        _("clé"), max_length=64, blank=True, help_text=_("Identifiant dans un export du dossier.")
    )
    creditor_reference = models.CharField(_("référence du créancier"), max_length=100, blank=True)
    nature = models.CharField(
        _("nature"), max_length=32, choices=ClaimNature.choices, default=ClaimNature.OTHER
    )
    principal = MoneyField(_("principal"))
    interest = MoneyField(_("intérêts"), default=Decimal("0.00"))
    costs = MoneyField(_("frais"), default=Decimal("0.00"))
    declared_on = models.DateField(_("date de la déclaration"))
    declaration_file = models.FileField(
        _("déclaration (PDF ou image)"), upload_to=declaration_upload_to, blank=True
    )
    declaration_name = models.CharField(
        _("nom du fichier de la déclaration"), max_length=255, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    time_barred = models.BooleanField(
        _("forclose"),
        default=False,
        help_text=_("Déclaration tardive : comptée pour le 2,1°, hors du plan."),
    )
    privilege = models.CharField(
        _("privilège"), max_length=10, choices=Privilege.choices, default=Privilege.NONE
    )
    debtors = models.ManyToManyField(
        Applicant, related_name="claims", verbose_name=_("débiteur(s)"), blank=True
    )
    paid_off_on = models.DateField(_("soldée le"), null=True, blank=True)
    # What the plan is computed on (docs/plan-rules.md): the admitted amount, by default the
    # declared one less the interest run after the admissibility order (interest stops running
    # at admissibility, art. 1675/7 §1 C.J.); above the declared amount only with a reason.
    interest_after_admissibility = MoneyField(
        _("intérêts courus après l'admissibilité (non admis)"), default=Decimal("0.00")
    )
    admitted_amount = MoneyField(
        _("montant admis"),
        null=True,
        blank=True,
        help_text=_("Vide : le montant déclaré, sans les intérêts postérieurs à l'admissibilité."),
    )
    admitted_reason = models.TextField(_("motif du montant admis"), blank=True)
    plan_rank = models.CharField(
        _("rang dans le plan"), max_length=12, choices=PlanRank.choices, default=PlanRank.COMMON
    )
    rank_reason = models.TextField(_("motif du rang"), blank=True)
    position = models.ForeignKey(
        Position,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("position jointe"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("créance")
        verbose_name_plural = _("créances")
        ordering = ["case", "creditor__name", "declared_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="claim_amounts_not_negative",
                condition=Q(principal__gte=0) & Q(interest__gte=0) & Q(costs__gte=0),
                violation_error_message=_("Les montants d'une créance ne peuvent être négatifs."),
            ),
            models.CheckConstraint(
                name="claim_paid_off_after_declaration",
                condition=Q(paid_off_on__isnull=True) | Q(paid_off_on__gte=F("declared_on")),
                violation_error_message=_("Une créance ne peut être soldée avant sa déclaration."),
            ),
            models.UniqueConstraint(
                fields=["case", "key"], condition=~Q(key=""), name="uniq_claim_key_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creditor} {self.creditor_reference}".strip()

    @property
    def total(self) -> Decimal:
        return claim_total(self.principal, self.interest, self.costs)

    @property
    def declared_total(self) -> Decimal:
        return self.total

    @property
    def admitted_total(self) -> Decimal:
        """What the plan counts: the admitted amount, or the declared one less the interest
        run after admissibility (``amounts.claim_admitted_total``)."""
        return claim_admitted_total(
            principal=self.principal,
            interest=self.interest,
            costs=self.costs,
            admitted_amount=self.admitted_amount,
            interest_after_admissibility=self.interest_after_admissibility,
        )

    @property
    def non_remissible(self) -> bool:
        return self.nature in NON_REMISSIBLE_NATURES

    @property
    def declaration_is_pdf(self) -> bool:
        return self.declaration_file.name.lower().endswith(".pdf")

    @property
    def participates(self) -> bool:
        """Takes part in the plan: not time-barred, not rejected."""
        return not self.time_barred and self.status != ClaimStatus.REJECTED


class TimeBarReason(models.TextChoices):
    # Stable codes (shown in exports and the agenda's JSON).
    REMINDER_EXPIRED = (
        "reminder_expired",
        _("Aucune déclaration dans le dernier délai ouvert par le rappel recommandé"),
    )
    BY_HAND = "by_hand", _("Forclusion enregistrée à la main")
    BEFORE_CALENDAR = (
        "before_calendar",
        _("Saisie à la main avant le calendrier (case « déclaration tardive »)"),
    )


class KnownCreditor(models.Model):
    """A creditor known in a case (listed by the applicant, or having declared): the clock of
    its declaration (art. 1675/9 §§2-3 C.J.; ``claims.deadlines``). The mediator records the
    registered reminder; the daily run records the forclusion when the last days pass without
    a declaration. A time-barred creditor's claims are marked ``time_barred``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="known_creditors")
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="+")
    reminder_sent_on = models.DateField(_("rappel recommandé envoyé le"), null=True, blank=True)
    reminder_received_on = models.DateField(_("rappel reçu le"), null=True, blank=True)
    time_barred_on = models.DateField(_("forclos depuis le"), null=True, blank=True)
    time_barred_reason = models.CharField(
        _("motif de la forclusion"), max_length=20, choices=TimeBarReason.choices, blank=True
    )
    time_barred_note = models.CharField(_("détail"), max_length=255, blank=True)
    time_barred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    time_barred_recorded_at = models.DateTimeField(_("enregistrée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("créancier connu")
        verbose_name_plural = _("créanciers connus")
        ordering = ["case", "creditor__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "creditor"], name="uniq_known_creditor"),
            models.CheckConstraint(
                name="known_creditor_reminder_received_after_sent",
                condition=Q(reminder_received_on__isnull=True)
                | (
                    Q(reminder_sent_on__isnull=False)
                    & Q(reminder_received_on__gte=F("reminder_sent_on"))
                ),
            ),
            models.CheckConstraint(
                name="known_creditor_time_bar_has_reason",
                condition=(Q(time_barred_on__isnull=True) & Q(time_barred_reason=""))
                | (Q(time_barred_on__isnull=False) & ~Q(time_barred_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.creditor}"

    @property
    def subject(self) -> str:
        """The agenda's subject of this creditor's duties."""
        return f"creditor:{self.creditor_id}"
