"""What the template language does to a value, for the table rows written in Python (issue 15:
``claims_ui``, ``fees_ui``, ``ledger_ui``): the same output as the template tags and filters
they replace, with the same escaping. One definition for every app's rows."""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.translation import get_language, gettext

from core.money import format_eur


def text(value) -> str:
    """``{{ value }}``: localised, then escaped."""
    if type(value) is str:
        return escape(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what ``localize`` writes of an integer without grouping
    return str(conditional_escape(str(localize(value))))


def translated(message: str) -> str:
    """``{% translate message %}`` of a message without a percent sign: translated, then
    escaped. Callers name it ``_translate``, ``_translated`` or ``_t``, which makemessages reads
    as gettext keywords (core/management/commands/makemessages.py)."""
    return str(conditional_escape(gettext(message)))


def eur(value) -> str:
    """``{{ value|eur }}``: an amount in the active language, escaped; nothing for none."""
    if value is None or value == "":
        return ""
    return text(format_eur(Decimal(str(value)), get_language() or "fr"))


_STAND_IN = 987654321  # a number no row has: its place in the reversed URL


def url_of_rows(viewname: str, *args):
    """``pk -> reverse(viewname, args=[*args, pk])`` for every row of a table, the URL reversed
    once with a stand-in number (a reverse a row costs more than the row's markup, issue 15);
    a plain ``reverse`` a row if the stand-in cannot be told apart in the URL."""
    url = reverse(viewname, args=[*args, _STAND_IN])
    if url.count(str(_STAND_IN)) != 1:
        return lambda pk: reverse(viewname, args=[*args, pk])
    before, after = url.split(str(_STAND_IN))
    return lambda pk: f"{before}{int(pk)}{after}"
