"""Demo data is for development and demonstrations only: every ``seed_demo*`` command starts
with :func:`refuse_in_production` (its well-known passwords must never reach real data)."""

import os

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def in_production() -> bool:
    environment = os.environ.get("DJANGO_ENV", "").strip().lower()
    return environment == "production" or bool(getattr(settings, "PRODUCTION", False))


def refuse_in_production() -> None:
    if in_production():
        raise CommandError(
            _(
                "Les données de démonstration ne peuvent pas être chargées en production "
                "(DJANGO_ENV=production) : leurs mots de passe sont publics."
            )
        )
