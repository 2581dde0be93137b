from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Socle")

    def ready(self):
        from core import choice_guard, perf

        perf.install()
        perf.freeze_after_first_request()
        choice_guard.install()
