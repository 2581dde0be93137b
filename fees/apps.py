from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views
from ledger import registry as ledger_registry


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = _("Honoraires")

    def ready(self):
        from . import selectors  # models are ready only now

        case_views.register_tab(
            key="fees", label=_("Honoraires"), url_name="fees:case_services", order=80
        )
        # A fee payment may not exceed what the court taxed and is still unpaid (fees.md §8).
        ledger_registry.register_fee_payment_ceiling(selectors.taxed_unpaid_amount)
