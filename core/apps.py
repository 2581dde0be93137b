from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Socle")

    def ready(self):
        from celery.signals import worker_process_init

        from core import choice_guard, pdf, perf

        # each Celery worker process loads WeasyPrint when it starts (issue 15)
        worker_process_init.connect(pdf.warm_up_when_enabled, weak=False)

        perf.install()
        perf.freeze_after_first_request()
        choice_guard.install()
