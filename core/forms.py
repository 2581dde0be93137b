"""Form fields shared by the modules.

One rule for every amount typed in the application (claims, journal, payments, budget, plans,
postage): the fr-BE way first (1.234,56 — 1 234,56 € — 1234,56), a plain decimal point accepted
(1234.56), dots as thousands separators when there are several groups (1.234.567). A single dot
followed by exactly three digits (10.005, 2.000) is ambiguous — ten thousand and five euros
with a Belgian thousands separator, or ten euros with three decimals — and is refused with the
two unambiguous spellings rather than guessed: an amount in a court's accounts is not a guess.
Sign and the number of decimals are checked by the services, whose messages are the ones shown.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from core.money import MAX_AMOUNT, format_eur

MAX_TYPED = 32


class AmbiguousAmount(ValueError):
    """'10.005': thousands separator or three decimals? Refused, never guessed."""


def parse_amount(value: str) -> Decimal:
    """'1.234,56', '1234,56', '1 234,56 €', '1234.56', '1.234.567' -> Decimal. The decimals are
    kept as typed and so is the sign (the services refuse what their rule refuses). Raises
    :class:`AmbiguousAmount` for '10.005' and ``InvalidOperation`` for what is not an amount."""
    text = re.sub(r"[\s\u00a0\u202f€]", "", value or "")
    if "," in text:  # fr-BE: dot thousands, comma decimals
        if not re.fullmatch(r"[-+]?(\d{1,3}(\.\d{3})+|\d+),\d*", text):
            raise InvalidOperation(value)
        text = text.replace(".", "").replace(",", ".").rstrip(".")
    elif re.fullmatch(r"[-+]?\d{1,3}\.\d{3}", text):
        raise AmbiguousAmount(value)
    elif re.fullmatch(r"[-+]?[1-9]\d{0,2}(\.\d{3}){2,}", text):
        text = text.replace(".", "")  # 1.234.567: thousands separators
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        raise InvalidOperation(value)
    return Decimal(text)


def ambiguous_amount_message(value: str) -> str:
    """'10.005' refused with both readings, each written with at most two decimals: ten thousand
    and five euros (10005,00), or about ten euros (10,00 or 10,01; never '10,005', which has
    three decimals)."""
    whole, _dot, part = value.partition(".")
    sign = "-" if whole.startswith("-") else ""
    thousands = Decimal(f"{whole}{part}")
    params = {
        "value": value,
        "thousands": f"{whole}{part},00",
        "thousands_eur": format_eur(thousands),
    }
    if part.endswith("0"):  # 2.000, 10.050: the decimal reading is exact with two decimals
        reading = Decimal(f"{whole}.{part[:2]}")
        params.update(decimals=f"{whole},{part[:2]}", decimals_eur=format_eur(reading))
        return (
            _(
                "« %(value)s » est ambigu : écrivez %(thousands)s pour %(thousands_eur)s, ou "
                "%(decimals)s pour %(decimals_eur)s."
            )
            % params
        )
    low = Decimal(f"{whole}.{part[:2]}")
    high = low + (Decimal("-0.01") if sign else Decimal("0.01"))
    params.update(
        low=f"{low:.2f}".replace(".", ","),
        high=f"{high:.2f}".replace(".", ","),
        about=format_eur(low),
    )
    return (
        _(
            "« %(value)s » est ambigu : écrivez %(thousands)s pour %(thousands_eur)s, ou, pour "
            "environ %(about)s, %(low)s ou %(high)s (un montant a au plus deux décimales)."
        )
        % params
    )


class MoneyField(forms.CharField):
    """An amount typed the Belgian way (see the module's docstring). Only an unreadable or
    ambiguous text is refused here."""

    default_error_messages = {
        "required": _("Le montant est obligatoire (en euros, par exemple 1.234,56)."),
    }

    # The model field's maximum (core.fields.MoneyField, the same in every app): a larger amount
    # would overflow the database column, so it is refused here with a message, not by a server
    # error.
    ceiling = MAX_AMOUNT

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "0,00"}))
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "maxlength": MAX_TYPED}

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            if len(value) > MAX_TYPED:
                raise InvalidOperation(value)
            amount = parse_amount(value)
        except AmbiguousAmount:
            raise forms.ValidationError(
                ambiguous_amount_message(value.strip()), code="ambiguous"
            ) from None
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(
                _("« %(value)s » n'est pas un montant : écrivez par exemple 1.234,56."),
                params={"value": value[:MAX_TYPED]},
                code="invalid",
            ) from None
        if abs(amount) > self.ceiling:
            raise forms.ValidationError(
                _("Le montant dépasse le maximum admis (%(max)s)."),
                params={"max": format_eur(self.ceiling)},
                code="max_value",
            )
        return amount


def apply_errors(
    error: ValidationError, *forms_, rename=None, formsets=None, skip_fields_in_error=False
) -> None:
    """Put a service's ``ValidationError`` onto the forms that show it: the one way every app
    shows a service's refusal.

    Each message goes to the first form that has a field of its key, on that field; a message
    for no known field (or raised without a field) goes to the first form's non-field errors.
    ``rename`` maps a service's key to the form's field name when they differ; ``formsets``
    maps a key to a formset whose non-form errors show it (a budget's income lines).
    ``skip_fields_in_error``: a field the form already refused keeps its own message only (the
    service's check of a form that could not read every field: every error at once)."""
    rename = rename or {}
    formsets = formsets or {}
    if hasattr(error, "error_dict"):
        mapping = error.message_dict
    else:
        mapping = {NON_FIELD_ERRORS: error.messages}
    for key, msgs in mapping.items():
        field = rename.get(key, key)
        if field in formsets:
            formset = formsets[field]
            formset._non_form_errors = formset.error_class(
                list(formset.non_form_errors()) + list(msgs)
            )
            continue
        target = next((f for f in forms_ if field in f.fields), forms_[0])
        if skip_fields_in_error and field in target.fields and target.has_error(field):
            continue
        for msg in msgs:
            target.add_error(field if field in target.fields else None, msg)


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices read with one ordinary query. Django's iterator reads them with
    ``QuerySet.iterator()``, a server-side cursor on PostgreSQL: three round trips (declare,
    fetch, close) for a dozen mediators (issue 15)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` for a short list (the mediators of an organisation or a case)."""

    iterator = _ListedChoiceIterator
