from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views
from core.legal_data import register_legal_data
from fees.loading import LEGAL_DATA
from ledger import registry as ledger_registry


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = _("Honoraires")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        from agenda.registry import register_duty_kind

        from . import duties, selectors  # models are ready only now

        case_views.register_tab(
            key="fees", label=_("Honoraires"), url_name="fees:case_services", order=80
        )
        # A fee payment may not exceed what the court taxed and is still unpaid (fees.md §8).
        ledger_registry.register_fee_payment_ceiling(selectors.taxed_unpaid_amount)
        # The tariff rows and legal amounts are shipped by release migrations; the check
        # fees.W001/W002 (manage.py check --database default) compares them with the files.
        register_legal_data(LEGAL_DATA)
        # The JustRestart fee, the taxation order awaited, the draft of the year ended.
        for kind in duties.KINDS:
            register_duty_kind(kind)
        # A filed statement's title in the reader's language on screens (issue 16).
        from documents.models import DocumentKind
        from documents.registry import register_title_messages

        from .services import statements

        register_title_messages(DocumentKind.TAXATION_STATEMENT, statements.title_messages())
        # A long statement's PDF is made in the background (issue 15).
        from documents.registry import register_pdf_job

        from .services import pdf_jobs

        for job_kind in pdf_jobs.KINDS:
            register_pdf_job(job_kind)
