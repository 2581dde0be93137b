from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Courriers")

    def ready(self):
        # accounts is a lower layer than letters: it calls back, it does not import letters.
        from accounts.services import on_organisation_created

        from .services import letter_templates_ensure_defaults

        on_organisation_created(letter_templates_ensure_defaults)
