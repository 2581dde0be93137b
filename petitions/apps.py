from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views
from documents.registry import register_title_messages


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Requêtes au tribunal")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        from documents.models import DocumentKind

        from .models import PetitionKind  # models are ready only now

        # A filed request's title (its kind, and the asset's description for a sale) in the
        # reader's language on screens (issue 16; petitions.services.filing_title).
        kinds = {"kind": [kind.label for kind in PetitionKind]}
        messages = [("%(kind)s", kinds), ("%(kind)s — %(asset)s", kinds)]
        register_title_messages(DocumentKind.FAILURE_REPORT, messages)
        register_title_messages(DocumentKind.PETITION, messages)
        case_views.register_tab(
            key="petitions", label=_("Requêtes"), url_name="petitions:case_petitions", order=55
        )
