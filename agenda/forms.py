from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.models import Case


class AgendaFilterForm(forms.Form):
    """The agenda's filters (GET): a period, a case, a mediator (supervisors and
    administrators). The choices are the user's own scope: nothing else can be picked."""

    periode = forms.ChoiceField(
        label=_("Période"),
        required=False,
        choices=[
            ("", _("Tout")),
            ("retard", _("En retard")),
            ("aujourdhui", _("Aujourd'hui")),
            ("semaine", _("7 prochains jours")),
        ],
    )
    dossier = forms.ModelChoiceField(
        label=_("Dossier"), required=False, queryset=Case.objects.none(), empty_label=_("Tous")
    )
    mediateur = forms.ModelChoiceField(
        label=_("Médiateur"), required=False, queryset=User.objects.none(), empty_label=_("Tous")
    )

    def __init__(self, data, *, cases, mediators=None):
        super().__init__(data)
        # the references only: a mediator's select lists every case of theirs (issue 15)
        self.fields["dossier"].queryset = cases.order_by("reference").only("pk", "reference")
        self.fields["dossier"].label_from_instance = lambda case: case.reference
        if mediators is None:
            del self.fields["mediateur"]
        else:
            self.fields["mediateur"].queryset = mediators
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
