"""Settlement plans (plan de règlement amiable / judiciaire) and their versions.

A case's plan is a series of numbered versions. A version is editable while it is a draft; once
it has been sent to the creditors or approved by the court (homologation of an amicable plan, a
judicial plan imposed) it is frozen: the claims it was computed on are kept in ``snapshot`` so
that it stays readable exactly as it was, and any change is a *revision*: a new version recording
who made it, when, why and the court decision. A frozen version can be filed with the court once
(``filed_document``: the court PDF as a filed document, which the division's clerks download).

The arithmetic is in ``plans.engine`` (pure); these models only hold the terms.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, PlanBasis
from core.dates import format_date
from core.fields import MoneyField


class PlanKind(models.TextChoices):
    AMICABLE = "amicable", _("Plan de règlement amiable")
    JUDICIAL = "judicial", _("Plan de règlement judiciaire")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Projet (modifiable)")
    SENT = "sent", _("Proposé aux créanciers")
    APPROVED = "approved", _("Approuvé par le tribunal")


class Frequency(models.IntegerChoices):
    MONTHLY = 1, _("Mensuelle")
    QUARTERLY = 3, _("Trimestrielle")
    HALF_YEARLY = 6, _("Semestrielle")
    YEARLY = 12, _("Annuelle")


class AmountSource(models.TextChoices):
    MANUAL = "manual", _("Saisi par le médiateur")
    BUDGET = "budget", _("Repris du budget du dossier")


class FeeSource(models.TextChoices):
    MANUAL = "manual", _("Provision saisie par le médiateur")
    ESTIMATE = "estimate", _("Estimation du moteur d'honoraires")


class NonRemissibleTreatment(models.TextChoices):
    # Same codes as plans.engine.NonRemissibleTreatment. PRIORITY is kept only for the versions
    # sent or approved before equality became the rule (migration 0003): a new version pays the
    # non-remissible debts au marc le franc (art. 1675/13 §1 C.J.; Cass. 27 May 2013), a priority
    # is a reasoned rank on the claim (claims.models.PlanRank).
    PRIORITY = "priority", _("Payées en priorité, avant les autres créances chirographaires")
    PRO_RATA = "pro_rata", _("Payées au marc le franc avec les autres créances")


class OneOffKind(models.TextChoices):
    TAX_REFUND = "tax_refund", _("Remboursement d'impôt")
    INHERITANCE = "inheritance", _("Héritage")
    ASSET_SALE = "asset_sale", _("Vente d'un bien")
    OTHER = "other", _("Autre rentrée ponctuelle")


class PlanVersion(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plan_versions")
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("type de plan"), max_length=10, choices=PlanKind.choices)
    state = models.CharField(
        _("état"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )
    start_date = models.DateField(_("début du plan"))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"))
    frequency_months = models.PositiveSmallIntegerField(
        _("périodicité des dividendes"), choices=Frequency.choices, default=Frequency.MONTHLY
    )
    monthly_available = MoneyField(_("disponible mensuel pour les créanciers et les honoraires"))
    available_source = models.CharField(
        _("origine du disponible"),
        max_length=10,
        choices=AmountSource.choices,
        default=AmountSource.MANUAL,
    )
    available_note = models.TextField(_("détail du disponible (budget)"), blank=True)
    fee_provision = MoneyField(
        _("provision pour frais et honoraires (sur toute la durée)"), default=Decimal("0.00")
    )
    fee_source = models.CharField(
        _("origine de la provision"),
        max_length=10,
        choices=FeeSource.choices,
        default=FeeSource.MANUAL,
    )
    fee_estimate_note = models.TextField(_("détail de l'estimation"), blank=True)
    # The legal basis (docs/plan-rules.md): what the plan may remit. Recorded on the case
    # (Case.plan_basis) when the court decides on the version.
    legal_basis = models.CharField(
        _("base légale"), max_length=20, choices=PlanBasis.choices, default=PlanBasis.AMICABLE
    )
    # What the plan distributes besides the monthly amount: the balance already on the
    # mediation account when the plan starts, and one-off sums (PlanOneOff).
    opening_balance = MoneyField(
        _("solde du compte de médiation au début du plan"), default=Decimal("0.00")
    )
    # Legacy blanket priorities, kept for the versions frozen before the ranks were reasoned
    # per claim (migration 0003); a new version has neither.
    privileged_first = models.BooleanField(
        _("créances privilégiées payées en priorité"), default=False
    )
    non_remissible_treatment = models.CharField(
        _("dettes non remissibles"),
        max_length=10,
        choices=NonRemissibleTreatment.choices,
        default=NonRemissibleTreatment.PRO_RATA,
    )
    override_shares = models.BooleanField(_("parts fixées à la main"), default=False)
    exception_granted = models.BooleanField(
        _("exception légale à la durée de 7 ans"), default=False
    )
    exception_reason = models.TextField(_("motif de l'exception"), blank=True)
    exception_reference = models.CharField(
        _("référence de la demande ou de la décision (exception)"), max_length=100, blank=True
    )
    # The seven years run from the date the law sets for the plan's kind (plans.engine
    # .seven_year_start: admissibility for an amicable plan, art. 1675/10 §5 al. 3 C.J.; the
    # judgment for a judicial one). The court may set another start by a reasoned decision:
    # recorded here with its reason and the decision's reference (docs/plan-rules.md, 6).
    court_count_from = models.DateField(
        _("point de départ des 7 ans fixé par le tribunal"), null=True, blank=True
    )
    court_count_reason = models.TextField(_("motif du tribunal (point de départ)"), blank=True)
    court_count_reference = models.CharField(
        _("référence de la décision (point de départ)"), max_length=100, blank=True
    )
    note = models.TextField(_("modalités particulières"), blank=True)
    # History: why this version exists and which court decision approved it.
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("révision de"),
    )
    reason = models.TextField(_("motif de la révision"), blank=True)
    decision_date = models.DateField(_("date de la décision du tribunal"), null=True, blank=True)
    decision_reference = models.CharField(_("référence de la décision"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The court version of the plan filed with the court (plans.services.plan_file): a filed
    # documents.Document of kind "plan", visible to the clerks of the case's division. Once.
    filed_document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan déposé au greffe"),
    )
    # The claims and prior dividends the plan was computed on, frozen when the version is
    # sent or approved (plain JSON: amounts as strings). Empty for a draft: computed live.
    snapshot = models.JSONField(default=dict, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("version du plan")
        verbose_name_plural = _("versions du plan")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="uniq_plan_version_number"),
            models.CheckConstraint(
                name="plan_amounts_not_negative",
                condition=Q(monthly_available__gte=0)
                & Q(fee_provision__gte=0)
                & Q(opening_balance__gte=0),
                violation_error_message=_("Les montants d'un plan ne peuvent être négatifs."),
            ),
            models.CheckConstraint(
                name="plan_duration_positive", condition=Q(duration_months__gte=1)
            ),
            models.CheckConstraint(
                name="plan_exception_has_reason",
                condition=Q(exception_granted=False) | ~Q(exception_reason=""),
                violation_error_message=_("Une exception légale s'enregistre avec son motif."),
            ),
            models.CheckConstraint(
                name="plan_court_count_has_reason",
                condition=Q(court_count_from__isnull=True) | ~Q(court_count_reason=""),
                violation_error_message=_(
                    "Un point de départ des 7 ans fixé par le tribunal s'enregistre avec son motif."
                ),
            ),
            models.CheckConstraint(
                name="plan_approved_has_decision",
                condition=~Q(state="approved") | Q(decision_date__isnull=False),
                violation_error_message=_("Un plan approuvé porte la date de la décision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} — plan v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.state == PlanState.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.state != PlanState.DRAFT

    @property
    def state_label(self) -> str:
        if self.state == PlanState.APPROVED:
            return str(
                _("Homologué par le tribunal")
                if self.kind == PlanKind.AMICABLE
                else _("Imposé par le tribunal")
            )
        return self.get_state_display()


class PlanOneOff(models.Model):
    """A one-off sum the plan distributes (tax refund, inheritance, sale of an asset), on its
    date, inside the plan (docs/plan-rules.md)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="one_offs")
    kind = models.CharField(
        _("nature"), max_length=12, choices=OneOffKind.choices, default=OneOffKind.OTHER
    )
    received_on = models.DateField(_("date"))
    amount = MoneyField(_("montant"))
    label = models.CharField(_("libellé"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rentrée ponctuelle")
        verbose_name_plural = _("rentrées ponctuelles")
        ordering = ["version", "received_on", "id"]
        constraints = [
            models.CheckConstraint(name="plan_one_off_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_date(self.received_on)} : {self.amount}"


class PlanShare(models.Model):
    """A creditor's monthly share entered by hand (``PlanVersion.override_shares``)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="shares")
    creditor = models.ForeignKey("claims.Creditor", on_delete=models.PROTECT, related_name="+")
    monthly_amount = MoneyField(_("part mensuelle"))

    class Meta:
        verbose_name = _("part fixée à la main")
        verbose_name_plural = _("parts fixées à la main")
        constraints = [
            models.UniqueConstraint(fields=["version", "creditor"], name="uniq_plan_share"),
            models.CheckConstraint(
                name="plan_share_not_negative", condition=Q(monthly_amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creditor} : {self.monthly_amount}"


def mailing_upload_to(instance: "PlanMailing", filename: str) -> str:
    return f"cases/{instance.version.case_id}/plans/{uuid.uuid4().hex}.pdf"


class PlanMailing(models.Model):
    """The plan proposal sent to creditors (art. 1675/10, §4 C.J.): the exact PDF mailed, its
    addressees, and the billable service it recorded (4.2 circular letter from 3 addressees,
    ordinary letters 4.1 below)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="mailings")
    sent_on = models.DateField(_("envoyé le"))
    registered = models.BooleanField(_("recommandé"), default=True)
    postage = MoneyField(_("port recommandé (par lettre)"), null=True, blank=True)
    addressees = models.JSONField(_("destinataires"), default=list)
    addressee_count = models.PositiveSmallIntegerField(_("nombre de destinataires"))
    pdf = models.FileField(_("PDF envoyé"), upload_to=mailing_upload_to, blank=True)
    service = models.ForeignKey(
        "fees.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("envoi du plan")
        verbose_name_plural = _("envois du plan")
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.version} — {format_date(self.sent_on)}"
