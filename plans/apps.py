from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from agenda.registry import register_duty_kind
from cases.registry import register_status_check, register_supervisor_count
from core import case_views
from documents.registry import register_title_messages


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans de règlement")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        case_views.register_tab(key="plan", label=_("Plan"), url_name="plans:case_plan", order=50)
        from documents.models import DocumentKind

        from . import clocks, conversion, selectors, services  # models are ready only now

        # A filed plan's title in the reader's language on screens (issue 16).
        register_title_messages(DocumentKind.PLAN, services.title_messages())

        # No homologation nor judicial plan without a plan of that kind (issue 17).
        register_status_check(key="plans", check=conversion.status_check)

        # The plan's clocks in the agenda: amicable phase, missed instalments, end, 7 years.
        for kind in clocks.DUTY_KINDS:
            register_duty_kind(kind)
        # The supervisor's overview (``cases``, below this app: cases.registry).
        register_supervisor_count(
            key="plan_arrears",
            label=_("Retards du plan"),
            help=_("Dossiers dont une échéance du plan est manquée et pas encore rattrapée"),
            matching=clocks.cases_in_arrears,
            order=10,
        )
        # Running cases whose seven years are over, counted from the start the plan's rule
        # sets (docs/plan-rules.md, 6): the key and its list (?flag=over_seven_years) as they
        # were when the count was the cases app's.
        register_supervisor_count(
            key="over_seven_years",
            label=_("Plus de 7 ans"),
            help=_(
                "Dossiers en cours depuis plus de 7 ans (depuis la décision d'admissibilité, "
                "ou le jugement d'un plan judiciaire)"
            ),
            matching=selectors.over_seven_years,
            order=90,
        )
