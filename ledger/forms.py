"""Forms of the mediation account (crispy-forms, Bootstrap 5). They only parse what is typed:
the rules (amount, value date horizon, authorisation, dividend creditor, overdraft, IBAN) are the
services', whose field-keyed messages are attached to the fields here. A form must not refuse
those inputs first with a generic message."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_WIDGET
from claims.models import Creditor
from core.forms import AmbiguousAmount, apply_errors, parse_amount  # noqa: F401 (re-exported)
from core.forms import MoneyField as AmountField

from .models import Category, Direction
from .services import EntryData

DATE_INVALID = _("Saisissez une date au format jj/mm/aaaa.")


def date_input(label, required=False, **kwargs):
    messages = {"invalid": DATE_INVALID}
    if required:
        messages["required"] = _("La date est obligatoire (jj/mm/aaaa).")
    return forms.DateField(
        label=label, required=required, widget=DATE_WIDGET, error_messages=messages, **kwargs
    )


def _helper(layout=None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


# Account ------------------------------------------------------------------------------------


class AccountOpenForm(forms.Form):
    iban = forms.CharField(
        label=_("IBAN du sous-compte de médiation"),
        max_length=42,
        error_messages={"required": _("Indiquez l'IBAN du sous-compte bancaire de médiation.")},
        help_text=_("Le compte ouvert à la banque au nom du dossier, où arrivent les revenus."),
    )
    opened_on = date_input(
        _("Ouvert le"),
        required=True,
        help_text=_("Aucune écriture ne peut être datée avant. Par défaut : l'admissibilité."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout(Row(Column("iban"), Column("opened_on"))))


# Posting ------------------------------------------------------------------------------------

# What the mediator posts: operation code -> (category, direction). The operation fixes the
# direction of the categories that have one; a refund or an "other" entry may go either way,
# and a reserve transfer sets money aside (in) or releases it (out).
OPERATIONS: dict[str, tuple[str, str]] = {
    "income": (Category.INCOME, Direction.IN),
    "refund_in": (Category.REFUND, Direction.IN),
    "other_in": (Category.OTHER, Direction.IN),
    "living_allowance": (Category.LIVING_ALLOWANCE, Direction.OUT),
    "payment_on_behalf": (Category.PAYMENT_ON_BEHALF, Direction.OUT),
    "dividend": (Category.DIVIDEND, Direction.OUT),
    "exceptional_expense": (Category.EXCEPTIONAL_EXPENSE, Direction.OUT),
    "fee_payment": (Category.FEE_PAYMENT, Direction.OUT),
    "bank_charge": (Category.BANK_CHARGE, Direction.OUT),
    "refund_out": (Category.REFUND, Direction.OUT),
    "other_out": (Category.OTHER, Direction.OUT),
    "reserve_set_aside": (Category.RESERVE_TRANSFER, Direction.IN),
    "reserve_release": (Category.RESERVE_TRANSFER, Direction.OUT),
}

OPERATION_CHOICES = [
    ("", _("— Choisir l'opération —")),
    (
        _("Entrées"),
        [
            ("income", _("Revenu du requérant")),
            ("refund_in", _("Remboursement reçu")),
            ("other_in", _("Autre entrée")),
        ],
    ),
    (
        _("Sorties"),
        [
            ("living_allowance", _("Pécule de médiation")),
            ("payment_on_behalf", _("Paiement pour compte du requérant (loyer, énergie…)")),
            ("dividend", _("Dividende à un créancier")),
            ("exceptional_expense", _("Dépense exceptionnelle autorisée par le tribunal")),
            ("fee_payment", _("Paiement des honoraires taxés")),
            ("bank_charge", _("Frais bancaires")),
            ("refund_out", _("Remboursement versé")),
            ("other_out", _("Autre sortie")),
        ],
    ),
    (
        _("Réserve pour honoraires"),
        [
            ("reserve_set_aside", _("Mise en réserve (le solde ne change pas)")),
            ("reserve_release", _("Libération de la réserve (le solde ne change pas)")),
        ],
    ),
]

# Service error keys -> form fields.
ENTRY_ERROR_FIELDS = {
    "creditor_id": "creditor",
    "direction": "operation",
    "category": "operation",
}


class CreditorChoiceField(forms.ChoiceField):
    """The dividend's creditor. The list offers the creditors taking part in the plan, but any
    number is accepted here: whether that creditor may be paid (in the case, not time-barred)
    is the service's rule and message."""

    def valid_value(self, value):
        return True

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _("Choisissez le créancier payé dans la liste."), code="invalid"
            ) from None


class EntryForm(forms.Form):
    operation = forms.ChoiceField(
        label=_("Opération"),
        choices=OPERATION_CHOICES,
        error_messages={
            "required": _("Choisissez l'opération."),
            "invalid_choice": _("Choisissez l'opération dans la liste."),
        },
    )
    value_date = date_input(_("Date valeur"), required=True)
    amount = AmountField(label=_("Montant (€)"))
    counterparty = forms.CharField(label=_("Contrepartie"), max_length=200, required=False)
    counterparty_iban = forms.CharField(
        label=_("IBAN de la contrepartie"), max_length=42, required=False
    )
    communication = forms.CharField(
        label=_("Communication"),
        max_length=140,
        required=False,
        help_text=_("Libre ou structurée (+++123/4567/89012+++)."),
    )
    standing_order = forms.BooleanField(
        label=_("Versé par ordre permanent"),
        required=False,
        help_text=_(
            "Un pécule versé par ordre permanent compte pour une seule prestation par année de "
            "suivi (honoraires 2,2°)."
        ),
    )
    creditor = CreditorChoiceField(
        label=_("Créancier payé"),
        required=False,
        help_text=_("Les créanciers du dossier qui participent au plan (ni forclos ni rejetés)."),
    )
    authorisation = forms.CharField(
        label=_("Autorisation du tribunal"),
        max_length=100,
        required=False,
        help_text=_("Référence de l'ordonnance qui autorise la dépense (date, numéro)."),
    )
    note = forms.CharField(label=_("Remarque"), max_length=255, required=False)
    settlement_reason = forms.CharField(
        label=_("Motif du règlement final"),
        max_length=255,
        required=False,
        help_text=_(
            "Le dossier est clôturé ou révoqué : seules les écritures du règlement final "
            "(solde restitué au requérant, derniers honoraires taxés, frais de clôture du compte) "
            "sont encore acceptées, chacune avec son motif."
        ),
    )

    def __init__(self, *args, creditors=(), ended: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.creditors: dict[int, Creditor] = {c.pk: c for c in creditors}
        self.fields["creditor"].choices = [("", _("— Choisir le créancier —"))] + [
            (
                c.pk,
                c.name
                if getattr(c, "has_unpaid", True)
                else _("%(name)s (désintéressé)") % {"name": c.name},
            )
            for c in creditors
        ]
        if not self.creditors:
            self.fields["creditor"].help_text = _(
                "Aucun créancier du dossier ne participe au plan : encodez d'abord ses créances "
                "(onglet Créances)."
            )
        self.helper = _helper(
            Layout(
                Row(
                    Column("operation", css_class="col-md-5"),
                    Column("value_date", css_class="col-md-3"),
                    Column("amount", css_class="col-md-4"),
                ),
                Div("creditor", css_class="ledger-extra", data_show_for="dividend"),
                Div("authorisation", css_class="ledger-extra", data_show_for="exceptional_expense"),
                Div("standing_order", css_class="ledger-extra", data_show_for="living_allowance"),
                Row(Column("counterparty"), Column("counterparty_iban")),
                Row(Column("communication"), Column("note")),
                *(["settlement_reason"] if ended else []),
            )
        )

    def clean(self):
        cleaned = super().clean()
        operation = cleaned.get("operation")
        creditor = self.creditors.get(cleaned.get("creditor") or 0)
        if operation == "dividend" and creditor is not None:
            # Paying a creditor: its name and IBAN unless typed otherwise.
            cleaned["counterparty"] = cleaned.get("counterparty") or creditor.name
            cleaned["counterparty_iban"] = cleaned.get("counterparty_iban") or creditor.iban
        return cleaned

    def to_data(self) -> EntryData:
        """The entry typed; after a failed ``is_valid()``, what could be read (the fields in
        error are empty) so that the service reports the other fields' refusals too."""
        c = self.cleaned_data
        operation = c.get("operation") or ""
        category, direction = OPERATIONS.get(operation, ("", ""))
        return EntryData(
            value_date=c.get("value_date"),
            direction=direction,
            amount=c.get("amount"),
            category=category,
            counterparty=(c.get("counterparty") or "").strip(),
            counterparty_iban=(c.get("counterparty_iban") or "").strip(),
            communication=(c.get("communication") or "").strip(),
            # Only what belongs to the operation (the other fields are hidden on the page).
            standing_order=bool(c.get("standing_order")) and operation == "living_allowance",
            creditor_id=c.get("creditor") if operation == "dividend" else None,
            authorisation=(c.get("authorisation") or "").strip()
            if operation == "exceptional_expense"
            else "",
            note=(c.get("note") or "").strip(),
            settlement_reason=(c.get("settlement_reason") or "").strip(),
        )

    def apply_service_errors(self, error: ValidationError, *, partial: bool = False) -> None:
        apply_errors(error, self, rename=ENTRY_ERROR_FIELDS, skip_fields_in_error=partial)


class ReverseForm(forms.Form):
    note = forms.CharField(
        label=_("Motif de l'extourne"),
        max_length=255,
        required=False,
        help_text=_("Par exemple : encodé deux fois, mauvais montant. Repris dans le journal."),
    )
    settlement_reason = forms.CharField(
        label=_("Motif du règlement final"),
        max_length=255,
        required=False,
        help_text=_("Obligatoire pour une extourne après la clôture ou la révocation du dossier."),
    )
    confirm = forms.BooleanField(
        label=_("Je confirme l'extourne de cette écriture."),
        error_messages={"required": _("Cochez la case pour confirmer l'extourne.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# Journal filters and export period ---------------------------------------------------------


class PeriodForm(forms.Form):
    """A period ``[start, end)``: the end day is excluded, like the taxation periods."""

    start = date_input(_("Du (inclus)"))
    end = date_input(_("Au (exclu)"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error(
                "end", _("La fin de la période (exclue) doit être postérieure à son début.")
            )
        return cleaned


class JournalFilterForm(PeriodForm):
    category = forms.ChoiceField(
        label=_("Catégorie"),
        required=False,
        choices=[("", _("Toutes les catégories"))] + list(Category.choices),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
