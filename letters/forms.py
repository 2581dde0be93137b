"""Letter forms (crispy-forms, Bootstrap 5). They only parse input: the rules (placeholders,
addressees, postage, dates) are checked by ``letters.services``."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field
from core.forms import MoneyField

from .models import LetterKind, LetterTemplate
from .placeholders import AddresseeData
from .services import TemplateData


def _helper(layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


class LetterTemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de courrier"), choices=LetterKind.choices)
    name = forms.CharField(label=_("Nom du modèle"), max_length=120)
    subject = forms.CharField(label=_("Objet"), max_length=255)
    body = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 22, "class": "font-monospace small"}),
        help_text=_(
            "Commencez par la formule d'appel et terminez par la formule de politesse : l'en-tête, "
            "l'adresse, les références, le lieu et la date et la signature sont ajoutés "
            "automatiquement."
        ),
    )
    registered = forms.BooleanField(label=_("Recommandé par défaut"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(Row(Column("kind"), Column("name")), "subject", "body", "registered")
        )

    @staticmethod
    def initial_from(template: LetterTemplate) -> dict:
        return {
            "kind": template.kind,
            "name": template.name,
            "subject": template.subject,
            "body": template.body,
            "registered": template.registered,
        }

    def to_data(self) -> TemplateData:
        data = self.cleaned_data
        return TemplateData(
            kind=data["kind"],
            name=data["name"],
            subject=data["subject"],
            body=data["body"],
            registered=data["registered"],
        )


class ComposeForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Modèle"), queryset=LetterTemplate.objects.none(), required=False
    )
    addressees = forms.MultipleChoiceField(
        label=_("Destinataires"), widget=forms.CheckboxSelectMultiple, required=False
    )
    subject = forms.CharField(label=_("Objet"), max_length=255)
    body = forms.CharField(
        label=_("Texte"), widget=forms.Textarea(attrs={"rows": 20, "class": "small"})
    )
    registered = forms.BooleanField(label=_("Envoi recommandé"), required=False)
    postage = MoneyField(
        label=_("Port recommandé par lettre (€)"),
        required=False,
        help_text=_("Le port d'UNE lettre ; il est compté pour chaque destinataire."),
    )
    sent_on = date_field(_("Date d'envoi"), required=True)

    def __init__(
        self,
        *args,
        templates,
        options: list[AddresseeData],
        **kwargs,
    ):
        kwargs.setdefault("initial", {}).setdefault("sent_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].widget = forms.HiddenInput()
        self.fields["addressees"].choices = [(o.key, o.name) for o in options]
        self.helper = _helper(
            Layout(
                "template",
                "subject",
                "body",
                Row(Column("registered"), Column("postage"), Column("sent_on")),
            )
        )
