from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    name = "bundles"
    verbose_name = _("Échange de dossiers (rcd-case-bundle/1)")
