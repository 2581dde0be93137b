from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from budget.loading import LEGAL_DATA
from cases.registry import register_supervisor_count
from core import case_views
from core.legal_data import register_legal_data


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = _("Budget et pécule de médiation")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        case_views.register_tab(
            key="budget", label=_("Budget et pécule"), url_name="budget:case_budget", order=40
        )
        # The art. 1409 brackets and integration income are shipped by release migrations; the
        # check budget.W001/W002 (manage.py check --database default) compares them with the file.
        register_legal_data(LEGAL_DATA)

        from . import clocks, selectors  # models are ready only now

        # The supervisor's overview (``cases``, below this app: cases.registry).
        register_supervisor_count(
            key="low_balance",
            label=_("Solde insuffisant pour le pécule"),
            help=_("Dossiers dont le compte ne couvre pas le prochain versement du pécule"),
            matching=selectors.cases_short_of_next_allowance,
            order=20,
        )

        clocks.register()
