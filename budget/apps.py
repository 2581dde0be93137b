from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = _("Budget et pécule de médiation")

    def ready(self):
        case_views.register_tab(
            key="budget", label=_("Budget et pécule"), url_name="budget:case_budget", order=40
        )
