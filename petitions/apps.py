from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Requêtes au tribunal")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        case_views.register_tab(
            key="petitions", label=_("Requêtes"), url_name="petitions:case_petitions", order=55
        )
