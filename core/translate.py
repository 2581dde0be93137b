"""Rendering an engine's :mod:`core.phrases` with Django's catalogues (issue 16).

``localize(value)`` writes a phrase in the active language: the reader's on a screen, the
procedure's inside ``translation.override(procedure_language(division))`` for a court document.
``localize_stored(data, fallback)`` does it for a phrase stored as JSON, and falls back to the
French text stored beside it for rows written before phrases were kept (or unreadable JSON).
"""

from typing import Any

from django.utils import translation

from core.phrases import Translator, from_json, render


def _active() -> Translator:
    return Translator(
        gettext=translation.gettext,
        ngettext=translation.ngettext,
        language=translation.get_language() or "fr",
    )


def localize(value: Any) -> str:
    return render(value, _active())


def localize_stored(data: Any, fallback: str) -> str:
    if not data:
        return fallback
    try:
        return render(from_json(data), _active())
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return fallback
