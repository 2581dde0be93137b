from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField, parse_amount  # noqa: F401 (re-exported)
from ledger.models import Category

from . import selectors
from .models import PaymentCategory
from .services import AssignData, PaymentData


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CODA ou CAMT.053"),
        help_text=_("Extrait de compte téléchargé de la banque (.cod, .txt ou .xml)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".cod,.coda,.txt,.xml,.cod2,.bc2"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


INCOMING_CATEGORIES = [Category.INCOME, Category.REFUND, Category.OTHER]
OUTGOING_CATEGORIES = [
    Category.LIVING_ALLOWANCE,
    Category.PAYMENT_ON_BEHALF,
    Category.DIVIDEND,
    Category.EXCEPTIONAL_EXPENSE,
    Category.BANK_CHARGE,
    Category.REFUND,
    Category.OTHER,
]


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        names = " & ".join(a.full_name for a in obj.applicants.all())
        return f"{obj.reference} — {names}" if names else obj.reference


class MovementAssignForm(forms.Form):
    case = CaseChoiceField(label=_("Dossier"), queryset=None)
    category = forms.ChoiceField(label=_("Catégorie"))
    creditor = forms.ModelChoiceField(
        label=_("Créancier (dividende)"), queryset=None, required=False
    )
    authorisation = forms.CharField(
        label=_("Autorisation du tribunal (dépense exceptionnelle)"), max_length=100, required=False
    )
    standing_order = forms.BooleanField(label=_("Ordre permanent"), required=False)
    rule_on = forms.ChoiceField(label=_("Enregistrer comme règle"), required=False)

    def __init__(self, *args, user, movement, **kwargs):
        super().__init__(*args, **kwargs)
        self.movement = movement
        self.fields["case"].queryset = selectors.assignable_cases(user)
        self.fields["creditor"].queryset = selectors.organisation_creditors(user)
        incoming = movement.amount > 0
        if incoming:  # dividends, exceptional expenses and standing orders are outgoing
            for name in ("creditor", "authorisation", "standing_order"):
                del self.fields[name]
        categories = INCOMING_CATEGORIES if incoming else OUTGOING_CATEGORIES
        self.fields["category"].choices = [(c.value, c.label) for c in categories]
        self.fields["category"].initial = Category.INCOME if incoming else ""
        if movement.suggested_case_id:
            self.fields["case"].initial = movement.suggested_case_id
        choices = [("", _("Non"))]
        if movement.counterparty_iban:
            choices.append(
                (
                    "iban",
                    _("Oui, pour cet IBAN de contrepartie (%(iban)s)")
                    % {"iban": movement.counterparty_iban},
                )
            )
        if movement.structured_communication or movement.communication.strip():
            choices.append(("communication", _("Oui, pour cette communication")))
        self.fields["rule_on"].choices = choices
        self.fields["rule_on"].help_text = _(
            "Les prochains mouvements semblables iront directement à ce dossier, sous cette "
            "catégorie ; ceux qui attendent déjà dans la file aussi."
        )
        self.helper = _helper()

    def to_data(self) -> AssignData:
        data = self.cleaned_data
        return AssignData(
            case=data["case"],
            category=data["category"],
            creditor=data.get("creditor"),
            authorisation=data.get("authorisation") or "",
            standing_order=bool(data.get("standing_order")),
            rule_on=data.get("rule_on") or "",
        )


class MovementIgnoreForm(forms.Form):
    note = forms.CharField(label=_("Motif"), max_length=300, required=False)


class PaymentForm(forms.Form):
    category = forms.ChoiceField(label=_("Nature"), choices=PaymentCategory.choices)
    amount = MoneyField(label=_("Montant (€)"))
    creditor = forms.ModelChoiceField(
        label=_("Créancier (dividende)"),
        queryset=None,
        required=False,
        help_text=_("Créanciers du dossier qui participent au plan ; IBAN et BIC de l'annuaire."),
    )
    beneficiary_name = forms.CharField(label=_("Bénéficiaire"), max_length=70, required=False)
    beneficiary_iban = forms.CharField(
        label=_("IBAN du bénéficiaire"),
        max_length=42,
        required=False,
        help_text=_("Pécule : laissé vide, le compte du pécule précédent."),
    )
    beneficiary_bic = forms.CharField(
        label=_("BIC"),
        max_length=11,
        required=False,
        help_text=_("Facultatif : déduit de l'IBAN pour une banque belge."),
    )
    structured_communication = forms.CharField(
        label=_("Communication structurée"),
        max_length=24,
        required=False,
        help_text=_("+++123/4567/89012+++, quand le créancier en exige une."),
    )
    communication = forms.CharField(label=_("Communication libre"), max_length=140, required=False)
    standing_order = forms.BooleanField(
        label=_("Payé par ordre permanent"),
        required=False,
        help_text=_("Exécuté par la banque elle-même : non repris dans le fichier pain.001."),
    )
    authorisation = forms.CharField(
        label=_("Autorisation du tribunal"),
        max_length=100,
        required=False,
        help_text=_(
            "Référence de l'ordonnance (dépense exceptionnelle, ou dividende payé sans plan "
            "homologué ou imposé)."
        ),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["creditor"].queryset = selectors.participating_creditors(case)
        self.fields["creditor"].label_from_instance = lambda c: (
            f"{c.name} — {c.iban_display}"
            if c.iban
            else _("%(name)s — sans IBAN") % {"name": c.name}
        )
        names = " & ".join(a.full_name for a in case.applicants.all())
        self.fields["beneficiary_name"].widget.attrs["placeholder"] = names
        self.helper = _helper()

    def to_data(self) -> PaymentData:
        data = self.cleaned_data
        return PaymentData(
            category=data["category"],
            amount=data["amount"],
            beneficiary_name=data.get("beneficiary_name") or "",
            beneficiary_iban=data.get("beneficiary_iban") or "",
            beneficiary_bic=data.get("beneficiary_bic") or "",
            creditor=data.get("creditor"),
            structured_communication=data.get("structured_communication") or "",
            communication=data.get("communication") or "",
            standing_order=bool(data.get("standing_order")),
            authorisation=data.get("authorisation") or "",
        )


class BatchApproveForm(forms.Form):
    payments = forms.ModelMultipleChoiceField(
        label=_("Paiements à approuver"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    execution_date = forms.DateField(
        label=_("Date d'exécution demandée"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        pending = selectors.pending_payments(case)
        self.fields["payments"].queryset = pending
        self.fields["payments"].initial = [p.pk for p in pending]
        # The earliest due date of the waiting allowance installments when it is still to
        # come (an installment is not paid before its due date), otherwise today.
        today = timezone.localdate()
        earliest = min((p.due_on for p in pending if p.due_on), default=today)
        self.fields["execution_date"].initial = max(earliest, today)
        self.helper = _helper()


class CaseCommunicationForm(forms.Form):
    communication = forms.CharField(
        label=_("Communication structurée du dossier"),
        max_length=24,
        help_text=_("Celle déjà donnée aux payeurs du requérant (employeur, CPAS, mutuelle…)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
