from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankingConfig(AppConfig):
    name = "banking"
    verbose_name = _("Extraits bancaires et paiements SEPA")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        from . import clocks  # models are ready only now

        clocks.register()
