from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Dossiers")

    def ready(self):
        from . import registry, selectors  # models are ready only now

        case_views.register_case_access(
            get_for_user=selectors.case_get_for_user,
            can_edit=selectors.can_edit_case,
            context=selectors.case_page_context,
        )
        case_views.register_tab(
            key="overview", label=_("Aperçu"), url_name="cases:detail", order=10
        )
        # The supervisor's overview: running cases older than 7 years since designation (law
        # of 26.03.2012). Higher apps add theirs (plan arrears, low balances, overdue reports).
        registry.register_supervisor_count(
            key="over_seven_years",
            label=_("Plus de 7 ans"),
            help=_(
                "Dossiers en cours depuis plus de 7 ans (depuis la décision d'admissibilité, "
                "ou le jugement d'un plan judiciaire)"
            ),
            matching=selectors.over_seven_years,
            order=90,
        )
