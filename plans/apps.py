from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from agenda.registry import register_duty_kind
from cases.registry import register_status_check
from core import case_views


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans de règlement")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        case_views.register_tab(key="plan", label=_("Plan"), url_name="plans:case_plan", order=50)
        from . import clocks, conversion  # models are ready only now

        # No homologation nor judicial plan without a plan of that kind (issue 17).
        register_status_check(key="plans", check=conversion.status_check)

        # The plan's clocks in the agenda: amicable phase, missed instalments, end, 7 years.
        for kind in clocks.DUTY_KINDS:
            register_duty_kind(kind)
