"""Model fields shared by the apps.

``MoneyField`` is THE model field of a euro amount (``numeric(12, 2)``: ``core.money.MAX_DIGITS``
digits, two of them decimals), in every app: one maximum, ``core.money.MAX_AMOUNT``, whatever
the app. Its form-side twin is ``core.forms.MoneyField`` (the amount typed the Belgian way),
whose ceiling is the same constant; the two share a name like Django's ``models.DecimalField``
and ``forms.DecimalField``, the module telling them apart.

Only euro amounts with two decimals use it: rates, kilometres, quantities and tariff amounts
with four decimals stay ``models.DecimalField`` with their own precision.

``deconstruct`` gives a plain ``models.DecimalField(max_digits=12, decimal_places=2)``: the
migrations do not depend on this module, and a column that already was ``numeric(12, 2)``
gets no migration at all when its model switches to this field (on SQLite an ``AlterField``
remakes the table and drops its triggers: the ledger's and the fees' must not be touched).

``EncryptedCharField`` stores a short text encrypted at rest (``core.crypto``).
"""

from django.core.exceptions import FieldError
from django.db import models

from core.crypto import decrypt, encrypt
from core.money import DECIMAL_PLACES, MAX_DIGITS


class MoneyField(models.DecimalField):
    """A euro amount: ``MAX_DIGITS`` digits, ``DECIMAL_PLACES`` decimals, never other ones."""

    def __init__(self, *args, **kwargs):
        # Given back by deconstruct() (Field.clone, migrations): accepted when they are the rule.
        max_digits = kwargs.setdefault("max_digits", MAX_DIGITS)
        decimal_places = kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        if (max_digits, decimal_places) != (MAX_DIGITS, DECIMAL_PLACES):
            raise ValueError(
                f"MoneyField is numeric({MAX_DIGITS}, {DECIMAL_PLACES}) in every app, "
                f"not numeric({max_digits}, {decimal_places})"
            )
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class EncryptedCharField(models.CharField):
    """A short text stored encrypted (``core.crypto``: a Fernet token in a ``text`` column) and
    read back in clear. ``max_length`` and the validators apply to the clear text.

    A token differs at each encryption: the column cannot be searched. Only ``isnull`` is
    allowed as a lookup; an exact search goes through a keyed-hash column kept next to it
    (``core.crypto.keyed_hash``)."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted: search it through its keyed hash, not '{lookup_name}'."
            )
        return super().get_lookup(lookup_name)
