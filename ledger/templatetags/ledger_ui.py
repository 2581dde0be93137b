"""Display helpers of the mediation account: ``{{ iban|iban }}`` -> BE71 0961 2345 6769."""

from django import template

from ledger.exports import iban_display

register = template.Library()


@register.filter
def iban(value):
    return iban_display(value or "")
