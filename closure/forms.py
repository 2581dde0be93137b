"""The closure page's forms: parsing only; the rules are ``closure.services``'."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field
from letters.models import CLOSURE_KINDS, LetterKind

from .services import CloseData, ClosureLettersData


def _helper(layout=None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


class CloseForm(forms.Form):
    decision_date = date_field(_("Date de la décision de clôture"), required=True)
    reason = forms.CharField(
        label=_("Motif de la clôture malgré une liste incomplète"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Seulement si des points de la liste restent ouverts (par exemple : solde "
            "insignifiant laissé sur le compte, décision du tribunal). Repris dans l'historique "
            "des statuts."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout(Row(Column("decision_date", css_class="col-md-4")), "reason"))

    def to_data(self) -> CloseData:
        c = self.cleaned_data
        return CloseData(decision_date=c.get("decision_date"), reason=c.get("reason") or "")


class ClosureLettersForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Courriers à envoyer"),
        choices=[(kind, LetterKind(kind).label) for kind in CLOSURE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un courrier.")},
    )
    sent_on = date_field(_("Date d'envoi"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout("kinds", Row(Column("sent_on", css_class="col-md-4"))))

    def to_data(self) -> ClosureLettersData:
        c = self.cleaned_data
        return ClosureLettersData(kinds=list(c.get("kinds") or []), sent_on=c.get("sent_on"))
