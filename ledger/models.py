"""The mediation account (compte de médiation / rubriekrekening) and its journal (livre-journal).

The journal is append-only: a posted entry is never updated nor deleted; a mistake is corrected
by a reversal entry linked to the original. The database enforces it (triggers, see the
migrations): UPDATE and DELETE of entries are refused, and so is any posting that would take the
balance below zero — the account row carries the running balance, updated by the same trigger
under the row lock, so concurrent postings serialise (issue 4; domain/README.md step 6).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.validators import validate_iban
from core.dates import format_date
from core.fields import MoneyField


class Account(models.Model):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="account")
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    # Maintained by the database trigger on every posting; never written by the application.
    balance = MoneyField(_("solde"), default=Decimal("0.00"))
    reserve = MoneyField(_("réserve pour honoraires"), default=Decimal("0.00"))
    entry_count = models.PositiveIntegerField(default=0)
    opened_on = models.DateField(_("ouvert le"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compte de médiation")
        verbose_name_plural = _("comptes de médiation")
        # A bank statement is matched to its case by the account's IBAN (banking.matching).
        # An index of its own (AddIndex), not db_index: altering the field would make SQLite
        # rebuild the table, which its triggers (migration 0002) do not survive.
        indexes = [models.Index(fields=["iban"], name="ledger_account_iban_idx")]
        constraints = [
            models.CheckConstraint(
                name="account_balance_not_negative",
                condition=Q(balance__gte=0),
                violation_error_message=_("Le solde du compte de médiation ne peut être négatif."),
            ),
            models.CheckConstraint(
                name="account_reserve_within_balance",
                condition=Q(reserve__gte=0) & Q(reserve__lte=F("balance")),
                violation_error_message=_(
                    "La réserve pour honoraires doit rester comprise dans le solde."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} ({self.iban or '—'})"

    @property
    def available(self) -> Decimal:
        return self.balance - self.reserve


class Direction(models.TextChoices):
    IN = "in", _("Entrée")
    OUT = "out", _("Sortie")


class Category(models.TextChoices):
    # Codes of case-bundle.schema.json ``ledger[].category`` (public interface).
    INCOME = "income", _("Revenu")
    LIVING_ALLOWANCE = "living_allowance", _("Pécule de médiation")
    PAYMENT_ON_BEHALF = "payment_on_behalf", _("Paiement pour compte du requérant")
    DIVIDEND = "dividend", _("Dividende à un créancier")
    EXCEPTIONAL_EXPENSE = "exceptional_expense", _("Dépense exceptionnelle (autorisée)")
    FEE_PAYMENT = "fee_payment", _("Paiement des honoraires taxés")
    RESERVE_TRANSFER = "reserve_transfer", _("Mouvement de la réserve pour honoraires")
    REFUND = "refund", _("Remboursement")
    BANK_CHARGE = "bank_charge", _("Frais bancaires")
    OTHER = "other", _("Autre")


# Outgoing categories billable as 2,2° payments (fees.md §6).
BILLABLE_PAYMENT_CATEGORIES = frozenset(
    {
        Category.LIVING_ALLOWANCE,
        Category.PAYMENT_ON_BEHALF,
        Category.DIVIDEND,
        Category.EXCEPTIONAL_EXPENSE,
    }
)


class Entry(models.Model):
    """One line of the journal. Append-only (database triggers)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    # Checked by the database: the next number of the account (entries are numbered 1, 2, …).
    sequence = models.PositiveIntegerField(_("n°"), editable=False)
    value_date = models.DateField(_("date valeur"))
    booked_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    direction = models.CharField(_("sens"), max_length=3, choices=Direction.choices)
    amount = MoneyField(_("montant"))
    category = models.CharField(_("catégorie"), max_length=24, choices=Category.choices)
    counterparty = models.CharField(_("contrepartie"), max_length=200, blank=True)
    counterparty_iban = models.CharField(
        _("IBAN de la contrepartie"), max_length=34, blank=True, validators=[validate_iban]
    )
    communication = models.CharField(_("communication"), max_length=140, blank=True)
    standing_order = models.BooleanField(_("ordre permanent"), default=False)
    creditor = models.ForeignKey(
        "claims.Creditor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créancier"),
    )
    authorisation = models.CharField(
        _("autorisation du tribunal"),
        max_length=100,
        blank=True,
        help_text=_("Référence de l'ordonnance (dépense exceptionnelle)."),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("extourne de"),
    )
    bank_reference = models.CharField(
        _("identité bancaire"),
        max_length=200,
        blank=True,
        help_text=_("Identité stable du mouvement bancaire importé (évite les doublons)."),
    )
    note = models.CharField(_("remarque"), max_length=255, blank=True)
    # After the closure or revocation of the case, an entry valued after that decision is a
    # final settlement entry and says why it is posted (issue 17; migration 0004 enforces it).
    settlement_reason = models.CharField(_("motif du règlement final"), max_length=255, blank=True)
    # Hash chain: sha256 of the previous entry's hash and this entry's content (tamper evidence).
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("écriture")
        verbose_name_plural = _("écritures")
        ordering = ["account", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sequence"], name="uniq_entry_sequence"),
            models.UniqueConstraint(
                fields=["account", "bank_reference"],
                condition=~Q(bank_reference=""),
                name="uniq_entry_bank_reference",
            ),
            models.CheckConstraint(
                name="entry_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message=_("Le montant d'une écriture est strictement positif."),
            ),
            models.CheckConstraint(
                name="entry_dividend_has_creditor",
                condition=~Q(category="dividend")
                | Q(creditor__isnull=False)
                | Q(reverses__isnull=False),
            ),
            models.CheckConstraint(
                name="entry_exceptional_expense_authorised",
                condition=~Q(category="exceptional_expense", direction="out")
                | ~Q(authorisation="")
                | Q(reverses__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["account", "value_date"])]

    def __str__(self) -> str:
        sign = "+" if self.direction == Direction.IN else "-"
        return f"#{self.sequence} {format_date(self.value_date)} {sign}{self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.direction == Direction.IN else -self.amount
