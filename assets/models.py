"""The applicant's assets (issue 17; art. 1675/7 §3, 1675/13 §1 and 1675/14bis C.J.).

From the admissibility the applicant may not dispose of their assets without the court's
authorisation (art. 1675/7 §3 C.J.); a judicial plan may order the sale of assets (art. 1675/13
§1 C.J.), and the sale of real estate follows the forms of art. 1675/14bis C.J. An asset is
recorded with its valuation (date, amount, source), then the court's decision to sell it or let
the applicant keep it (date and reference of the order), then, when sold, the sale (date, price,
costs): its net proceeds are posted into the mediation account (``ledger.services.entry_post``,
linked in ``proceeds_entry``) and offered to the plan as a dated one-off sum
(``selectors.sale_proceeds``).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.fields import MoneyField
from core.text import validate_single_line


class AssetKind(models.TextChoices):
    REAL_ESTATE = "real_estate", _("Bien immobilier")
    VEHICLE = "vehicle", _("Véhicule")
    SAVINGS = "savings", _("Épargne, placements")
    INHERITANCE = "inheritance", _("Succession attendue")
    OTHER = "other", _("Autre bien")


class AssetDecision(models.TextChoices):
    SELL = "sell", _("Vente autorisée")
    KEEP = "keep", _("Conservation autorisée")


class Asset(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(_("nature du bien"), max_length=16, choices=AssetKind.choices)
    description = models.CharField(
        _("description"), max_length=200, validators=[validate_single_line]
    )
    valuation_date = models.DateField(_("date de l'estimation"))
    valuation_amount = MoneyField(_("valeur estimée"))
    valuation_source = models.CharField(
        _("source de l'estimation"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Par ex. : expertise du notaire, cote Argus, extrait de compte."),
    )
    note = models.TextField(_("remarques"), blank=True)
    # The court's decision (art. 1675/7 §3 C.J.): sell or keep.
    decision = models.CharField(
        _("décision du tribunal"), max_length=4, choices=AssetDecision.choices, blank=True
    )
    decision_date = models.DateField(_("date de l'ordonnance"), null=True, blank=True)
    decision_reference = models.CharField(
        _("référence de l'ordonnance"), max_length=100, blank=True
    )
    # The sale, once made (only after an authorisation to sell).
    sale_date = models.DateField(_("date de la vente"), null=True, blank=True)
    sale_price = MoneyField(_("prix de vente"), null=True, blank=True)
    sale_costs = MoneyField(_("frais de la vente"), default=Decimal("0.00"))
    proceeds_entry = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("écriture du produit de la vente"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bien")
        verbose_name_plural = _("biens")
        ordering = ["case", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                name="asset_amounts_not_negative",
                condition=Q(valuation_amount__gte=0)
                & Q(sale_costs__gte=0)
                & (Q(sale_price__isnull=True) | Q(sale_price__gt=0)),
            ),
            models.CheckConstraint(
                name="asset_decision_dated",
                condition=Q(decision="") | Q(decision_date__isnull=False),
            ),
            models.CheckConstraint(
                name="asset_sold_only_when_authorised",
                condition=Q(sale_date__isnull=True) | Q(decision="sell"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.description}"

    @property
    def is_sold(self) -> bool:
        return self.sale_date is not None

    @property
    def net_proceeds(self) -> Decimal | None:
        if self.sale_price is None:
            return None
        return self.sale_price - self.sale_costs


class SecuredClaim(models.Model):
    """The asset a claim's mortgage is secured on (issue 12; docs/plan-rules.md §1): the plan's
    rank ``mortgage`` is a legal cause of preference on ONE asset the applicant keeps (art.
    1675/13 §1 C.J. "sauf les causes légitimes de préférence"), distinct from a general
    privilege. The claims app sits below this one: the link lives here and the claim screens and
    services reach it through ``claims.registry`` (registered in ``assets.apps``). One asset may
    secure several claims (a first and a second mortgage); a claim is secured on one asset."""

    claim = models.OneToOneField(
        "claims.Claim",
        on_delete=models.CASCADE,
        related_name="secured_on",
        verbose_name=_("créance"),
    )
    asset = models.ForeignKey(
        Asset,
        on_delete=models.PROTECT,
        related_name="secured_claims",
        verbose_name=_("bien grevé de l'hypothèque"),
    )

    class Meta:
        verbose_name = _("hypothèque sur un bien")
        verbose_name_plural = _("hypothèques sur des biens")
        ordering = ["asset", "claim"]

    def __str__(self) -> str:
        return f"{self.claim} → {self.asset}"
