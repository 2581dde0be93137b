"""Display helpers of the bank screens: ``{{ iban|iban }}`` -> BE71 0961 2345 6769."""

from django import template
from stdnum import iban as std_iban

register = template.Library()


@register.filter
def iban(value):
    if not value:
        return ""
    try:
        return std_iban.format(value)
    except Exception:  # not an IBAN (an old account number): shown as given
        return value
