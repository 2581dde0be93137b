from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from agenda.registry import register_duty_kind
from cases.registry import register_supervisor_count
from core import case_views
from documents.registry import register_filing_checker, register_pdf_job, register_title_messages


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Rapports annuels")

    def ready(self):
        from documents.models import DocumentKind

        from . import (
            clocks,
            court_checks,
            drafts,
            due,
            pdf_jobs,
            services,
        )  # models are ready only now

        # A report's title in the reader's language on screens (issue 16).
        register_title_messages(
            DocumentKind.ANNUAL_REPORT,
            [
                (services.REPORT_TITLE, {}),
                (services.FINAL_REPORT_TITLE, {}),
                (drafts.DRAFT_TITLE, {}),
            ],
        )

        # A long report's PDF is made in the background (issue 15).
        for job_kind in pdf_jobs.KINDS:
            register_pdf_job(job_kind)

        # What is checked before a plan, a fee statement or a report goes to court (the plans
        # and fees apps file through documents.registry, below this app).
        register_filing_checker(court_checks.filing_check)

        # The annual report's clock in the agenda (duty kind ``annual_report_due``).
        register_duty_kind(clocks.DUTY_KIND)
        # The reports due and overdue: on the case overview, and on the supervisor's overview
        # (which belongs to ``cases``, below this app: cases.registry).
        case_views.register_overview_section(
            key="annual_reports",
            template="reports/_case_section.html",
            context=lambda case, today: {"case_reports_due": due.case_reports_due(case, today)},
            order=30,
        )

        # The supervisor's overview (``cases``, below this app: cases.registry): the overdue
        # reports per mediator, one aggregate query; the full list is the reports due page.
        register_supervisor_count(
            key="overdue_reports",
            label=_("Rapports en retard"),
            help=_("Dossiers dont un rapport annuel est en retard"),
            matching=due.cases_with_overdue_reports,
            order=30,
        )
