"""The negotiation and contact log of a case: every exchange of the mediator with a creditor
or with the intermediary (bailiff, collection agency, lawyer) acting for it, its outcome and an
optional follow-up date that stays in the mediator's to-do list until it is done.

Domain: ``../shared/domain/README.md`` (step 3: a creditor may act through an intermediary;
negotiating with the original creditor can unlock what the intermediary refuses), seeds 000,
001 and 004. Business rules live in ``contacts.services``; reads in ``contacts.selectors``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Applicant, Case
from claims.models import Creditor, Representative
from core.dates import format_date


class Channel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Courrier")
    MEETING = "meeting", _("Rencontre")
    SMS = "sms", _("SMS")
    # Contacts with the applicant (issue 17): a visit, documents handed in or received.
    VISIT = "visit", _("Visite")
    DOCUMENTS = "documents", _("Documents reçus")


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("Accord")
    REFUSAL = "refusal", _("Refus")
    COUNTER_PROPOSAL = "counter_proposal", _("Contre-proposition")
    NO_ANSWER = "no_answer", _("Sans réponse")
    # A letter or e-mail sent, no answer yet: what the letters app records for each addressee.
    SENT = "sent", _("Envoi (réponse attendue)")
    # A contact with the applicant that informs the mediator (issue 17).
    NOTED = "noted", _("Information notée")


class ContactEntry(models.Model):
    """One contact of the mediator with a creditor, directly or through its representative.

    ``creditor`` is a creditor of the organisation's directory (not necessarily one that has
    already declared: the mediator writes to and calls creditors before and in order to obtain
    their declaration). ``representative`` is set when the contact went to the intermediary
    acting for that creditor in the case (a ``claims.Representation`` must exist). It points
    at the representative rather than at one representation because one bailiff often holds
    several files of the same creditor (seed 000: three files) and one call covers them all.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="contact_entries", verbose_name=_("dossier")
    )
    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.PROTECT,
        related_name="contact_entries",
        null=True,
        blank=True,
        verbose_name=_("créancier"),
    )
    # The debtor side of the log (issue 17): a contact with one of the case's applicants
    # (a visit, a call, documents received) instead of a creditor.
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="contact_entries",
        null=True,
        blank=True,
        verbose_name=_("requérant"),
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_entries",
        verbose_name=_("intermédiaire"),
    )
    date = models.DateField(_("date du contact"))
    channel = models.CharField(_("moyen"), max_length=10, choices=Channel.choices)
    interlocutor = models.CharField(
        _("interlocuteur"),
        max_length=200,
        blank=True,
        help_text=_("La personne ou le service joint chez le créancier ou l'intermédiaire."),
    )
    summary = models.TextField(_("résumé"))
    outcome = models.CharField(_("résultat"), max_length=20, choices=Outcome.choices)
    follow_up_on = models.DateField(_("date de rappel"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("rappel fait le"), null=True, blank=True)
    follow_up_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rappel fait par"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("encodé par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["case", "-date", "-id"]
        constraints = [
            # a creditor (perhaps through its representative), or an applicant
            models.CheckConstraint(
                name="contact_creditor_or_applicant",
                condition=Q(creditor__isnull=False, applicant__isnull=True)
                | Q(creditor__isnull=True, applicant__isnull=False, representative__isnull=True),
                violation_error_message=_(
                    "Un contact concerne un créancier ou le requérant, pas les deux."
                ),
            ),
            models.CheckConstraint(
                name="contact_follow_up_not_before_contact",
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("date")),
                violation_error_message=_("Le rappel ne peut précéder la date du contact."),
            ),
            models.CheckConstraint(
                name="contact_follow_up_done_needs_date",
                condition=Q(follow_up_done_at__isnull=True) | Q(follow_up_on__isnull=False),
                violation_error_message=_(
                    "Seul un contact avec une date de rappel peut être fait."
                ),
            ),
            models.CheckConstraint(
                name="contact_follow_up_done_by_with_done_at",
                condition=Q(follow_up_done_at__isnull=True, follow_up_done_by__isnull=True)
                | Q(follow_up_done_at__isnull=False, follow_up_done_by__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["case", "creditor", "-date"], name="contact_case_creditor_date"),
            models.Index(
                fields=["follow_up_on"],
                name="contact_open_follow_up",
                condition=Q(follow_up_on__isnull=False, follow_up_done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_name} {format_date(self.date)} ({self.get_outcome_display()})"

    @property
    def party_name(self) -> str:
        """Whom the contact was with: the creditor, or the applicant (issue 17)."""
        if self.applicant_id:
            return str(self.applicant.full_name)
        return self.creditor.name if self.creditor_id else ""

    @property
    def party_anchor(self) -> str:
        """The anchor of the contact's party in the case's log."""
        return "requerant" if self.applicant_id else f"creancier-{self.creditor_id}"

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_on is not None and self.follow_up_done_at is None


class ThirdPartyKind(models.TextChoices):
    """The third parties of a case the mediator writes to besides the creditors (issue 17):
    who pays the applicant's income, who keeps their accounts, who still enforces."""

    EMPLOYER = "employer", _("Employeur")
    BENEFIT_PAYER = "benefit_payer", _("Organisme payeur (allocations, pension, mutuelle)")
    BANK = "bank", _("Banque du requérant")
    BAILIFF = "bailiff", _("Huissier de justice (exécution en cours)")
    OTHER = "other", _("Autre tiers")


# The third parties that pay the applicant's income: once the mediation account is open they
# pay it there (art. 1675/9 §1, 4° C.J.), and are told when the procedure ends.
INCOME_PAYERS = frozenset({ThirdPartyKind.EMPLOYER, ThirdPartyKind.BENEFIT_PAYER})


class ThirdParty(models.Model):
    """A third party of the case: the applicant's employer, a benefit payer, their bank, a
    bailiff still enforcing. Name, address and reference are what the letters need."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="third_parties", verbose_name=_("dossier")
    )
    kind = models.CharField(_("qualité"), max_length=16, choices=ThirdPartyKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    address = models.TextField(_("adresse postale"))
    reference = models.CharField(
        _("référence"),
        max_length=100,
        blank=True,
        help_text=_("Numéro de dossier, de membre ou de compte chez ce tiers."),
    )
    # A third party a letter was sent to is kept (the letters keep their addressees) but
    # deactivated when it no longer concerns the case: no new letter, no closure letter.
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tiers du dossier")
        verbose_name_plural = _("tiers du dossier")
        ordering = ["case", "kind", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
