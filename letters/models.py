"""Letters of a case and the organisation's letter templates.

A letter is composed from a template (``LetterTemplate``, one set per organisation, edited by
its administrator), rendered for one or several addressees (creditors of the case or the
representatives acting for them), printed as ONE PDF and recorded as sent. Sending records the
billable service it gives rise to (barème 4.1 / 4.2 and registered postage, fees.md §1 and §6):
see ``letters.services.letter_send``.

The text of the templates and letters: plain text with fields (``[requerant]``) and optional
passages (``<< … >>``), rendered by ``letters.placeholders`` over plain strings only; no template
code (issue 16). A template written in the former syntax that could not be converted is kept as
it was, ``needs_review`` (``letters.legacy``, migration 0007).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.models import Applicant, Case
from claims.models import Creditor, Representative
from contacts.models import ThirdParty
from core.dates import format_date
from core.fields import MoneyField


class LetterKind(models.TextChoices):
    ADMISSIBILITY_NOTIFICATION = (
        "admissibility_notification",
        _("Notification de l'admissibilité et invitation à déclarer"),
    )
    REMINDER = "reminder", _("Rappel recommandé : dernier délai de 15 jours (art. 1675/9 C.J.)")
    STATEMENT_REQUEST = "statement_request", _("Demande de décompte")
    PLAN_PROPOSAL = "plan_proposal", _("Proposition de plan de règlement amiable")
    HOMOLOGATION_NOTIFICATION = "homologation_notification", _("Notification de l'homologation")
    # Letters to third parties (issue 17).
    INCOME_NOTICE = "income_notice", _("Avis de versement des revenus sur le compte de médiation")
    BANK_NOTICE = "bank_notice", _("Avis à la banque du requérant")
    ENFORCEMENT_SUSPENSION = (
        "enforcement_suspension",
        _("Avis de suspension des voies d'exécution (art. 1675/7 C.J.)"),
    )
    ANNUAL_REPORT_COPY = "annual_report_copy", _("Copie du rapport annuel au requérant")
    # The letters that end the procedure (issue 17).
    CLOSURE_CREDITORS = "closure_creditors", _("Clôture : information des créanciers")
    CLOSURE_INCOME = "closure_income", _("Clôture : employeur et organismes payeurs")
    CLOSURE_BANK = "closure_bank", _("Clôture : fermeture du compte de médiation")
    OTHER = "other", _("Autre courrier")


# Letters the law wants registered: the reminder (art. 1675/9 §3 C.J., registered with
# acknowledgement of receipt) and the draft amicable plan (art. 1675/10 §4 C.J.).
REGISTERED_BY_DEFAULT = frozenset({LetterKind.REMINDER, LetterKind.PLAN_PROPOSAL})

# The letters that end the procedure, in the order the closure page lists them.
CLOSURE_KINDS = (LetterKind.CLOSURE_CREDITORS, LetterKind.CLOSURE_INCOME, LetterKind.CLOSURE_BANK)


class TemplateLanguage(models.TextChoices):
    FR = "fr", _("Français")
    NL = "nl", _("Néerlandais")


class LetterTemplate(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="letter_templates",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("type de courrier"), max_length=32, choices=LetterKind.choices)
    name = models.CharField(_("nom du modèle"), max_length=120)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("texte"))
    # The language the template is written in (issue 16, Dutch complete): the closure
    # letters, the annual report's copy and the compose page pick, by default, the template of
    # the case's procedure language (core.divisions.procedure_language).
    language = models.CharField(
        _("langue"), max_length=2, choices=TemplateLanguage.choices, default=TemplateLanguage.FR
    )
    registered = models.BooleanField(
        _("recommandé par défaut"),
        default=False,
        help_text=_("Proposé coché lors de la rédaction d'un courrier avec ce modèle."),
    )
    # A template of the former syntax that the migration could not convert: kept as it was,
    # refused for sending until the administrator saves it again (letters.legacy).
    needs_review = models.BooleanField(_("à revoir"), default=False)
    review_note = models.TextField(_("motif de la révision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("modèle de courrier")
        verbose_name_plural = _("modèles de courrier")
        ordering = ["organisation", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="uniq_letter_template_name_per_org",
                violation_error_message=_("Un modèle de l'organisation porte déjà ce nom."),
            )
        ]

    def __str__(self) -> str:
        return self.name


def letter_upload_to(instance: "Letter", filename: str) -> str:
    # Never trust a name in the storage path.
    return f"cases/{instance.case_id}/letters/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    """A letter sent in a case: one PDF holding one copy per addressee.

    ``subject`` and ``body`` are the text as composed and validated when sending (they may
    still hold whitelisted placeholders); each addressee keeps its own text *as rendered*
    (``LetterAddressee.subject`` / ``body``), frozen: changing the template later changes
    nothing here. ``postage`` is the registered-mail postage of ONE letter."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="letters", verbose_name=_("dossier")
    )
    template = models.ForeignKey(
        LetterTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("modèle"),
    )
    kind = models.CharField(_("type de courrier"), max_length=32, choices=LetterKind.choices)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("texte"))
    registered = models.BooleanField(_("recommandé"), default=False)
    postage = MoneyField(_("port recommandé par lettre"), null=True, blank=True)
    sent_on = models.DateField(_("envoyé le"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("envoyé par"),
    )
    signatory = models.CharField(_("signataire"), max_length=200)
    pdf = models.FileField(_("PDF"), upload_to=letter_upload_to, blank=True)
    services = models.ManyToManyField(
        "fees.Service",
        related_name="letters",
        blank=True,
        verbose_name=_("prestations enregistrées"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("courrier")
        verbose_name_plural = _("courriers")
        ordering = ["case", "-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="letter_postage_only_if_registered",
                condition=Q(registered=True, postage__isnull=False, postage__gte=0)
                | Q(registered=False, postage__isnull=True),
                violation_error_message=_(
                    "Le port recommandé s'indique pour un envoi recommandé, et seulement alors."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({format_date(self.sent_on)})"

    @property
    def title(self) -> str:
        """What the letter is called (the PDF's title, lists): the subject as sent to its first
        addressee, else its kind; never the text with its fields (issue 16)."""
        addressees = list(self.addressees.all()) if self.pk else []  # prefetched in lists
        first = min(addressees, key=lambda a: a.position, default=None)
        subject = " ".join(first.subject.split()) if first is not None else ""
        if subject:
            return subject
        return str(LetterKind(self.kind).label) if self.kind in LetterKind.values else ""


class LetterAddressee(models.Model):
    """One addressee of a letter: a creditor of the case, or the representative (bailiff,
    collection agency, lawyer) acting for it, a third party of the case (employer, benefit
    payer, bank, bailiff: ``contacts.ThirdParty``) or an applicant (issue 17); name, address
    and references are snapshots."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="addressees")
    position = models.PositiveSmallIntegerField(default=1)
    creditor = models.ForeignKey(
        Creditor,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("créancier concerné"),
    )
    third_party = models.ForeignKey(
        ThirdParty,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("tiers destinataire"),
    )
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("requérant destinataire"),
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("intermédiaire destinataire"),
        help_text=_("Vide : le courrier est adressé au créancier lui-même."),
    )
    name = models.CharField(_("destinataire"), max_length=200)
    address = models.TextField(_("adresse"))
    reference = models.CharField(_("référence du destinataire"), max_length=255, blank=True)
    on_behalf_of = models.CharField(_("pour le compte de"), max_length=200, blank=True)
    subject = models.TextField(_("objet (tel qu'envoyé)"))
    body = models.TextField(_("texte (tel qu'envoyé)"))

    class Meta:
        verbose_name = _("destinataire")
        verbose_name_plural = _("destinataires")
        ordering = ["letter", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "position"], name="uniq_letter_addressee_position"
            ),
            # A creditor (perhaps through its representative), a third party or an applicant.
            models.CheckConstraint(
                name="letter_addressee_one_kind",
                condition=Q(
                    creditor__isnull=False, third_party__isnull=True, applicant__isnull=True
                )
                | Q(
                    creditor__isnull=True,
                    representative__isnull=True,
                    third_party__isnull=False,
                    applicant__isnull=True,
                )
                | Q(
                    creditor__isnull=True,
                    representative__isnull=True,
                    third_party__isnull=True,
                    applicant__isnull=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name
