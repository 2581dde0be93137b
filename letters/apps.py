from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Courriers")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        from accounts.services import on_organisation_created  # models are ready only now

        from .services import letter_templates_ensure_defaults

        case_views.register_tab(
            key="letters", label=_("Courriers"), url_name="letters:case_letters", order=70
        )
        # accounts is a lower layer than letters: it calls back, it does not import letters.
        on_organisation_created(letter_templates_ensure_defaults)
