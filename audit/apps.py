from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Journal d'audit")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import services

        # Logins are recorded, not acted upon (no business rule rides on these signals).
        user_logged_in.connect(services.record_login, dispatch_uid="audit.login")
        user_logged_out.connect(services.record_logout, dispatch_uid="audit.logout")
        user_login_failed.connect(services.record_login_failure, dispatch_uid="audit.login_failed")
