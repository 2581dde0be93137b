"""fr-BE / nl-BE display helpers.

``{{ amount|eur }}`` -> 1.234,56 €, ``{{ d|dmy }}`` -> 15/06/2023, ``{{ t|dmy_hm }}`` ->
15/06/2023 14:30, ``{{ p|phrase }}`` -> an engine's phrase in the active language
(``core.translate``) (``core.dates``, the one way a date is shown: no template writes
``|date:"d/m/Y"``). Like Django's ``|date``, an aware datetime is shown in the current time zone.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

from core.dates import format_date, format_datetime
from core.money import format_eur
from core.translate import localize

register = template.Library()


@register.filter
def eur(value):
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    return format_eur(amount, get_language() or "fr")


@register.filter
def phrase(value):
    """An engine's phrase (``core.phrases``) in the active language: ``{{ line|phrase }}``."""
    return localize(value)


@register.filter(expects_localtime=True)
def dmy(value):
    return format_date(value)


@register.filter(expects_localtime=True)
def dmy_hm(value):
    return format_datetime(value)


@register.simple_tag(takes_context=True)
def sort_link(context, key):
    """Query string toggling the sort on ``key``, keeping the current filters."""
    request = context["request"]
    params = request.GET.copy()
    current = params.get("sort", "")
    params["sort"] = f"-{key}" if current == key else key
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def page_link(context, number):
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()
