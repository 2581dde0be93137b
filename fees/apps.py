from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = _("Honoraires")

    def ready(self):
        from core.legal_data import register_legal_data
        from fees.loading import LEGAL_DATA

        # The tariff rows and legal amounts are shipped by release migrations; the check
        # fees.W001/W002 (manage.py check --database default) compares them with the files.
        register_legal_data(LEGAL_DATA)
