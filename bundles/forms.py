from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class BundleUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du dossier (JSON, rcd-case-bundle/1)"),
        help_text=_("Un dossier exporté par cette application ou un autre outil."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale (%(n)s Mo).") % {"n": limit // 2**20}
            )
        return upload
