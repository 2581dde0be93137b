from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = _("Clôture")

    def ready(self):
        case_views.register_tab(
            key="closure", label=_("Clôture"), url_name="closure:case_closure", order=95
        )
