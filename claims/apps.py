from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Créanciers et créances")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        from . import clocks  # models are ready only now

        clocks.register()
        case_views.register_tab(
            key="claims", label=_("Créances"), url_name="claims:case_claims", order=20
        )
