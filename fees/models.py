"""Billable services (prestations) of a case: the mediator's dated acts that the barème pays
(``../shared/domain/fees.md`` §1 and §6). Letters, hearings and other acts recorded in the app
create them; the fee engine prices them."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.dates import format_date
from core.fields import MoneyField
from core.money import CENT
from core.translate import localize_stored
from fees.engine.statement import FEE_ARTICLES
from fees.tariffs import KEY_LABELS
from fees.wording import stored_label


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
    amount = MoneyField(_("montant (frais)"), null=True, blank=True)
    registered_postage = MoneyField(_("port recommandé"), null=True, blank=True)
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
        # Set when a filed statement bills it (a lock): "taxée" only comes with the judge's
        # taxation order (issue 12), so the label does not say it.
        _("comprise dans un état déposé"),
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
        return f"{self.get_kind_display()} {format_date(self.date)}"


class TariffRowRecord(models.Model):
    """A dated tariff row in the database: the rows of ``fees/data/tariffs.json`` reach it by
    release migrations (``core.legal_data``; and ``manage.py load_tariffs``); an administrator
    adds the next notice's rows in the admin without a release (fees.md §2). The engine never
    reads this model directly: the selector ``fees.selectors.tariff_table`` turns the rows
    into a pure ``TariffTable``."""

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
        start = format_date(self.effective_from, empty="?")
        return f"{self.key} @ {start}: {self.amount}"

    def clean(self) -> None:
        if (
            self.amount is not None
            and self.key != "vat"
            and self.amount != self.amount.quantize(CENT)
        ):
            raise ValidationError({"amount": _("Un montant a au plus deux décimales.")})


# --- fee statements (états de frais et honoraires), fees.md §8 ------------------------------


class Occasion(models.TextChoices):
    """When a taxation is requested (fees.md §8)."""

    HOMOLOGATION_REQUEST = "homologation_request", _("Demande d'homologation du plan amiable")
    JUDICIAL_PLAN_HEARING = "judicial_plan_hearing", _("Audience relative au plan judiciaire")
    ANNUAL_REPORT = "annual_report", _("Rapport annuel")
    REVISION_REVOCATION = "revision_revocation", _("Audience de révision ou de révocation")
    CLOSURE = "closure", _("Demande de clôture")
    PROVISION = "provision", _("Demande de provision")


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    FILED = "filed", _("Déposé")


class FeeStatement(models.Model):
    """A fee statement of a case for the taxation period ``[period_from, period_to)``.

    A draft can be recomputed; filing freezes it: the database refuses any change to a filed
    statement and to its lines (triggers, migration 0005), its services are marked ``taxed`` and
    its PDF becomes a filed ``documents.Document`` that the clerks of the division download."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="fee_statements")
    period_from = models.DateField(_("du"))
    period_to = models.DateField(_("au (exclu)"))
    occasion = models.CharField(_("occasion"), max_length=24, choices=Occasion.choices)
    reason = models.TextField(
        _("motivation"),
        blank=True,
        help_text=_("Une provision ne se demande que sur requête expresse et motivée."),
    )
    state = models.CharField(
        _("état"), max_length=8, choices=StatementState.choices, default=StatementState.DRAFT
    )
    pricing_method = models.CharField(_("méthode de tarification"), max_length=24)
    reference_anniversary = models.DateField(null=True, blank=True)
    fees = MoneyField(_("honoraires HTVA"))
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=6, decimal_places=4, null=True)
    vat = MoneyField(_("TVA"))
    disbursements = MoneyField(_("frais"))
    total = MoneyField(_("total"))
    snapshot = models.JSONField(_("état au format rcd-taxation/1"))
    # The mediator's identity, frozen with the statement.
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    mediator_name = models.CharField(max_length=200)
    mediator_profession = models.CharField(max_length=20, blank=True)
    mediator_organisation = models.CharField(max_length=200)
    mediator_address = models.TextField(blank=True)
    mediator_enterprise_number = models.CharField(max_length=16, blank=True)
    mediator_vat_registered = models.BooleanField(default=False)
    document = models.OneToOneField(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fee_statement",
        verbose_name=_("document déposé"),
    )
    computed_at = models.DateTimeField(_("calculé le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    filed_at = models.DateTimeField(_("déposé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("état de frais et honoraires")
        verbose_name_plural = _("états de frais et honoraires")
        ordering = ["case", "-period_from", "-id"]
        constraints = [
            models.CheckConstraint(
                name="fee_statement_period_not_empty",
                condition=Q(period_to__gt=F("period_from")),
                violation_error_message=_("La fin de la période doit suivre son début."),
            ),
            models.CheckConstraint(
                name="fee_statement_filed_consistent",
                condition=(
                    Q(state="draft", filed_at__isnull=True, document__isnull=True)
                    | Q(state="filed", filed_at__isnull=False, document__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.period_label}"

    @property
    def is_filed(self) -> bool:
        return self.state == StatementState.FILED

    @property
    def last_day(self):
        return self.period_to - timedelta(days=1)

    @property
    def period_label(self) -> str:
        """fees.md §7: "du <from> au <to - 1 day>", in the active language (a Dutch screen
        says "van … tot …", issue 16; the filed PDF renders in French, ``fees.pdf``)."""
        return _("du %(start)s au %(end)s") % {
            "start": format_date(self.period_from),
            "end": format_date(self.last_day),
        }


class StatementLine(models.Model):
    """One line of a statement, as the engine computed it (fees.md §8: article, date, quantity,
    unit amount, amount, the tariff rows used with their sources, the rule and why)."""

    statement = models.ForeignKey(FeeStatement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    article = models.CharField(_("article"), max_length=8)
    label = models.CharField(_("libellé"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3)
    unit_amount = MoneyField(_("montant unitaire"))
    amount = MoneyField(_("montant"))
    # [{"id", "key", "effective_from", "amount", "source"}]: a copy, the rows may change later.
    tariff_rows = models.JSONField(_("lignes tarifaires"), default=list)
    rule = models.CharField(_("règle"), max_length=64)
    explanation = models.TextField(_("explication"))
    origin = models.CharField(_("origine"), max_length=32, blank=True)
    # The label and explanation as the engine's phrases ({"label", "explanation"}, core.phrases
    # JSON), rendered in the reader's language on screens and in the procedure's in the PDF
    # (issue 16). Null for lines computed before phrases were kept: they show their French text.
    texts = models.JSONField(_("textes traduisibles"), null=True, blank=True)

    class Meta:
        verbose_name = _("ligne d'état")
        verbose_name_plural = _("lignes d'état")
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"], name="uniq_statement_line")
        ]

    def __str__(self) -> str:
        return f"{self.article} {self.label}"

    @property
    def is_fee(self) -> bool:
        return self.article in FEE_ARTICLES

    @property
    def shown_label(self) -> str:
        """The label in the active language (``fees.wording`` for older lines)."""
        if not self.texts:
            return stored_label(self.label)
        return localize_stored(self.texts.get("label"), self.label)

    @property
    def shown_explanation(self) -> str:
        return localize_stored((self.texts or {}).get("explanation"), self.explanation)


class TaxationOrder(models.Model):
    """The judge's taxation of a FILED statement (fees.md §8): the overall amount allowed is what
    the mediator may take from the mediation account; reductions by line are kept for the
    record (``TaxationOrderLine``)."""

    statement = models.OneToOneField(
        FeeStatement, on_delete=models.PROTECT, related_name="taxation_order"
    )
    order_date = models.DateField(_("date de l'ordonnance"))
    reference = models.CharField(_("référence de l'ordonnance"), max_length=100, blank=True)
    allowed_amount = MoneyField(_("montant taxé (TVAC)"))
    judge_note = models.TextField(_("motivation du juge"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ordonnance de taxation")
        verbose_name_plural = _("ordonnances de taxation")
        ordering = ["order_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="taxation_order_allowed_not_negative",
                condition=Q(allowed_amount__gte=0),
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement} : {self.allowed_amount}"

    @property
    def reduction(self) -> Decimal:
        return self.statement.total - self.allowed_amount


class TaxationOrderLine(models.Model):
    """A line the judge reduced (or refused): its allowed amount, HTVA like the line."""

    order = models.ForeignKey(TaxationOrder, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(StatementLine, on_delete=models.PROTECT, related_name="+")
    allowed_amount = MoneyField(_("montant admis"))

    class Meta:
        verbose_name = _("réduction d'une ligne")
        verbose_name_plural = _("réductions de lignes")
        constraints = [
            models.UniqueConstraint(fields=["order", "line"], name="uniq_order_line"),
            models.CheckConstraint(
                name="taxation_line_allowed_not_negative", condition=Q(allowed_amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} : {self.allowed_amount}"


# --- state intervention (SPF Economie, art. 1675/19 C.J.), fees.md §9 -----------------------


class LegalAmountKey(models.TextChoices):
    STATE_INTERVENTION_CAP = (
        "state_intervention_cap",
        _("Plafond de l'intervention du SPF Economie sans remise de dettes, par dossier"),
    )


class LegalAmount(models.Model):
    """A dated legal amount other than the barème (e.g. the 1.200 EUR cap of art. 1675/19
    C.J.), with its source; shipped in ``fees/data/legal_amounts.json`` by release migrations
    (``core.legal_data``); an administrator adds a new row when the law changes."""

    key = models.CharField(_("clé"), max_length=32, choices=LegalAmountKey.choices)
    effective_from = models.DateField(_("en vigueur depuis"))
    amount = MoneyField(_("montant (EUR)"))
    source = models.TextField(_("source"))
    shipped = models.BooleanField(_("livrée avec l'application"), default=False)

    class Meta:
        verbose_name = _("montant légal")
        verbose_name_plural = _("montants légaux")
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="uniq_legal_amount"),
            models.CheckConstraint(name="legal_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {format_date(self.effective_from)}: {self.amount}"


class InterventionReason(models.TextChoices):
    """Why the mediation account cannot pay the taxed fees in reasonable time (fees.md §9)."""

    INSUFFICIENT_BALANCE = "insufficient_balance", _("Solde du compte de médiation insuffisant")
    LIVING_ALLOWANCE = "living_allowance", _("Sommes destinées au pécule de médiation")
    CPAS_ADVANCES = "cpas_advances", _("Sommes destinées au remboursement d'avances du CPAS")
    MEDICAL_COSTS = "medical_costs", _("Sommes destinées à des frais médicaux")
    OTHER = "other", _("Autre motif")


class RemissionType(models.TextChoices):
    TOTAL = "total", _("Remise totale de dettes")
    PARTIAL_CAPITAL = "partial_capital", _("Remise partielle de dettes en capital")
    NONE = "none", _("Pas de remise de dettes")


class InterventionStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    SUBMITTED = "submitted", _("Introduite sur DebtMediation")
    GRANTED = "granted", _("Accordée")
    REFUSED = "refused", _("Refusée")
    PAID = "paid", _("Payée")


class StateIntervention(models.Model):
    """A request to the SPF Economie to bear unpaid taxed fees (art. 1675/19 C.J., fees.md §9),
    made on the DebtMediation platform; the application prepares the figures and tracks it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="state_interventions")
    prepared_on = models.DateField(_("préparée le"))
    reason = models.CharField(
        _("motif de l'impossibilité de payer"), max_length=24, choices=InterventionReason.choices
    )
    explanation = models.TextField(_("explication"))
    remission_type = models.CharField(
        _("remise de dettes"), max_length=16, choices=RemissionType.choices
    )
    amount_requested = MoneyField(_("montant demandé"))
    # Snapshot of the figures when the request was prepared.
    taxed_unpaid = MoneyField(_("honoraires taxés impayés"))
    account_balance = MoneyField(_("solde du compte"))
    account_reserve = MoneyField(_("réserve pour honoraires"))
    # The judge's decision putting the fees at the SPF's charge, and the special reasoning
    # needed beyond the cap (no remission: 1.200 EUR per case).
    decision_date = models.DateField(_("date de la décision du juge"), null=True, blank=True)
    decision_reference = models.CharField(_("référence de la décision"), max_length=100, blank=True)
    special_reasoning = models.TextField(
        _("motivation spéciale du juge (dépassement du plafond)"), blank=True
    )
    cap_amount = MoneyField(_("plafond applicable"), null=True, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=InterventionStatus.choices,
        default=InterventionStatus.DRAFT,
    )
    platform_reference = models.CharField(_("référence DebtMediation"), max_length=100, blank=True)
    submitted_on = models.DateField(_("introduite le"), null=True, blank=True)
    decided_on = models.DateField(_("décision du SPF le"), null=True, blank=True)
    amount_granted = MoneyField(_("montant accordé"), null=True, blank=True)
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    amount_paid = MoneyField(_("montant payé"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intervention du SPF Economie")
        verbose_name_plural = _("interventions du SPF Economie")
        ordering = ["case", "-prepared_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="intervention_amount_positive", condition=Q(amount_requested__gt=0)
            ),
            models.CheckConstraint(
                name="intervention_paid_has_amount",
                condition=~Q(status="paid") | Q(amount_paid__isnull=False, paid_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} SPF {self.amount_requested}"


# --- the JustRestart fee, invoiced at each anniversary (fees.md §2, §4) ----------------------


class JustRestartInvoice(models.Model):
    """The JustRestart fee due at one anniversary of the admissibility (75,00 EUR from
    2 November 2023, royal decree of 29 March 2024), recorded by the daily run with its duty
    ``justrestart_fee`` (``fees.duties``): the amount of the dated row in force on the
    anniversary and that row's source, payable within 30 days. The mediator marks it paid by
    linking the journal entry that paid it (``fees.services.justrestart_invoice_mark_paid``)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="justrestart_invoices")
    duty = models.OneToOneField(
        "agenda.Duty",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="justrestart_invoice",
    )
    year_index = models.PositiveSmallIntegerField(_("anniversaire n°"))
    anniversary = models.DateField(_("anniversaire de l'admissibilité"))
    amount = MoneyField(_("montant"))
    tariff_row = models.CharField(_("ligne tarifaire"), max_length=64)
    tariff_source = models.TextField(_("source (Moniteur belge)"))
    payable_by = models.DateField(_("à payer pour le"))
    paid_entry = models.ForeignKey(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("écriture de paiement"),
    )
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("facture JustRestart")
        verbose_name_plural = _("factures JustRestart")
        ordering = ["case", "anniversary"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "anniversary"], name="uniq_justrestart_invoice_anniversary"
            ),
            models.CheckConstraint(
                name="justrestart_invoice_paid_consistent",
                condition=Q(paid_entry__isnull=True, paid_on__isnull=True)
                | Q(paid_entry__isnull=False, paid_on__isnull=False),
            ),
            models.CheckConstraint(
                name="justrestart_invoice_amount_not_negative", condition=Q(amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"JustRestart {format_date(self.anniversary)} : {self.amount}"

    @property
    def is_paid(self) -> bool:
        return self.paid_entry_id is not None


class DraftBatch(models.Model):
    """A background run (Celery) that prepares the draft fee statements of the year ended for
    the cases its requester may change (``fees.services.fee_statement_drafts_prepare``), with its
    progress for the page that polls it (the caseload export's pattern, ``cases.exports``)."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    on = models.DateField(_("année écoulée au"))
    language = models.CharField(max_length=8, default="fr")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    existing = models.PositiveIntegerField(default=0)
    # [{"case": reference, "case_id": pk, "error": message}]
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("préparation d'états de frais")
        verbose_name_plural = _("préparations d'états de frais")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Drafts {self.pk} ({self.state})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)
