"""The household budget of a case (dated versions, never overwritten), the living allowance
decided on a version, and the legal rows the allowance's floors are computed from.

Business rules live in ``budget.services`` (writes), ``budget.selectors`` (reads) and the pure
``budget.allowance`` (the law's computation); the models hold data and the invariants the
database itself can enforce (no negative amount, one version number per case…)."""

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.dates import format_date
from core.fields import MoneyField

from .allowance import IncomeKind as PureIncomeKind
from .allowance import RisCategory as PureRisCategory

# --- legal rows (data, like fees.TariffRowRecord) ------------------------------------------


class SeizureScaleRecord(models.Model):
    """A dated row of the art. 1409 C.J. brackets. The rows of
    ``budget/data/living_allowance.json`` reach it by release migrations (``core.legal_data``;
    and ``manage.py load_allowance_rows``); an administrator adds the next year's brackets in
    the admin. The computation never reads this model: ``budget.selectors.legal_tables`` turns
    the rows into the pure ``LegalTables``."""

    row_id = models.CharField(_("identifiant"), max_length=64, unique=True)
    effective_from = models.DateField(_("en vigueur depuis"), unique=True)
    limit_1 = MoneyField(_("fin de la tranche 1 (rien de saisissable)"))
    limit_2 = MoneyField(_("fin de la tranche 2"))
    limit_3 = MoneyField(_("fin de la tranche 3"))
    limit_4 = MoneyField(_("fin de la tranche 4"), help_text=_("Au-delà, tout est saisissable."))
    earned_rate_2 = models.DecimalField(
        _("revenus professionnels, tranche 2"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.20"),
        help_text=_("Part saisissable en fraction : 0.20 = 20 %."),
    )
    earned_rate_3 = models.DecimalField(
        _("revenus professionnels, tranche 3"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.30"),
    )
    earned_rate_4 = models.DecimalField(
        _("revenus professionnels, tranche 4"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.40"),
    )
    replacement_rate_2 = models.DecimalField(
        _("revenus de remplacement, tranche 2"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.20"),
    )
    replacement_rate_3 = models.DecimalField(
        _("revenus de remplacement, tranche 3"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.40"),
    )
    replacement_rate_4 = models.DecimalField(
        _("revenus de remplacement, tranche 4"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.40"),
    )
    child_reduction = MoneyField(_("réduction par enfant à charge"))
    note = models.CharField(_("remarque"), max_length=255, blank=True)
    source = models.TextField(_("source (Moniteur belge)"))
    shipped = models.BooleanField(
        _("livrée avec l'application"),
        default=False,
        help_text=_("Ligne chargée depuis budget/data/living_allowance.json."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("barème de l'art. 1409 C.J.")
        verbose_name_plural = _("barèmes de l'art. 1409 C.J.")
        ordering = ["effective_from"]
        constraints = [
            models.CheckConstraint(
                name="scale_limits_increase",
                condition=Q(limit_1__gte=0)
                & Q(limit_2__gt=F("limit_1"))
                & Q(limit_3__gt=F("limit_2"))
                & Q(limit_4__gt=F("limit_3")),
                violation_error_message=_("Les limites des tranches doivent croître."),
            ),
            models.CheckConstraint(
                name="scale_child_reduction_not_negative", condition=Q(child_reduction__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"art. 1409 @ {format_date(self.effective_from)}"

    def clean(self) -> None:
        errors = {}
        rates = [
            "earned_rate_2",
            "earned_rate_3",
            "earned_rate_4",
            "replacement_rate_2",
            "replacement_rate_3",
            "replacement_rate_4",
        ]
        for name in rates:
            value = getattr(self, name)
            if value is not None and not Decimal(0) <= value <= Decimal(1):
                errors[name] = _("Un taux s'exprime en fraction, entre 0 et 1.")
        for number in (2, 3, 4):
            earned = getattr(self, f"earned_rate_{number}")
            replacement = getattr(self, f"replacement_rate_{number}")
            if earned is not None and replacement is not None and earned > replacement:
                errors.setdefault(
                    f"earned_rate_{number}",
                    _(
                        "Le taux des revenus professionnels ne dépasse pas celui des revenus de "
                        "remplacement."
                    ),
                )
        if errors:
            raise ValidationError(errors)


class RisCategory(models.TextChoices):
    COHABITANT = PureRisCategory.COHABITANT.value, _("Cohabitant")
    SINGLE = PureRisCategory.SINGLE.value, _("Isolé")
    FAMILY = PureRisCategory.FAMILY.value, _("Famille à charge")


class IntegrationIncomeRecord(models.Model):
    """A dated monthly amount of the integration income (RIS) of one category."""

    row_id = models.CharField(_("identifiant"), max_length=64, unique=True)
    category = models.CharField(_("catégorie"), max_length=16, choices=RisCategory.choices)
    effective_from = models.DateField(_("en vigueur depuis"))
    amount = MoneyField(_("montant mensuel"))
    valid_until = models.DateField(
        _("en vigueur au moins jusqu'au"),
        null=True,
        blank=True,
        help_text=_(
            "À remplir quand le montant suivant (une indexation) n'est pas encore encodé : "
            "après cette date, aucun montant n'est appliqué tant que le suivant manque."
        ),
    )
    source = models.TextField(_("source"))
    shipped = models.BooleanField(_("livrée avec l'application"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("montant du revenu d'intégration")
        verbose_name_plural = _("montants du revenu d'intégration")
        ordering = ["category", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "effective_from"],
                name="uniq_ris_category_start",
                violation_error_message=_(
                    "Un montant de cette catégorie commence déjà à cette date."
                ),
            ),
            models.CheckConstraint(name="ris_amount_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return (
            f"RIS {self.get_category_display()} @ {format_date(self.effective_from)}: {self.amount}"
        )

    def clean(self) -> None:
        if self.valid_until and self.effective_from and self.valid_until < self.effective_from:
            raise ValidationError(
                {"valid_until": _("Cette date ne peut précéder la date d'entrée en vigueur.")}
            )


# --- the budget -----------------------------------------------------------------------------


class BudgetVersion(models.Model):
    """One dated version of a case's household budget. A change is a new version: the current
    one is the highest number; earlier ones stay as they were (history)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="budget_versions")
    number = models.PositiveIntegerField(_("version"))
    date = models.DateField(
        _("budget au"),
        help_text=_(
            "Date à partir de laquelle ce budget s'applique ; les barèmes de cette "
            "date servent au calcul du pécule."
        ),
    )
    adults = models.PositiveSmallIntegerField(_("adultes du ménage"), default=1)
    dependent_children = models.PositiveSmallIntegerField(_("enfants à charge"), default=0)
    partner_outside_case = models.BooleanField(
        _("conjoint ou partenaire hors procédure"),
        default=False,
        help_text=_(
            "Le requérant vit avec un conjoint ou partenaire qui n'est pas partie au "
            "règlement collectif : ses revenus ne sont pas ceux du requérant."
        ),
    )
    ris_category = models.CharField(
        _("catégorie du revenu d'intégration"), max_length=16, choices=RisCategory.choices
    )
    reason = models.CharField(_("motif de la version"), max_length=255, blank=True)
    note = models.TextField(_("remarques"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version du budget")
        verbose_name_plural = _("versions du budget")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="uniq_budget_version_number"),
            models.CheckConstraint(name="budget_adults_at_least_one", condition=Q(adults__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} budget n° {self.number} ({format_date(self.date)})"


class IncomeKind(models.TextChoices):
    EARNED = PureIncomeKind.EARNED.value, _("Revenu professionnel (salaire, traitement)")
    REPLACEMENT = (
        PureIncomeKind.REPLACEMENT.value,
        _("Revenu de remplacement (chômage, mutuelle, pension)"),
    )
    FAMILY_ALLOWANCES = PureIncomeKind.FAMILY_ALLOWANCES.value, _("Allocations familiales")
    CPAS_AID = PureIncomeKind.CPAS_AID.value, _("Revenu d'intégration, aide sociale du CPAS")
    MAINTENANCE_RECEIVED = PureIncomeKind.MAINTENANCE_RECEIVED.value, _("Pension alimentaire reçue")
    DISABILITY_REPLACEMENT = (
        PureIncomeKind.DISABILITY_REPLACEMENT.value,
        _("Allocation de remplacement de revenus (ARR, personnes handicapées)"),
    )
    DISABILITY_INTEGRATION = (
        PureIncomeKind.DISABILITY_INTEGRATION.value,
        _("Allocation d'intégration (AI, personnes handicapées)"),
    )
    GRAPA = (
        PureIncomeKind.GRAPA.value,
        _("Garantie de revenus aux personnes âgées (GRAPA)"),
    )
    OTHER = PureIncomeKind.OTHER.value, _("Autre revenu (saisissable)")


class ChargeKind(models.TextChoices):
    RENT = "rent", _("Loyer ou charges du logement")
    ENERGY = "energy", _("Énergie et eau")
    INSURANCE = "insurance", _("Assurances")
    SCHOOL = "school", _("Frais scolaires, garde d'enfants")
    HEALTH = "health", _("Santé")
    TRANSPORT = "transport", _("Transport")
    MAINTENANCE_PAID = "maintenance_paid", _("Pension alimentaire payée")
    OTHER = "other", _("Autre charge")


class IncomeLine(models.Model):
    version = models.ForeignKey(BudgetVersion, on_delete=models.CASCADE, related_name="incomes")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("nature"), max_length=24, choices=IncomeKind.choices)
    label = models.CharField(_("libellé"), max_length=120, blank=True)
    # The applicant's position (1 or 2), not a key: applicants are rewritten when a case is
    # edited, a budget line must survive it.
    person = models.PositiveSmallIntegerField(_("requérant"), null=True, blank=True)
    amount = MoneyField(_("montant mensuel"))
    # The partner's income when the partner is not a party to the case: shown as the
    # household's context, never counted as the applicant's (budget.allowance.Income).
    outside_case = models.BooleanField(_("revenu du conjoint hors procédure"), default=False)

    class Meta:
        verbose_name = _("revenu")
        verbose_name_plural = _("revenus")
        ordering = ["version", "position", "id"]
        constraints = [
            models.CheckConstraint(
                name="income_amount_not_negative",
                condition=Q(amount__gte=0),
                violation_error_message=_("Un montant du budget ne peut être négatif."),
            ),
            models.CheckConstraint(
                name="income_person_1_or_2",
                condition=Q(person__isnull=True) | Q(person__in=[1, 2]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class ChargeLine(models.Model):
    version = models.ForeignKey(BudgetVersion, on_delete=models.CASCADE, related_name="charges")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("nature"), max_length=24, choices=ChargeKind.choices)
    label = models.CharField(_("libellé"), max_length=120, blank=True)
    amount = MoneyField(_("montant mensuel"))
    paid_from_account = models.BooleanField(
        _("payée par le médiateur"),
        default=False,
        help_text=_(
            "Payée pour compte du ménage depuis le compte de médiation : elle fait "
            "partie du pécule mais n'est pas versée au requérant."
        ),
    )

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["version", "position", "id"]
        constraints = [
            models.CheckConstraint(
                name="charge_amount_not_negative",
                condition=Q(amount__gte=0),
                violation_error_message=_("Un montant du budget ne peut être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


# --- the living allowance -------------------------------------------------------------------


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Mensuel (virement)")
    TWICE_MONTHLY = "twice_monthly", _("Deux fois par mois")
    STANDING_ORDER = "standing_order", _("Ordre permanent mensuel")


def agreement_upload_to(instance: "AllowanceDecision", filename: str) -> str:
    # Never trust the uploaded name: the suffix comes from the file's first bytes.
    suffix = Path(filename).suffix.lower()[:5]
    return f"cases/{instance.version.case_id}/budget/{uuid.uuid4().hex}{suffix}"


class AllowanceDecision(models.Model):
    """The living allowance (pécule de médiation) fixed on a budget version: the amount, the
    figures of both floors at the time (kept: the legal rows may be corrected later), the
    applicant's express agreement when the amount is under the non-seizable part, and the
    payment schedule read by the ledger. A change is a new decision; the latest of the version
    applies from the version's date."""

    version = models.ForeignKey(
        BudgetVersion, on_delete=models.PROTECT, related_name="allowance_decisions"
    )
    amount = MoneyField(
        _("pécule mensuel"),
        help_text=_(
            "Ce qui est laissé au ménage chaque mois, charges payées pour son compte comprises."
        ),
    )
    paid_to_applicant = MoneyField(_("versé au requérant"))
    resources = MoneyField(_("ressources mensuelles"))
    non_seizable = MoneyField(_("quotité insaisissable"))
    hard_floor = MoneyField(_("plancher absolu"))
    ris_amount = MoneyField(_("revenu d'intégration"))
    family_allowances = MoneyField(_("allocations familiales"))
    scale_row_id = models.CharField(max_length=64)
    ris_row_id = models.CharField(max_length=64)
    working = models.JSONField(default=dict)
    agreement_date = models.DateField(
        _("date de l'accord exprès du requérant"), null=True, blank=True
    )
    agreement_file = models.FileField(
        _("accord signé (PDF ou image)"), upload_to=agreement_upload_to, blank=True
    )
    agreement_name = models.CharField(max_length=255, blank=True)
    agreement_size = models.PositiveIntegerField(default=0)
    agreement_sha256 = models.CharField(max_length=64, blank=True)
    frequency = models.CharField(
        _("versement"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    day_of_month = models.PositiveSmallIntegerField(_("jour du mois"), default=1)
    second_day_of_month = models.PositiveSmallIntegerField(
        _("second jour du mois"), null=True, blank=True
    )
    note = models.CharField(_("remarque"), max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pécule de médiation")
        verbose_name_plural = _("pécules de médiation")
        ordering = ["version", "-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="allowance_amounts_not_negative",
                condition=Q(amount__gte=0) & Q(paid_to_applicant__gte=0),
            ),
            models.CheckConstraint(
                name="allowance_paid_within_amount",
                condition=Q(paid_to_applicant__lte=F("amount")),
            ),
            models.CheckConstraint(
                name="allowance_day_of_month",
                condition=Q(day_of_month__gte=1) & Q(day_of_month__lte=31),
            ),
            models.CheckConstraint(
                name="allowance_second_day_only_twice_monthly",
                condition=(
                    Q(frequency="twice_monthly")
                    & Q(second_day_of_month__gt=F("day_of_month"))
                    & Q(second_day_of_month__lte=31)
                )
                | (~Q(frequency="twice_monthly") & Q(second_day_of_month__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} pécule {self.amount}"

    @property
    def below_non_seizable(self) -> bool:
        return self.amount < self.non_seizable

    @property
    def has_agreement(self) -> bool:
        return bool(self.agreement_date and self.agreement_file)

    @property
    def available(self) -> Decimal:
        return self.resources - self.amount
