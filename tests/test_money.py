"""One home for money (``core.money``, ``core.fields``): every euro amount of every app is the
same model field with the same maximum, and the form field refuses what the column could not
hold; the budget, which allowed 10 digits where the ledger allowed 12, now allows the same."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from budget.forms import AllowanceForm, IncomeLineForm
from budget.models import BudgetVersion
from budget.services import BudgetData, IncomeData, budget_version_create
from core import fields, forms
from core.money import CENT, DECIMAL_PLACES, MAX_AMOUNT, MAX_DIGITS, format_eur

from .project import APPS


def _decimal_fields():
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.DecimalField):
                yield model, field


def _ceiling(field: models.DecimalField) -> Decimal:
    return Decimal(10) ** (field.max_digits - field.decimal_places) - CENT


def test_the_constants_agree():
    assert DECIMAL_PLACES == 2 and MAX_DIGITS == 12
    assert Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES) - CENT == MAX_AMOUNT
    assert str(MAX_AMOUNT) == "9999999999.99"


def test_every_euro_amount_of_every_model_is_the_core_field():
    """A two-decimal DecimalField is a euro amount: it is ``core.fields.MoneyField``, with the
    same digits in every app (rates, kilometres, quantities keep their own precision)."""
    amounts = [(m, f) for m, f in _decimal_fields() if f.decimal_places == 2]
    assert len(amounts) > 40  # every app's amounts, not an empty loop
    assert {m._meta.app_label for m, _f in amounts} >= {
        "budget",
        "ledger",
        "claims",
        "fees",
        "plans",
        "banking",
        "letters",
    }
    wrong = [
        f"{m._meta.label}.{f.name}"
        for m, f in amounts
        if not isinstance(f, fields.MoneyField) or f.max_digits != MAX_DIGITS
    ]
    assert wrong == []
    assert {_ceiling(f) for _m, f in amounts} == {MAX_AMOUNT}


def test_the_field_keeps_migrations_plain_and_refuses_other_digits():
    field = fields.MoneyField("montant", null=True)
    name, path, args, kwargs = field.deconstruct()
    assert path == "django.db.models.DecimalField"  # an existing numeric(12, 2): no migration
    assert kwargs["max_digits"] == MAX_DIGITS and kwargs["decimal_places"] == DECIMAL_PLACES
    assert field.clone().max_digits == MAX_DIGITS
    with pytest.raises(ValueError, match="numeric"):
        fields.MoneyField(max_digits=10)


def test_the_form_ceiling_is_the_models():
    ledger_amount = apps.get_model("ledger", "Entry")._meta.get_field("amount")
    budget_amount = apps.get_model("budget", "IncomeLine")._meta.get_field("amount")
    assert forms.MoneyField.ceiling == _ceiling(ledger_amount) == _ceiling(budget_amount)
    for field in (IncomeLineForm.base_fields["amount"], AllowanceForm.base_fields["amount"]):
        assert field.ceiling == MAX_AMOUNT
        assert field.clean("9.999.999.999,99") == MAX_AMOUNT
        with pytest.raises(ValidationError) as error:
            field.clean("10.000.000.000,00")
        assert format_eur(MAX_AMOUNT) in error.value.messages[0]


@pytest.mark.parametrize("amount", [Decimal("100000000.00"), MAX_AMOUNT])
def test_the_budget_takes_the_same_maximum_as_the_ledger(world, amount):
    """99.999.999,99 was the budget's maximum (numeric(10, 2)); it is now the ledger's."""
    version = budget_version_create(
        case=world.case,
        data=BudgetData(
            date=date(2025, 3, 1),
            ris_category="single",
            incomes=[IncomeData(kind="earned", amount=amount, label="Salaire")],
        ),
        by=world.mediator,
    )
    stored = BudgetVersion.objects.get(pk=version.pk).incomes.get()
    assert stored.amount == amount


def test_the_budget_refuses_more_than_the_maximum(world):
    with pytest.raises(ValidationError) as error:
        budget_version_create(
            case=world.case,
            data=BudgetData(
                date=date(2025, 3, 1),
                ris_category="single",
                incomes=[IncomeData(kind="earned", amount=MAX_AMOUNT + CENT, label="Salaire")],
            ),
            by=world.mediator,
        )
    assert "trop élevé" in error.value.message_dict["incomes"][0]
    assert not BudgetVersion.objects.exists()
