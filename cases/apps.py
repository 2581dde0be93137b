from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Dossiers")

    def ready(self):
        from . import selectors  # models are ready only now

        case_views.register_case_access(
            get_for_user=selectors.case_get_for_user,
            can_edit=selectors.can_edit_case,
            context=selectors.case_page_context,
        )
        case_views.register_tab(
            key="overview", label=_("Aperçu"), url_name="cases:detail", order=10
        )
        # The supervisor's overview: its "over 7 years" count is the plans app's (the start
        # of the seven years is the plan's rule, plans.selectors.over_seven_years); higher
        # apps add theirs (plan arrears, low balances, overdue reports).
