"""Forms of the petitions app: one form per kind of request, built from
``services.FIELDS``; they only parse, ``petitions.services`` checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field
from core.forms import MoneyField

from .models import Decision, RevocationGround
from .services import FIELDS

LABELS = {
    "reasons": _("Motifs"),
    "proposal": _("Précisions sur la proposition"),
    "purpose": _("Objet et justification de la dépense"),
    "amount": _("Montant (€)"),
    "payee": _("Bénéficiaire"),
    "asset": _("Bien à vendre"),
    "expected_price": _("Prix attendu (€)"),
    "change_date": _("Changement survenu le"),
    "circumstances": _("Circonstances nouvelles"),
    "ground": _("Motif légal (art. 1675/15 § 1 C.J.)"),
    "facts": _("Faits"),
}
HELP = {
    "reasons": _("Repris tel quel dans la requête."),
    "proposal": _("Facultatif : modalités particulières de la proposition."),
    "circumstances": _("Revenus, composition du ménage, succession, santé…"),
}


def petition_form_class(kind: str, assets) -> type[forms.Form]:
    fields: dict[str, forms.Field] = {}
    for spec in FIELDS[kind]:
        label, help_text = LABELS[spec.name], HELP.get(spec.name, "")
        common = {"label": label, "required": spec.required, "help_text": help_text}
        if spec.type == "text":
            fields[spec.name] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, **common
            )
        elif spec.type == "line":
            fields[spec.name] = forms.CharField(max_length=200, **common)
        elif spec.type == "amount":
            fields[spec.name] = MoneyField(**common)
        elif spec.type == "date":
            fields[spec.name] = date_field(label, required=spec.required)
        elif spec.type == "ground":
            fields[spec.name] = forms.ChoiceField(
                choices=RevocationGround.choices, widget=forms.RadioSelect, **common
            )
        elif spec.type == "asset":
            choices = [("", _("— Choisir le bien —"))]
            choices += [(str(a.pk), str(a)) for a in assets]
            fields[spec.name] = forms.ChoiceField(choices=choices, **common)
    return type("PetitionForm", (forms.Form,), fields)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision du tribunal"), choices=Decision.choices, widget=forms.RadioSelect
    )
    decision_date = date_field(_("Décision du"), required=True)
    decision_reference = forms.CharField(label=_("Référence de la décision"), max_length=100)


class PaymentForm(forms.Form):
    value_date = date_field(_("Payé le"), required=True)
