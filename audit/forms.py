from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditAction


class AuditFilterForm(forms.Form):
    case = forms.CharField(label=_("Dossier"), required=False, max_length=64)
    actor = forms.TypedChoiceField(label=_("Utilisateur"), required=False, coerce=int)
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Tous"))] + [
            (member.pk, member.get_full_name() or member.username) for member in members
        ]
        self.fields["action"].choices = [("", _("Toutes"))] + list(AuditAction.choices)
