"""Form fields shared by the modules."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _


def parse_amount(value: str) -> Decimal:
    """'1.234,56', '1234,56', '1 234,56 €' or '1234.56' -> Decimal('1234.56'). The number of
    decimals is kept as typed: the service refuses more than two."""
    text = re.sub(r"[\s\u00a0\u202f€]", "", value or "")
    if "," in text:  # fr-BE: dot thousands, comma decimals
        if not re.fullmatch(r"-?(\d{1,3}(\.\d{3})+|\d+),\d*", text):
            raise InvalidOperation(value)
        text = text.replace(".", "").replace(",", ".").rstrip(".")
    elif re.fullmatch(r"-?[1-9]\d{0,2}(\.\d{3})+", text):
        text = text.replace(".", "")  # 1.234 or 1.234.567: thousands separators
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise InvalidOperation(value)
    return Decimal(text)


class MoneyField(forms.Field):
    """An amount typed the Belgian way. Sign and decimals are checked by the service, whose
    messages are the ones shown (field-keyed)."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "maxlength": "32"}

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if len(value) > 32:
            raise forms.ValidationError(_("Saisissez un montant, par exemple 1.234,56."))
        try:
            return parse_amount(value)
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(
                _("Saisissez un montant, par exemple 1.234,56."), code="invalid"
            ) from None
