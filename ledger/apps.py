from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Compte de médiation")

    def ready(self):
        case_views.register_tab(
            key="account", label=_("Compte de médiation"), url_name="ledger:journal", order=30
        )
