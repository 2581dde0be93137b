"""Billable services (prestations) of a case: the mediator's dated acts that the barème pays
(``../shared/domain/fees.md`` §1 and §6). Letters, hearings and other acts recorded in the app
create them; the fee engine prices them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from fees.tariffs import KEY_LABELS


class ServiceKind(models.TextChoices):
    # Codes of case-bundle.schema.json ``services[].kind`` (public interface).
    HOMOLOGATION_REQUEST = "homologation_request", _("Demande d'homologation (2,1°)")
    FAILURE_REPORT = "failure_report", _("Procès-verbal de carence (2,1°)")
    REVISION = "revision", _("Révision du plan (2,4°)")
    REVOCATION = "revocation", _("Révocation (2,4°)")
    ASSET_SALE_REQUEST = "asset_sale_request", _("Demande de réalisation d'un bien (2,4°)")
    INFORMATION_REQUEST = "information_request", _("Procédure d'information, art. 1675/8 (2,5°)")
    HEARING = "hearing", _("Présence à l'audience (art. 3)")
    LETTER = "letter", _("Lettre ordinaire (4.1)")
    EMAIL = "email", _("Courriel circonstancié (4.1)")
    CIRCULAR_LETTER = "circular_letter", _("Lettre circulaire (4.2)")
    PHONE_COPIES_FORFAIT = "phone_copies_forfait", _("Forfait téléphone, courriels, copies (4.3)")
    TRAVEL = "travel", _("Déplacement (4.4)")
    ADMIN_COST = "admin_cost", _("Frais administratifs (art. 6)")


ONCE_PER_CASE_KINDS = frozenset({ServiceKind.HOMOLOGATION_REQUEST, ServiceKind.FAILURE_REPORT})


class Service(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="services")
    date = models.DateField(_("date"))
    kind = models.CharField(_("prestation"), max_length=24, choices=ServiceKind.choices)
    quantity = models.PositiveIntegerField(
        _("quantité"), default=1, help_text=_("Lettres, ou destinataires d'une circulaire.")
    )
    km = models.DecimalField(_("kilomètres"), max_digits=8, decimal_places=1, null=True, blank=True)
    amount = models.DecimalField(
        _("montant (frais)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    registered_postage = models.DecimalField(
        _("port recommandé"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("remarque"), max_length=255, blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("médiateur"),
        help_text=_("Le médiateur qui a accompli la prestation (4.3 : une fois par médiateur)."),
    )
    origin = models.CharField(
        _("origine"),
        max_length=16,
        default="manual",
        choices=[
            ("manual", _("Encodée")),
            ("letter", _("Courrier de l'application")),
            ("ledger", _("Paiement du compte")),
            ("import", _("Import")),
        ],
    )
    taxed = models.BooleanField(
        _("taxée"),
        default=False,
        help_text=_("Une prestation comprise dans un état déposé ne se modifie plus."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prestation")
        verbose_name_plural = _("prestations")
        ordering = ["case", "date", "id"]
        constraints = [
            models.CheckConstraint(name="service_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(
                name="service_amounts_not_negative",
                condition=(Q(amount__isnull=True) | Q(amount__gte=Decimal("0")))
                & (Q(registered_postage__isnull=True) | Q(registered_postage__gte=Decimal("0")))
                & (Q(km__isnull=True) | Q(km__gt=Decimal("0"))),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class TariffRowRecord(models.Model):
    """A dated tariff row in the database: the rows of ``fees/data/tariffs.json`` are loaded by
    migration (and ``manage.py load_tariffs``); an administrator adds the next notice's rows in
    the admin without a release (fees.md §2). The engine never reads this model directly: the
    selector ``fees.selectors.tariff_table`` turns the rows into a pure ``TariffTable``."""

    row_id = models.CharField(_("identifiant"), max_length=64, unique=True)
    key = models.CharField(_("clé du barème"), max_length=16, choices=list(KEY_LABELS.items()))
    effective_from = models.DateField(
        _("en vigueur depuis"),
        null=True,
        blank=True,
        help_text=_("Vide : date de début inconnue — la ligne ne tarife alors aucune date."),
    )
    amount = models.DecimalField(
        _("montant (EUR) ou taux"),
        max_digits=12,
        decimal_places=4,
        help_text=_("Pour la clé « vat », un taux en fraction : 0.21 = 21 %."),
    )
    source = models.TextField(_("source (Moniteur belge)"))
    shipped = models.BooleanField(
        _("livrée avec l'application"),
        default=False,
        help_text=_("Ligne chargée depuis fees/data/tariffs.json."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ligne tarifaire")
        verbose_name_plural = _("lignes tarifaires")
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"],
                name="uniq_tariff_key_start",
                violation_error_message=_("Une ligne de cette clé commence déjà à cette date."),
            ),
            models.CheckConstraint(
                name="tariff_amount_not_negative", condition=Q(amount__gte=Decimal("0"))
            ),
        ]

    def __str__(self) -> str:
        start = self.effective_from.strftime("%d/%m/%Y") if self.effective_from else "?"
        return f"{self.key} @ {start}: {self.amount}"

    def clean(self) -> None:
        if (
            self.amount is not None
            and self.key != "vat"
            and self.amount != self.amount.quantize(Decimal("0.01"))
        ):
            raise ValidationError({"amount": _("Un montant a au plus deux décimales.")})
