"""Bank statements in (CODA, CAMT.053) and SEPA payments out (pain.001) of the mediation accounts.

Domain: ``shared/domain/banking.md``; issue 4 ("Bank statements in", "Payments out"). The journal
itself is ``ledger``: a statement movement or an executed payment becomes a journal entry through
``ledger.services.entry_post`` only, once (the movement's identity is the entry's
``bank_reference``; a payment holds the entry it posted).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum import bic as std_bic

from accounts.models import Organisation
from cases.models import Case
from cases.validators import validate_iban
from core.dates import format_date, format_datetime
from core.fields import MoneyField
from ledger.models import Category, Direction


def validate_bic(value: str) -> None:
    if value and not std_bic.is_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un BIC valide (8 ou 11 caractères)."),
            params={"value": value},
            code="invalid_bic",
        )


class StatementFormat(models.TextChoices):
    CODA = "coda", _("CODA")
    CAMT053 = "camt053", _("CAMT.053")


class StatementImport(models.Model):
    """One imported file: who, when, what it held (the summary of the import)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    file_name = models.CharField(_("fichier"), max_length=255)
    file_hash = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True)
    file_size = models.PositiveIntegerField(_("taille"), default=0)
    format = models.CharField(_("format"), max_length=8, choices=StatementFormat.choices)
    statement_count = models.PositiveIntegerField(_("extraits"), default=0)
    movement_count = models.PositiveIntegerField(_("mouvements"), default=0)
    posted_count = models.PositiveIntegerField(_("comptabilisés"), default=0)
    duplicate_count = models.PositiveIntegerField(_("déjà connus"), default=0)
    unmatched_count = models.PositiveIntegerField(_("à imputer"), default=0)
    warnings = models.TextField(_("avertissements"), blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("importé par"),
    )
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("import d'extraits")
        verbose_name_plural = _("imports d'extraits")
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["organisation", "imported_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({format_datetime(self.imported_at)})"

    @property
    def summary(self) -> dict[str, int]:
        """The public summary (same keys as the management command's JSON)."""
        return {
            "movements": self.movement_count,
            "posted": self.posted_count,
            "duplicates": self.duplicate_count,
            "unmatched": self.unmatched_count,
        }


class StatementBalance(models.Model):
    """The closing balance of one statement (extrait) of an imported file, per account: what the
    bank says the account held on ``closing_date``. The last one of a mediation account is
    compared with the journal before anything goes to court (``reports.court_checks``; issue
    12: the journal must reconcile with the last bank statement)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    statement_import = models.ForeignKey(
        StatementImport,
        on_delete=models.PROTECT,
        related_name="balances",
        verbose_name=_("import"),
    )
    account_iban = models.CharField(_("compte"), max_length=34)
    statement_number = models.CharField(_("extrait n°"), max_length=35, blank=True)
    closing_balance = MoneyField(_("nouveau solde"))
    closing_date = models.DateField(_("date du nouveau solde"))

    class Meta:
        verbose_name = _("solde d'extrait")
        verbose_name_plural = _("soldes d'extraits")
        indexes = [models.Index(fields=["organisation", "account_iban", "closing_date"])]

    def __str__(self) -> str:
        return f"{self.account_iban} {self.statement_number} ({format_date(self.closing_date)})"


class StatementUpload(models.Model):
    """A large statement file imported in the background (Celery): its state and, once done,
    the import it produced. The file is kept until then (and a failed one with its error)."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("fichier"), max_length=255)
    content = models.BinaryField(_("contenu"), blank=True)
    movement_estimate = models.PositiveIntegerField(_("mouvements annoncés"), default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    statement_import = models.OneToOneField(
        StatementImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="upload",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import d'extraits en cours")
        verbose_name_plural = _("imports d'extraits en cours")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.state})"


class MovementStatus(models.TextChoices):
    POSTED = "posted", _("Comptabilisé")
    UNMATCHED = "unmatched", _("À imputer")
    IGNORED = "ignored", _("Écarté")


class MatchMethod(models.TextChoices):
    ACCOUNT = "account", _("Compte du dossier (IBAN)")
    COMMUNICATION = "communication", _("Communication structurée du dossier")
    RULE = "rule", _("Règle enregistrée")
    PAYMENT = "payment", _("Paiement SEPA du dossier")
    MANUAL = "manual", _("Imputation manuelle")
    REVERSAL = "reversal", _("Contre-passation d'un mouvement comptabilisé")
    BATCH = "batch", _("Lot SEPA débité en une fois")
    RETURN = "return", _("Virement SEPA retourné par la banque")


# ISO 20022 reasons a bank gives for a returned transfer (ExternalReturnReason1Code), the most
# frequent ones, said to the mediator in words; any other code is shown as given.
RETURN_REASONS = {
    "AC01": _("numéro de compte incorrect"),
    "AC04": _("compte clôturé"),
    "AC06": _("compte bloqué"),
    "AC13": _("type de compte invalide"),
    "AG01": _("opération interdite sur ce compte"),
    "AG02": _("code d'opération invalide"),
    "AM05": _("paiement en double"),
    "BE04": _("adresse du bénéficiaire manquante"),
    "FOCR": _("à la suite d'une demande d'annulation"),
    "MD07": _("bénéficiaire décédé"),
    "MS02": _("raison non précisée par le bénéficiaire"),
    "MS03": _("raison non précisée par la banque"),
    "RC01": _("BIC incorrect"),
    "RR01": _("compte ou identifiant du donneur d'ordre manquant"),
    "RR02": _("nom ou adresse du donneur d'ordre manquant"),
    "RR03": _("nom ou adresse du bénéficiaire manquant"),
    "RR04": _("raison réglementaire"),
}


class Movement(models.Model):
    """A movement of a bank statement, known once per organisation by its identity."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    statement_import = models.ForeignKey(
        StatementImport,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("import"),
    )
    identity = models.CharField(
        _("identité bancaire"),
        max_length=200,
        help_text=_("Tirée des données de la banque (compte, extrait, séquence, date, montant)."),
    )
    account_iban = models.CharField(_("compte"), max_length=34)
    statement_number = models.CharField(_("extrait n°"), max_length=35, blank=True)
    sequence = models.CharField(_("mouvement n°"), max_length=35, blank=True)
    bank_reference = models.CharField(_("référence bancaire"), max_length=70, blank=True)
    value_date = models.DateField(_("date valeur"))
    booking_date = models.DateField(_("date de comptabilisation"), null=True, blank=True)
    amount = MoneyField(_("montant"))  # signed: credit > 0, debit < 0
    counterparty_name = models.CharField(_("contrepartie"), max_length=200, blank=True)
    counterparty_iban = models.CharField(_("IBAN de la contrepartie"), max_length=34, blank=True)
    counterparty_bic = models.CharField(_("BIC de la contrepartie"), max_length=11, blank=True)
    communication = models.CharField(_("communication"), max_length=500, blank=True)
    structured_communication = models.CharField(
        _("communication structurée"), max_length=12, blank=True
    )
    end_to_end_id = models.CharField(_("référence de bout en bout"), max_length=35, blank=True)
    reversal = models.BooleanField(
        _("contre-passation"),
        default=False,
        help_text=_("La banque annule un mouvement antérieur (retour d'un virement)."),
    )
    returned = models.BooleanField(
        _("virement retourné"),
        default=False,
        help_text=_("La banque rend un virement SEPA envoyé depuis ce compte (rejet, retour)."),
    )
    return_reason = models.CharField(_("motif du retour"), max_length=4, blank=True)
    returned_payment = models.ForeignKey(
        "Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
        verbose_name=_("paiement retourné"),
    )
    batch_reference = models.CharField(_("référence du lot (banque)"), max_length=35, blank=True)
    batch_count = models.PositiveIntegerField(_("virements du lot (banque)"), null=True, blank=True)
    batch = models.ForeignKey(
        "PaymentBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debits",
        verbose_name=_("lot SEPA débité en une fois"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=MovementStatus.choices, default=MovementStatus.UNMATCHED
    )
    match_method = models.CharField(
        _("imputé par"), max_length=16, choices=MatchMethod.choices, blank=True
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_movements",
        verbose_name=_("dossier"),
    )
    suggested_case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier probable"),
    )
    entry = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_movement",
        verbose_name=_("écriture"),
    )
    rule = models.ForeignKey(
        "MatchingRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("règle"),
    )
    note = models.CharField(_("remarque"), max_length=500, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mouvement bancaire")
        verbose_name_plural = _("mouvements bancaires")
        ordering = ["value_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "identity"], name="uniq_movement_identity_per_org"
            ),
            models.CheckConstraint(
                name="movement_posted_has_entry",
                condition=~Q(status="posted") | (Q(entry__isnull=False) & Q(case__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{format_date(self.value_date)} {self.amount} {self.counterparty_name}".strip()

    @property
    def direction(self) -> str:
        return Direction.IN if self.amount > 0 else Direction.OUT

    @property
    def absolute_amount(self) -> Decimal:
        return abs(self.amount)

    @property
    def return_reason_display(self) -> str:
        """The bank's return reason, in words when it is a known ISO code: "AC04 (compte
        clôturé)"."""
        if not self.return_reason:
            return ""
        label = RETURN_REASONS.get(self.return_reason.upper())
        return f"{self.return_reason} ({label})" if label else self.return_reason


# Categories a saved rule (or the queue) may give a movement without further data: a dividend
# needs its creditor, an exceptional expense its authorisation, a fee payment its taxation.
RULE_CATEGORIES = [
    Category.INCOME,
    Category.REFUND,
    Category.LIVING_ALLOWANCE,
    Category.PAYMENT_ON_BEHALF,
    Category.BANK_CHARGE,
    Category.OTHER,
]


class MatchingRule(models.Model):
    """A saved rule: movements from this counterparty IBAN and/or with this communication go to
    this case, under this category."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="bank_rules", verbose_name=_("dossier")
    )
    direction = models.CharField(_("sens"), max_length=3, choices=Direction.choices)
    counterparty_iban = models.CharField(
        _("IBAN de la contrepartie"), max_length=34, blank=True, validators=[validate_iban]
    )
    communication = models.CharField(
        _("communication"),
        max_length=140,
        blank=True,
        help_text=_("Structurée : identique ; libre : contenue dans la communication."),
    )
    category = models.CharField(
        _("catégorie"),
        max_length=24,
        choices=[(c.value, c.label) for c in RULE_CATEGORIES],
    )
    standing_order = models.BooleanField(_("ordre permanent"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("règle d'imputation")
        verbose_name_plural = _("règles d'imputation")
        ordering = ["case__reference", "id"]
        constraints = [
            models.CheckConstraint(
                name="rule_has_a_criterion",
                condition=~Q(counterparty_iban="") | ~Q(communication=""),
                violation_error_message=_("Une règle porte sur un IBAN ou une communication."),
            )
        ]

    def __str__(self) -> str:
        criteria = " + ".join(c for c in (self.counterparty_iban, self.communication) if c)
        return f"{criteria} → {self.case.reference}"


class CaseCommunication(models.Model):
    """The structured communication of a case (+++123/4567/89012+++), given to those who pay
    into it (employer, CPAS, social benefits): a movement that carries it goes to the case."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="bank_communication")
    digits = models.CharField(_("communication structurée"), max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("communication structurée du dossier")
        verbose_name_plural = _("communications structurées des dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "digits"], name="uniq_case_communication_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        d = self.digits
        return f"+++{d[:3]}/{d[3:7]}/{d[7:]}+++"


class PaymentCategory(models.TextChoices):
    LIVING_ALLOWANCE = Category.LIVING_ALLOWANCE.value, Category.LIVING_ALLOWANCE.label
    DIVIDEND = Category.DIVIDEND.value, Category.DIVIDEND.label
    PAYMENT_ON_BEHALF = Category.PAYMENT_ON_BEHALF.value, Category.PAYMENT_ON_BEHALF.label
    EXCEPTIONAL_EXPENSE = Category.EXCEPTIONAL_EXPENSE.value, Category.EXCEPTIONAL_EXPENSE.label


class BatchStatus(models.TextChoices):
    APPROVED = "approved", _("Approuvé — à exécuter")
    EXECUTED = "executed", _("Exécuté")
    CANCELLED = "cancelled", _("Annulé")


class PaymentBatch(models.Model):
    """Payments of one case approved together; the pain.001 file is written at approval."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="payment_batches", verbose_name=_("dossier")
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.APPROVED
    )
    execution_date = models.DateField(_("date d'exécution demandée"))
    debtor_iban = models.CharField(_("compte débité"), max_length=34)
    message_id = models.CharField(_("identifiant du message"), max_length=35, blank=True)
    pain_xml = models.TextField(_("fichier pain.001"), blank=True)
    total = MoneyField(_("total"), default=Decimal("0.00"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approuvé le"), auto_now_add=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    executed_at = models.DateTimeField(_("exécuté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot de paiements")
        verbose_name_plural = _("lots de paiements")
        ordering = ["-approved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case.reference} — {format_date(self.execution_date)}"

    @property
    def has_file(self) -> bool:
        return bool(self.pain_xml)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("À approuver")
    APPROVED = "approved", _("Approuvé")
    POSTED = "posted", _("Comptabilisé")
    CANCELLED = "cancelled", _("Annulé")
    # The bank brought the transfer back (an R-transaction): its entry is reversed in the
    # journal and the payment may be prepared again.
    RETURNED = "returned", _("Retourné par la banque")


class Payment(models.Model):
    """An outgoing payment prepared by the mediator. It posts its journal entry once: when its
    batch is marked executed, or when a statement brings its movement back."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="payments", verbose_name=_("dossier")
    )
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("lot"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    category = models.CharField(_("nature"), max_length=24, choices=PaymentCategory.choices)
    amount = MoneyField(_("montant"))
    beneficiary_name = models.CharField(_("bénéficiaire"), max_length=70)
    beneficiary_iban = models.CharField(
        _("IBAN du bénéficiaire"), max_length=34, validators=[validate_iban]
    )
    beneficiary_bic = models.CharField(
        _("BIC du bénéficiaire"), max_length=11, blank=True, validators=[validate_bic]
    )
    creditor = models.ForeignKey(
        "claims.Creditor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créancier"),
    )
    structured_communication = models.CharField(
        _("communication structurée"), max_length=12, blank=True
    )
    communication = models.CharField(_("communication libre"), max_length=140, blank=True)
    standing_order = models.BooleanField(_("ordre permanent"), default=False)
    # A living-allowance installment prepared from the allowance's schedule (issue 6): its due
    # date and the decision it executes. Null for a payment prepared by hand.
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    allowance_decision = models.ForeignKey(
        "budget.AllowanceDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("pécule de médiation exécuté"),
    )
    authorisation = models.CharField(_("autorisation du tribunal"), max_length=100, blank=True)
    end_to_end_id = models.CharField(_("référence de bout en bout"), max_length=35, blank=True)
    entry = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sepa_payment",
        verbose_name=_("écriture"),
    )
    movement = models.OneToOneField(
        Movement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payment",
        verbose_name=_("mouvement de l'extrait"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="payment_dividend_has_creditor",
                condition=~Q(category="dividend") | Q(creditor__isnull=False),
            ),
            models.CheckConstraint(
                name="payment_exceptional_expense_authorised",
                condition=~Q(category="exceptional_expense") | ~Q(authorisation=""),
            ),
            models.CheckConstraint(
                name="payment_posted_has_entry",
                condition=~Q(status="posted") | Q(entry__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["end_to_end_id"],
                condition=~Q(end_to_end_id=""),
                name="uniq_payment_end_to_end_id",
            ),
            models.CheckConstraint(
                name="payment_allowance_installment_is_dated",
                condition=Q(allowance_decision__isnull=True)
                | (Q(category="living_allowance") & Q(due_on__isnull=False)),
            ),
            # One live payment per installment of the allowance's schedule: preparing the same
            # due date twice is refused by the database; a cancelled one, or one the bank
            # returned, may be prepared again.
            models.UniqueConstraint(
                fields=["case", "due_on"],
                condition=Q(category="living_allowance")
                & Q(allowance_decision__isnull=False)
                & ~Q(status__in=["cancelled", "returned"]),
                name="uniq_payment_allowance_installment",
                violation_error_message=_("Cette échéance du pécule est déjà préparée."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount} → {self.beneficiary_name}"

    @property
    def communication_display(self) -> str:
        if self.structured_communication:
            d = self.structured_communication
            return f"+++{d[:3]}/{d[3:7]}/{d[7:]}+++"
        return self.communication

    @property
    def in_file(self) -> bool:
        """A standing order is executed by the bank itself: not in the pain.001 file."""
        return not self.standing_order
