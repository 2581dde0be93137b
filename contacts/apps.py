from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import case_views


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Négociations et contacts")

    def ready(self):
        from . import audit_trail  # models are ready only now

        audit_trail.register()
        case_views.register_tab(
            key="contacts", label=_("Négociations"), url_name="contacts:case_contacts", order=60
        )
        from agenda.registry import register_agenda_source

        from . import selectors  # models are ready only now

        # The open follow-ups are items of the mediator's agenda too.
        register_agenda_source(
            "contacts.follow_ups",
            selectors.agenda_follow_ups,
            count=selectors.agenda_follow_ups_count,
        )

        # The negotiations card of the case overview.
        case_views.register_overview_section(
            key="contacts",
            template="contacts/_case_summary.html",
            context=lambda case, today: {
                "contacts_summary": selectors.case_contacts_summary(case, today)
            },
            order=10,
        )
