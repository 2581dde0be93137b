"""fr-BE / nl-BE display helpers.

``{{ amount|eur }}`` -> 1.234,56 €, ``{{ d|dmy }}`` -> 15/06/2023.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

from core.money import format_eur

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
def dmy(value):
    if not value:
        return ""
    return value.strftime("%d/%m/%Y")


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
