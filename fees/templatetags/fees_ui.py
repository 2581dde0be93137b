"""Display helpers of the fees app: ``{{ line.quantity|qty }}`` -> 12,5 ; ``{{ rate|pct }}``."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def qty(value) -> str:
    """A quantity without useless zeros, decimal comma (12,5 ; 3)."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


@register.filter
def pct(rate) -> str:
    """0.21 -> 21 (a fraction as a percentage, decimal comma)."""
    if rate is None or rate == "":
        return ""
    return qty(Decimal(rate) * 100)


@register.filter
def get_item(mapping, key):
    """``{{ reductions|get_item:line.pk }}``: a dict lookup by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)
