import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
application = get_wsgi_application()

# WeasyPrint loaded when the web process starts, not on its first PDF (issue 15); imported
# once the application (and so Django's apps) is set up.
from core.pdf import warm_up_when_enabled  # noqa: E402

warm_up_when_enabled()
