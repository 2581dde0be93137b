"""Forms of the assets app: they only parse; ``assets.services`` checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field
from core.forms import MoneyField

from .models import AssetDecision, AssetKind
from .services import AssetData


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature du bien"), choices=AssetKind.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        help_text=_("Par ex. : maison rue de Fer 12 à Namur, Peugeot 208 de 2017."),
    )
    valuation_date = date_field(_("Estimé le"), required=True)
    valuation_amount = MoneyField(label=_("Valeur estimée (€)"))
    valuation_source = forms.CharField(
        label=_("Source de l'estimation"),
        max_length=200,
        help_text=_("Par ex. : expertise du notaire, cote Argus, extrait de compte."),
    )
    note = forms.CharField(
        label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_data(self) -> AssetData:
        c = self.cleaned_data
        return AssetData(
            kind=c["kind"],
            description=c["description"],
            valuation_date=c["valuation_date"],
            valuation_amount=c["valuation_amount"],
            valuation_source=c["valuation_source"],
            note=c.get("note") or "",
        )


class AuthoriseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision du tribunal"), choices=AssetDecision.choices, widget=forms.RadioSelect
    )
    decision_date = date_field(_("Ordonnance du"), required=True)
    decision_reference = forms.CharField(label=_("Référence de l'ordonnance"), max_length=100)


class SaleForm(forms.Form):
    sale_date = date_field(_("Vendu le"), required=True)
    sale_price = MoneyField(label=_("Prix de vente (€)"))
    sale_costs = MoneyField(
        label=_("Frais de la vente (€)"),
        required=False,
        help_text=_("Frais de notaire, de publicité, d'expertise… déduits du prix."),
    )
