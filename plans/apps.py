from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from agenda.registry import register_duty_kind
from core import case_views


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans de règlement")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        case_views.register_tab(key="plan", label=_("Plan"), url_name="plans:case_plan", order=50)
        from . import clocks  # models are ready only now

        # The plan's clocks in the agenda: amicable phase, missed instalments, end, 7 years.
        for kind in clocks.DUTY_KINDS:
            register_duty_kind(kind)
