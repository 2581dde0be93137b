"""Cases (règlement collectif de dettes), their applicants and their history.

Business rules live in ``cases.services`` (writes) and ``cases.selectors`` (reads); the models
only hold data and the invariants the database itself can enforce.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation
from core.dates import format_date
from core.divisions import Division
from core.fields import EncryptedCharField
from core.pricing import PricingMethod, effective_pricing_method
from core.text import validate_single_line

from .status import TRANSITION_LABELS, CaseStatus
from .validators import (
    format_national_number,
    mask_national_number,
    validate_iban,
    validate_national_number,
)

# The note of the status change that opens a case (cases.services.case_create), stored in French
# like the transitions' and shown in the reader's language (StatusChange.shown_note).
OPENING_NOTE = gettext_noop("Ordonnance d'admissibilité")
DEFAULT_NOTES = frozenset({OPENING_NOTE})


class PlanBasis(models.TextChoices):
    """The legal basis of a settlement plan (public codes: ``manage.py plan_preview --basis``).
    It decides what the plan may remit (docs/plan-rules.md):

    - amicable (art. 1675/10 C.J.): what the parties agree;
    - judicial plan under art. 1675/12 C.J.: no remission of capital (interest and costs may be
      remitted);
    - judicial plan with remission of capital under art. 1675/13 C.J., with the "retour à
      meilleure fortune" clause;
    - total remission under art. 1675/13bis C.J.
    """

    AMICABLE = "amicable", _("Plan amiable (art. 1675/10 C.J.)")
    JUDICIAL_1675_12 = (
        "judicial_1675_12",
        _("Plan judiciaire sans remise en capital (art. 1675/12 C.J.)"),
    )
    JUDICIAL_1675_13 = (
        "judicial_1675_13",
        _("Plan judiciaire avec remise en capital (art. 1675/13 C.J.)"),
    )
    TOTAL_1675_13BIS = "total_1675_13bis", _("Remise totale de dettes (art. 1675/13bis C.J.)")


class Case(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    reference = models.CharField(
        _("référence du médiateur"),
        max_length=64,
        help_text=_("Référence interne, unique dans l'organisation."),
        validators=[validate_single_line],
    )
    division = models.CharField(_("division du tribunal"), max_length=32, choices=Division.choices)
    role_number = models.CharField(
        _("numéro de rôle"), max_length=64, blank=True, validators=[validate_single_line]
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.AMICABLE_PHASE
    )
    petition_date = models.DateField(_("date de la requête"), null=True, blank=True)
    admissibility_date = models.DateField(_("date de l'ordonnance d'admissibilité"))
    mediator_designation_date = models.DateField(
        _("date de désignation du médiateur"), null=True, blank=True
    )
    # The clerk's notification of the admissibility order to the creditors starts their
    # declaration period (art. 1675/9 §2 C.J.; claims.deadlines).
    creditors_notified_on = models.DateField(
        _("date de notification aux créanciers"),
        null=True,
        blank=True,
        help_text=_("Envoi de l'ordonnance d'admissibilité aux créanciers par le greffe."),
    )
    follow_up_start = models.DateField(
        _("début du suivi (2,3°)"),
        null=True,
        blank=True,
        help_text=_("Par défaut la date d'admissibilité (fees.md §4)."),
    )
    homologation_date = models.DateField(_("date d'homologation / du plan"), null=True, blank=True)
    # The basis the court ordered (recorded with its decision on a plan: plans.services).
    plan_basis = models.CharField(
        _("base légale du plan ordonné"),
        max_length=20,
        choices=PlanBasis.choices,
        blank=True,
    )
    closure_date = models.DateField(_("date de clôture"), null=True, blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("médiateur désigné"),
    )
    pricing_method = models.CharField(
        _("méthode de tarification"),
        max_length=24,
        choices=PricingMethod.choices(),
        blank=True,
        help_text=_("Vide : la méthode par défaut de la division."),
    )
    account_iban = models.CharField(
        _("IBAN du compte de médiation"), max_length=34, blank=True, validators=[validate_iban]
    )
    # The first applicant's last name, the caseload's sort by applicant (issue 15): kept by
    # ``cases.services`` with the applicants (NULL: no applicant), read through the index
    # below instead of joining and sorting every applicant of the organisation.
    applicant_sort_name = models.CharField(
        _("nom du premier requérant (tri)"), max_length=100, null=True, editable=False
    )
    household_adults = models.PositiveSmallIntegerField(_("adultes du ménage"), default=1)
    dependent_children = models.PositiveSmallIntegerField(_("enfants à charge"), default=0)
    household_note = models.CharField(_("composition du ménage"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-admissibility_date", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="uniq_case_reference_per_org",
                violation_error_message=_("Cette référence existe déjà dans l'organisation."),
            ),
            models.CheckConstraint(
                name="case_admissibility_after_petition",
                condition=Q(petition_date__isnull=True)
                | Q(admissibility_date__gte=F("petition_date")),
                violation_error_message=_("L'admissibilité ne peut précéder la requête."),
            ),
            models.CheckConstraint(
                name="case_closure_after_admissibility",
                condition=Q(closure_date__isnull=True)
                | Q(closure_date__gte=F("admissibility_date")),
                violation_error_message=_("La clôture ne peut précéder l'admissibilité."),
            ),
            models.CheckConstraint(
                name="case_homologation_after_admissibility",
                condition=Q(homologation_date__isnull=True)
                | Q(homologation_date__gte=F("admissibility_date")),
                violation_error_message=_("L'homologation ne peut précéder l'admissibilité."),
            ),
            models.CheckConstraint(
                name="case_designation_after_admissibility",
                condition=Q(mediator_designation_date__isnull=True)
                | Q(mediator_designation_date__gte=F("admissibility_date")),
                violation_error_message=_(
                    "La désignation du médiateur ne peut précéder l'admissibilité."
                ),
            ),
            models.CheckConstraint(
                name="case_notification_after_admissibility",
                condition=Q(creditors_notified_on__isnull=True)
                | Q(creditors_notified_on__gte=F("admissibility_date")),
                violation_error_message=_(
                    "La notification aux créanciers ne peut précéder l'admissibilité."
                ),
            ),
            models.CheckConstraint(
                name="case_follow_up_after_admissibility",
                condition=Q(follow_up_start__isnull=True)
                | Q(follow_up_start__gte=F("admissibility_date")),
                violation_error_message=_("Le suivi ne peut commencer avant l'admissibilité."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["division"]),
            # The caseload's sorts (issue 15): by admissibility (the default), by reference, by
            # applicant, by mediator (the supervisor's links); the trigram indexes of the search
            # are PostgreSQL's (migration 0006_caseload_indexes).
            models.Index(fields=["organisation", "admissibility_date"]),
            models.Index(fields=["organisation", "reference"]),
            models.Index(fields=["organisation", "applicant_sort_name", "reference"]),
            models.Index(fields=["organisation", "mediator", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def effective_pricing_method(self) -> PricingMethod:
        return effective_pricing_method(division=self.division, override=self.pricing_method)

    @property
    def applicants_display(self) -> str:
        return " & ".join(a.full_name for a in self.applicants.all())


def applicant_full_name(last_name: str, first_name: str) -> str:
    """An applicant's name as every page shows it: ``DUPONT Marie``."""
    return f"{last_name.upper()} {first_name}".strip()


class Applicant(models.Model):
    """One of the (at most two) applicants of a case. ``position`` 1 or 2 makes a third
    applicant impossible at the database level."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="applicants")
    position = models.PositiveSmallIntegerField(default=1)
    last_name = models.CharField(_("nom"), max_length=100, validators=[validate_single_line])
    first_name = models.CharField(_("prénom"), max_length=100, validators=[validate_single_line])
    # Encrypted at rest (core.crypto); searched through ``national_number_hash``, the keyed
    # hash of the same number, written with it by ``cases.services``.
    national_number = EncryptedCharField(
        _("numéro de registre national"),
        max_length=11,
        blank=True,
        validators=[validate_national_number],
        help_text=_("11 chiffres (NN ou BIS), par ex. 85.07.30-033.28"),
    )
    national_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("requérant")
        verbose_name_plural = _("requérants")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="uniq_applicant_position"),
            models.CheckConstraint(
                name="applicant_position_1_or_2",
                condition=Q(position__in=[1, 2]),
                violation_error_message=_("Un dossier compte un ou deux requérants."),
            ),
        ]
        indexes = [
            models.Index(fields=["last_name"]),
            models.Index(fields=["national_number_hash"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return applicant_full_name(self.last_name, self.first_name)

    @property
    def address_one_line(self) -> str:
        """The address on one line, as a court document's caption prints it."""
        return ", ".join(line.strip() for line in self.address.splitlines() if line.strip())

    @property
    def national_number_formatted(self) -> str:
        return format_national_number(self.national_number)

    @property
    def national_number_masked(self) -> str:
        return mask_national_number(self.national_number)


class MediatorAssignment(models.Model):
    """History of the mediators designated in a case (designation, replacements)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    start_date = models.DateField(_("depuis le"))
    end_date = models.DateField(_("jusqu'au"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("désignation")
        verbose_name_plural = _("désignations")
        ordering = ["case", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(end_date__isnull=True),
                name="one_current_assignment_per_case",
            ),
            models.CheckConstraint(
                name="assignment_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mediator} ({format_date(self.start_date)})"


class StatusChange(models.Model):
    """Every change of status, with the court decision's date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    decision_date = models.DateField(_("date de la décision"))
    note = models.TextField(_("remarque"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["case", "decision_date", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({format_date(self.decision_date)})"

    @property
    def shown_note(self) -> str:
        """The note in the reader's language (issue 16): the default note, the decision's name
        (``TRANSITION_LABELS``, stored in French by ``case_change_status``), is translated; a
        note the mediator wrote is shown as written."""
        label = TRANSITION_LABELS.get(self.to_status)
        if label is not None:
            with translation.override("fr"):
                french = str(label)
            if self.note == french:
                return str(label)
        if self.note in DEFAULT_NOTES:  # the note of the case's opening (case_create)
            return translation.gettext(self.note)
        return self.note


class CaseloadExport(models.Model):
    """A caseload export produced in the background (Celery) for its requester."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    language = models.CharField(max_length=8, default="fr")
    progress = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    content = models.TextField(blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.state})"
