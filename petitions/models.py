"""Requests to the court (issue 17): the mediator's report of failure (procès-verbal de carence,
art. 1675/11 C.J.) and their requests: an exceptional expense or the sale of an asset (art.
1675/7 §3 C.J.), a revision of the plan (art. 1675/14 C.J.), a revocation (art. 1675/15 §1
C.J.), the end of the procedure. Each is drafted from the case's data (``data``: what the
mediator adds, by kind), rendered as a PDF in the language of the procedure (the division's,
``core.divisions.procedure_language``) and filed (``filed_document``, visible to the clerks of
the case's division). The court's answer is recorded on it; for an expense or a sale, a granted
request unlocks the payment or the sale.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class PetitionKind(models.TextChoices):
    FAILURE_REPORT = "failure_report", _("Procès-verbal de carence (art. 1675/11 C.J.)")
    EXCEPTIONAL_EXPENSE = "exceptional_expense", _("Requête en autorisation de dépense")
    ASSET_SALE = "asset_sale", _("Requête en autorisation de vente d'un bien")
    PLAN_REVISION = "plan_revision", _("Requête en révision du plan (art. 1675/14 C.J.)")
    REVOCATION = "revocation", _("Requête en révocation (art. 1675/15 C.J.)")
    CLOSURE = "closure", _("Requête en fin de procédure")


class RevocationGround(models.TextChoices):
    # Art. 1675/15 §1 C.J., 1° to 5°: the applicant…
    INACCURATE_DOCUMENTS = (
        "inaccurate_documents",
        _(
            "a remis des documents inexacts pour obtenir ou conserver le bénéfice de la procédure "
            "(art. 1675/15 § 1, 1°)"
        ),
    )
    OBLIGATIONS_BREACHED = (
        "obligations_breached",
        _(
            "ne respecte pas ses obligations sans que surviennent des faits nouveaux justifiant "
            "l'adaptation ou la révision du plan (art. 1675/15 § 1, 2°)"
        ),
    )
    LIABILITIES_INCREASED = (
        "liabilities_increased",
        _("a fautivement augmenté son passif ou diminué son actif (art. 1675/15 § 1, 3°)"),
    )
    INSOLVENCY_ORGANISED = (
        "insolvency_organised",
        _("a organisé son insolvabilité (art. 1675/15 § 1, 4°)"),
    )
    FALSE_STATEMENTS = (
        "false_statements",
        _("a fait sciemment de fausses déclarations (art. 1675/15 § 1, 5°)"),
    )


class Decision(models.TextChoices):
    GRANTED = "granted", _("Accordée")
    REFUSED = "refused", _("Refusée")


class Petition(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="petitions")
    kind = models.CharField(_("type de requête"), max_length=24, choices=PetitionKind.choices)
    # What the mediator adds to the case's data, by kind (petitions.services.FIELDS): plain
    # JSON, amounts and dates as strings.
    data = models.JSONField(_("contenu"), default=dict, blank=True)
    language = models.CharField(_("langue de la procédure"), max_length=2, blank=True)
    filed_document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requête déposée au greffe"),
    )
    # The failure report's proposal: the judicial plan version it opened (plans.conversion).
    plan_version = models.ForeignKey(
        "plans.PlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposition de plan judiciaire"),
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("bien"),
    )
    decision = models.CharField(
        _("décision du tribunal"), max_length=8, choices=Decision.choices, blank=True
    )
    decision_date = models.DateField(_("date de la décision"), null=True, blank=True)
    decision_reference = models.CharField(_("référence de la décision"), max_length=100, blank=True)
    # The authorised expense, once paid from the mediation account.
    expense_entry = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paiement de la dépense"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("requête au tribunal")
        verbose_name_plural = _("requêtes au tribunal")
        ordering = ["case", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="petition_decided_when_filed",
                condition=Q(decision="") | Q(filed_document__isnull=False),
            ),
            models.CheckConstraint(
                name="petition_decision_dated",
                condition=Q(decision="") | Q(decision_date__isnull=False),
            ),
            models.CheckConstraint(
                name="petition_expense_paid_when_granted",
                condition=Q(expense_entry__isnull=True) | Q(decision="granted"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} — {self.get_kind_display()}"

    @property
    def is_filed(self) -> bool:
        return self.filed_document_id is not None

    @property
    def is_granted(self) -> bool:
        return self.decision == Decision.GRANTED
