from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans de règlement")

    def ready(self):
        case_views.register_tab(key="plan", label=_("Plan"), url_name="plans:case_plan", order=50)
