"""Forms of the budget app (crispy-forms, Bootstrap 5). They only parse input; the rules are
checked by ``budget.services`` (negative lines, floors of the living allowance, uploads)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field
from core.forms import MoneyField

from .models import ChargeKind, Frequency, IncomeKind, RisCategory
from .services import AllowanceData, BudgetData, ChargeData, IncomeData

AMOUNT_ATTRS = {"class": "text-end", "inputmode": "decimal", "placeholder": "0,00"}


def _amount_field(label, required=False):
    # core.forms.MoneyField: the application's one rule for typed amounts. No sign or decimals
    # check here: the service refuses a negative line with a message naming the line.
    return MoneyField(
        label=label,
        required=required,
        widget=forms.TextInput(attrs=AMOUNT_ATTRS),
    )


class BudgetVersionForm(forms.Form):
    date = date_field(
        _("Budget au"),
        required=True,
        help_text=_("Les barèmes et le revenu d'intégration de cette date s'appliquent."),
    )
    reason = forms.CharField(
        label=_("Motif de la version"),
        max_length=255,
        required=False,
        help_text=_("Par ex. : budget initial, reprise du travail, naissance, déménagement…"),
    )
    adults = forms.IntegerField(label=_("Adultes du ménage"), min_value=1, max_value=20)
    dependent_children = forms.IntegerField(label=_("Enfants à charge"), min_value=0, max_value=30)
    partner_outside_case = forms.BooleanField(
        label=_("Conjoint ou partenaire hors procédure"),
        required=False,
        help_text=_(
            "Le requérant vit avec un conjoint ou partenaire qui n'est pas partie au règlement "
            "collectif (compté parmi les adultes)."
        ),
    )
    ris_category = forms.ChoiceField(
        label=_("Catégorie du revenu d'intégration"),
        choices=RisCategory.choices,
        help_text=_(
            "Isolé (vit seul), cohabitant (vit avec un autre adulte ; un couple sans enfant : "
            "le taux cohabitant pour chaque requérant), ou famille à charge (au moins un "
            "enfant mineur non marié)."
        ),
    )
    note = forms.CharField(
        label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("date", css_class="col-md-3"), Column("reason", css_class="col-md-9")),
            Row(
                Column("adults", css_class="col-md-3"),
                Column("dependent_children", css_class="col-md-3"),
                Column("ris_category", css_class="col-md-6"),
            ),
            "partner_outside_case",
            "note",
        )


class _LineForm(forms.Form):
    """A budget line; a line left blank is ignored (the ``DELETE`` box drops a copied one)."""

    label = forms.CharField(label=_("Libellé"), max_length=120, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not data.get("kind") and data.get("amount") is None and not data.get("label")

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        if (data.get("amount") is not None or data.get("label")) and not data.get("kind"):
            self.add_error("kind", _("Choisissez la nature de la ligne."))
        if data.get("kind") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Indiquez le montant mensuel."))
        return data


class IncomeLineForm(_LineForm):
    kind = forms.ChoiceField(
        label=_("Nature"), choices=[("", "—")] + IncomeKind.choices, required=False
    )
    person = forms.TypedChoiceField(
        label=_("Requérant"), required=False, coerce=int, empty_value=None, choices=[]
    )
    amount = _amount_field(_("Montant mensuel (€)"))
    outside_case = forms.BooleanField(label=_("Conjoint hors procédure"), required=False)

    field_order = ["kind", "label", "person", "amount", "outside_case"]

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Ménage"))] + list(persons)


class ChargeLineForm(_LineForm):
    kind = forms.ChoiceField(
        label=_("Nature"), choices=[("", "—")] + ChargeKind.choices, required=False
    )
    amount = _amount_field(_("Montant mensuel (€)"))
    paid_from_account = forms.BooleanField(label=_("Payée par le médiateur"), required=False)

    field_order = ["kind", "label", "amount", "paid_from_account"]


class _LineFormSet(forms.BaseFormSet):
    def lines(self) -> list[forms.Form]:
        return [
            f
            for f in self.forms
            if hasattr(f, "cleaned_data")
            and f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and not f.is_blank()
        ]


class IncomeFormSet(_LineFormSet):
    def __init__(self, *args, persons=(), **kwargs):
        self.persons = list(persons)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "persons": self.persons}

    def to_data(self) -> list[IncomeData]:
        return [
            IncomeData(
                kind=f.cleaned_data["kind"],
                amount=f.cleaned_data["amount"],
                label=f.cleaned_data.get("label") or "",
                person=f.cleaned_data.get("person"),
                outside_case=bool(f.cleaned_data.get("outside_case")),
            )
            for f in self.lines()
        ]


class ChargeFormSet(_LineFormSet):
    def to_data(self) -> list[ChargeData]:
        return [
            ChargeData(
                kind=f.cleaned_data["kind"],
                amount=f.cleaned_data["amount"],
                label=f.cleaned_data.get("label") or "",
                paid_from_account=bool(f.cleaned_data.get("paid_from_account")),
            )
            for f in self.lines()
        ]


EXTRA_LINES = 2


def income_formset(data=None, *, initial=None, persons=()):
    factory = formset_factory(
        IncomeLineForm, formset=IncomeFormSet, extra=EXTRA_LINES, can_delete=True, max_num=60
    )
    return factory(data, initial=initial, prefix="incomes", persons=persons)


def charge_formset(data=None, *, initial=None):
    factory = formset_factory(
        ChargeLineForm, formset=ChargeFormSet, extra=EXTRA_LINES, can_delete=True, max_num=60
    )
    return factory(data, initial=initial, prefix="charges")


def budget_data(form: BudgetVersionForm, incomes: IncomeFormSet, charges: ChargeFormSet):
    c = form.cleaned_data
    return BudgetData(
        date=c["date"],
        ris_category=c["ris_category"],
        adults=c["adults"],
        dependent_children=c["dependent_children"],
        partner_outside_case=bool(c.get("partner_outside_case")),
        incomes=incomes.to_data(),
        charges=charges.to_data(),
        reason=c.get("reason") or "",
        note=c.get("note") or "",
    )


class AllowanceForm(forms.Form):
    amount = _amount_field(_("Pécule mensuel (€)"), required=True)
    frequency = forms.ChoiceField(label=_("Versement"), choices=Frequency.choices)
    day_of_month = forms.IntegerField(label=_("Jour du mois"), min_value=1, max_value=31, initial=1)
    second_day_of_month = forms.IntegerField(
        label=_("Second jour du mois"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("Le montant versé est partagé en deux."),
    )
    agreement_date = date_field(
        _("Date de l'accord exprès du requérant"),
        help_text=_(
            "Requis seulement sous la quotité insaisissable ; l'accord déjà joint à "
            "ce budget reste valable pour un pécule au moins égal."
        ),
    )
    agreement_file = forms.FileField(
        label=_("Accord signé (PDF ou image)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    note = forms.CharField(label=_("Remarque"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "amount",
            "frequency",
            Row(
                Column("day_of_month", css_class="col-6"),
                Column("second_day_of_month", css_class="col-6 js-twice"),
            ),
            Row(
                Column("agreement_date", css_class="col-sm-5"),
                Column("agreement_file", css_class="col-sm-7"),
            ),
            "note",
        )

    def to_data(self) -> AllowanceData:
        c = self.cleaned_data
        return AllowanceData(
            amount=c["amount"],
            frequency=c["frequency"],
            day_of_month=c["day_of_month"],
            second_day_of_month=c.get("second_day_of_month"),
            agreement_date=c.get("agreement_date"),
            note=c.get("note") or "",
        )
