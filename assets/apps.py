from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from claims import registry as claims_registry
from core import case_views


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = _("Patrimoine")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        from . import secured  # models are ready only now

        claims_registry.register_secured_assets(secured.PROVIDER)
        case_views.register_tab(
            key="assets", label=_("Patrimoine"), url_name="assets:case_assets", order=45
        )
