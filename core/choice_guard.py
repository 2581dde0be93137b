"""Model choice fields that refuse a number too large for the database instead of crashing.

A posted choice such as ``debtors=99999999999999999999`` reaches the database as the lookup
of a primary key: SQLite raises ``OverflowError`` (PostgreSQL finds no row), which Django's
``ModelChoiceField`` / ``ModelMultipleChoiceField`` do not catch, so the form answered 500
instead of "choose a valid option" (found by ``tests/test_forms_properties.py``, issue 14:
no traceback on any input). Installed from ``CoreConfig.ready`` for every form of the project.
"""

from django import forms
from django.core.exceptions import ValidationError

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    single_to_python = forms.ModelChoiceField.to_python
    many_check = forms.ModelMultipleChoiceField._check_values

    def to_python(self, value):
        try:
            return single_to_python(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def check_values(self, value):
        try:
            return many_check(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": next(iter(value), "")},
            ) from None

    forms.ModelChoiceField.to_python = to_python
    forms.ModelMultipleChoiceField._check_values = check_values
