import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """WeasyPrint loaded when the worker starts, not on its first PDF (core.pdf.warm_up)."""
    from django.conf import settings

    if settings.PDF_WARM_UP:
        from core.pdf import warm_up

        warm_up()


_warm_up()
