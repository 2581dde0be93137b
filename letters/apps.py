from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Courriers")

    def ready(self):
        case_views.register_tab(
            key="letters", label=_("Courriers"), url_name="letters:case_letters", order=70
        )
