from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Organisation, Role, User
from cases.models import Case
from cases.validators import mask_national_number, validate_national_number
from core.dates import add_years, anniversary, next_anniversary, years_between
from core.money import format_eur, round_cents


def test_add_years_29_february():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert anniversary(date(2022, 6, 15), 0) == date(2022, 6, 15)


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2050, 12, 31)),
)
def test_next_anniversary_is_the_first_on_or_after(admissibility, day):
    result = next_anniversary(admissibility, day)
    assert result >= day and result > admissibility
    k = years_between(admissibility, result)
    assert anniversary(admissibility, k) == result
    if k > 1:
        assert anniversary(admissibility, k - 1) < day


def test_money():
    assert round_cents(Decimal("2.675")) == Decimal("2.68")  # half-up, not banker's
    assert round_cents(Decimal("-2.675")) == Decimal("-2.68")
    with pytest.raises(TypeError):
        round_cents(2.675)
    assert format_eur(Decimal("1234.5")) == "1.234,50\u00a0€"
    assert format_eur(Decimal("1234567.891"), "nl") == "€\u00a01.234.567,89"
    assert format_eur(Decimal("-0.5")) == "-0,50\u00a0€"


def test_national_numbers():
    validate_national_number("85.07.30-033.28")
    validate_national_number("")  # optional
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_national_number("85.07.30-033.27")
    assert mask_national_number("85073003328") == "••.••.••-•••.28"


@pytest.mark.django_db
def test_seed_demo_is_complete_and_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    assert Organisation.objects.filter(kind="cpas").count() == 1
    assert Organisation.objects.filter(kind="law_firm").count() == 1
    assert User.objects.filter(role=Role.SUPERVISOR).exists()
    clerk = User.objects.get(role=Role.CLERK)
    assert list(clerk.clerk_divisions.values_list("division", flat=True)) == ["namur"]
    total = Case.objects.count()
    assert total >= 30
    assert Case.objects.values("division").distinct().count() >= 6
    assert Case.objects.values("status").distinct().count() >= 4
    call_command("seed_demo", verbosity=0)
    assert Case.objects.count() == total
