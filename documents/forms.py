from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DATE_FORMAT

from .models import FILEABLE_KINDS, DocumentKind
from .selectors import AWAITING_TAXATION, TAXED

DATE_WIDGET = forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "jj/mm/aaaa"})


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    file = forms.FileField(
        label=_("Fichier PDF"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ClerkFilterForm(forms.Form):
    """The clerk's filters (issue 16, "Clerk"): the period of filing, the kind, the case (an
    R.G. number or a reference), the taxation of fee statements."""

    filed_from = forms.DateField(label=_("Déposé du"), required=False, widget=DATE_WIDGET)
    filed_to = forms.DateField(label=_("au"), required=False, widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    case = forms.CharField(
        label=_("N° de rôle (R.G.) ou référence"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "22/2610/B"}),
    )
    taxation = forms.ChoiceField(
        label=_("Taxation"),
        required=False,
        choices=[
            ("", _("Toutes")),
            (AWAITING_TAXATION, _("États de frais en attente de taxation")),
            (TAXED, _("États de frais taxés")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tous"))] + [
            (value, label) for value, label in DocumentKind.choices if value in FILEABLE_KINDS
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("filed_from"), data.get("filed_to")
        if start and end and end < start:
            self.add_error("filed_to", _("La fin de la période précède son début."))
        return data
