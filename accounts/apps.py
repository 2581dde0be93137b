from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisations et utilisateurs")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_started

        def start_session_clock(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                session_started(request)

        user_logged_in.connect(start_session_clock, dispatch_uid="accounts.session_started")
