"""Letter forms (crispy-forms, Bootstrap 5). They only parse input: the rules (the text and its
fields, addressees, postage, dates) are checked by ``letters.services``. The subject and the
body are the targets of the editor's field menu (``data-field-target``,
``static/js/letter_editor.js``)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field
from core.forms import MoneyField

from .models import LetterKind, LetterTemplate, TemplateLanguage
from .placeholders import AddresseeData
from .services import TemplateData


def _helper(layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


FIELD_TARGET = {"data-field-target": "", "spellcheck": "true"}
TEXT_HELP = _(
    "Insérez les champs avec le menu « Champs à insérer » : ils s'écrivent entre crochets, "
    "[requerant]. Un passage entre << et >> est omis quand un de ses champs est vide."
)


class LetterTemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de courrier"), choices=LetterKind.choices)
    name = forms.CharField(label=_("Nom du modèle"), max_length=120)
    language = forms.ChoiceField(
        label=_("Langue du modèle"),
        choices=TemplateLanguage.choices,
        initial=TemplateLanguage.FR,
        required=False,  # French when not given
        help_text=_(
            "Les courriers d'un dossier néerlandophone sont rédigés par défaut avec les modèles "
            "en néerlandais."
        ),
    )
    subject = forms.CharField(
        label=_("Objet"), max_length=255, widget=forms.TextInput(attrs=FIELD_TARGET)
    )
    body = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 22, **FIELD_TARGET}),
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
            Layout(
                Row(Column("kind"), Column("name"), Column("language")),
                "subject",
                "body",
                "registered",
            )
        )

    @staticmethod
    def initial_from(template: LetterTemplate) -> dict:
        return {
            "kind": template.kind,
            "name": template.name,
            "subject": template.subject,
            "body": template.body,
            "registered": template.registered,
            "language": template.language,
        }

    def raw_data(self) -> TemplateData:
        """What was typed, read as far as possible: the service's checks of a form that could
        not read every field (every error at once)."""
        raw = self.data
        return TemplateData(
            kind=raw.get("kind", ""),
            name=raw.get("name", ""),
            subject=raw.get("subject", ""),
            body=raw.get("body", ""),
            registered=bool(raw.get("registered")),
            language=raw.get("language") or TemplateLanguage.FR,
        )

    def to_data(self) -> TemplateData:
        data = self.cleaned_data
        return TemplateData(
            kind=data["kind"],
            name=data["name"],
            subject=data["subject"],
            body=data["body"],
            registered=data["registered"],
            language=data["language"] or TemplateLanguage.FR,
        )


class ComposeForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Modèle"), queryset=LetterTemplate.objects.none(), required=False
    )
    addressees = forms.MultipleChoiceField(
        label=_("Destinataires"), widget=forms.CheckboxSelectMultiple, required=False
    )
    subject = forms.CharField(
        label=_("Objet"), max_length=255, widget=forms.TextInput(attrs=FIELD_TARGET)
    )
    body = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 20, **FIELD_TARGET}),
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
        # Crispy prints a help text as HTML: this one holds "<<" and ">>".
        self.fields["body"].help_text = escape(TEXT_HELP)
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


class LivePreviewForm(forms.Form):
    """What the editor's live preview posts (htmx): the text as typed, the date of the letter
    and, on the template page, the case to preview it over. A date it cannot read is today."""

    subject = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)
    sent_on = date_field(_("Date d'envoi"), required=False)
    preview_case = forms.IntegerField(required=False, min_value=1)
    # the language of the court's name: the template page's « Langue du modèle »; the compose
    # page's template (its pk, read by the view)
    language = forms.ChoiceField(choices=TemplateLanguage.choices, required=False)
    template = forms.IntegerField(required=False, min_value=1)
