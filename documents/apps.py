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
