from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        case_views.register_tab(
            key="documents", label=_("Documents"), url_name="documents:case_documents", order=90
        )
        from agenda import registry as agenda_registry  # models are ready only now

        from . import services

        # old background PDFs are removed after each daily run (settings.PDF_JOB_KEEP_DAYS)
        agenda_registry.register_after_run(services.purge_after_daily_run)
