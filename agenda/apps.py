from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda")

    def ready(self):
        case_views.register_tab(
            key="agenda", label=_("Agenda"), url_name="agenda:case_agenda", order=15
        )
        from . import registry, services  # models are ready only now

        # The mediators' daily digest e-mail, sent at the end of each daily run.
        registry.register_after_run(services.send_daily_digests)
