from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Organisation, User
from cases.models import Case
from cases.validators import mask_national_number, validate_national_number
from core.dates import add_years, anniversary, next_anniversary, years_between
from core.forms import MoneyField
from core.money import MAX_AMOUNT, format_eur, round_cents
from core.roles import Role

from .pdf import MINIMAL_PDF, TINY_JPEG, TINY_PNG


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
    clerk = User.objects.get(role=Role.CLERK, is_superuser=False)
    assert list(clerk.clerk_divisions.values_list("division", flat=True)) == ["namur"]
    total = Case.objects.count()
    assert total >= 30
    assert Case.objects.values("division").distinct().count() >= 6
    assert Case.objects.values("status").distinct().count() >= 4
    call_command("seed_demo", verbosity=0)
    assert Case.objects.count() == total
    from letters.defaults import DEFAULT_TEMPLATES  # created with each organisation

    for organisation in Organisation.objects.all():  # the French set and the Dutch set
        for language in ("fr", "nl"):
            templates = organisation.letter_templates.filter(language=language)
            assert templates.count() == len(DEFAULT_TEMPLATES)


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("1.234,56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("1234,5", "1234.5"),
        ("1234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("12,", "12"),
        ("-5", "-5"),
        ("0,005", "0.005"),  # kept as typed: the service refuses a third decimal
    ],
)
def test_one_rule_for_typed_amounts(typed, expected):
    assert MoneyField().clean(typed) == Decimal(expected)


@pytest.mark.parametrize(
    "typed,message",
    [
        (
            "10.005",
            "« 10.005 » est ambigu : écrivez 10005,00 pour 10.005,00\u00a0€, ou, pour environ "
            "10,00\u00a0€, 10,00 ou 10,01 (un montant a au plus deux décimales).",
        ),
        ("2.000", "« 2.000 » est ambigu : écrivez 2000,00 pour 2.000,00\u00a0€, ou 2,00 pour"),
        ("-1.999", "écrivez -1999,00 pour -1.999,00\u00a0€, ou, pour environ -1,99\u00a0€"),
        ("douze", "n'est pas un montant"),
        ("1,2,3", "n'est pas un montant"),
        ("1.23,4", "n'est pas un montant"),
        ("9" * 33, "n'est pas un montant"),
        ("10000000000", "maximum admis (9.999.999.999,99\u00a0€)"),
    ],
)
def test_typed_amounts_refused_with_a_message(typed, message):
    with pytest.raises(ValidationError) as error:
        MoneyField().clean(typed)
    assert message in " ".join(error.value.messages)


def test_every_money_form_field_uses_the_one_rule():
    """No form of the application parses an amount its own way (claims, journal, payments,
    budget, plans, fees, letters): the same text means the same amount everywhere."""
    from budget.forms import AllowanceForm, IncomeLineForm
    from fees.forms import ServiceForm, TaxationOrderForm
    from ledger.forms import EntryForm

    fields = [
        IncomeLineForm.base_fields["amount"],
        AllowanceForm.base_fields["amount"],
        ServiceForm.base_fields["amount"],
        ServiceForm.base_fields["registered_postage"],
        TaxationOrderForm.base_fields["allowed_amount"],
        EntryForm.base_fields["amount"],
    ]
    assert all(isinstance(field, MoneyField) for field in fields)
    assert IncomeLineForm.base_fields["amount"].ceiling == MAX_AMOUNT  # one maximum (core)
    with pytest.raises(ValidationError):
        IncomeLineForm.base_fields["amount"].clean("10.000.000.000")


def test_csv_cells_are_belgian_and_never_formulas():
    from core.csv import csv_bytes, csv_cell

    assert csv_cell(Decimal("-1234.5")) == "-1234,50"  # a number keeps its sign
    assert csv_cell(date(2024, 6, 15)) == "15/06/2024"
    assert csv_cell(None) == "" and csv_cell(3) == "3"
    for typed in ('=HYPERLINK("x")', "+++123/4567/89012+++", "-2", "@SUM(A1)"):
        assert csv_cell(typed) == "'" + typed
    content = csv_bytes(["A", "B"], [[csv_cell("x;y"), csv_cell(Decimal("1"))]])
    assert content == '\ufeffA;B\r\n"x;y";1,00\r\n'.encode()


def test_the_caseload_export_keeps_a_typed_formula_as_text(world):
    from cases.exports import caseload_export_build
    from cases.models import Applicant, CaseloadExport

    Applicant.objects.filter(case=world.case).update(first_name="=HYPERLINK(1)", last_name="")
    request = CaseloadExport.objects.create(
        organisation_id=world.org.pk, requested_by=world.mediator
    )
    export = caseload_export_build(export_id=request.pk)
    assert "\r\nNAM-2022-0042;'=HYPERLINK(1)" in export.content


def test_uploads_are_recognised_by_their_first_bytes_not_their_name(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import PDF_ONLY, upload_suffix

    settings.DOCUMENT_MAX_UPLOAD_BYTES = 4096

    def check(name, content, **kw):
        return upload_suffix(SimpleUploadedFile(name, content), field="f", refused="non", **kw)

    assert check("scan.pdf", TINY_PNG) == ".png"
    assert check("x", TINY_JPEG) == ".jpg"
    assert check("x.png", MINIMAL_PDF) == ".pdf"
    for content, message in ((b"GIF89a", "non"), (b"", "vide")):
        with pytest.raises(ValidationError) as error:
            check("x.pdf", content)
        assert message in error.value.message_dict["f"][0]
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 64
    with pytest.raises(ValidationError) as error:
        check("x.pdf", b"%PDF-" + b"x" * 64)
    assert "64" in error.value.message_dict["f"][0]
    with pytest.raises(ValidationError):
        check("x.png", TINY_PNG, accepted=PDF_ONLY)


# --- core.forms.apply_errors: the one way a service's refusal reaches a form ------------------


def test_apply_errors_puts_each_message_on_its_field_or_on_the_form():
    from django import forms as dj_forms
    from django.core.exceptions import ValidationError

    from core.forms import apply_errors

    class Head(dj_forms.Form):
        date = dj_forms.DateField(required=False)

    class Lines(dj_forms.Form):
        amount = dj_forms.CharField(required=False)

    head, lines = Head({}), Lines({})
    head.is_valid(), lines.is_valid()
    apply_errors(
        ValidationError({"date": ["Date future."], "amount": ["Négatif."], "other": ["Autre."]}),
        head,
        lines,
    )
    assert head.errors["date"] == ["Date future."]
    assert lines.errors["amount"] == ["Négatif."]
    assert head.non_field_errors() == ["Autre."]  # a key no form has: the first form

    head = Head({})
    head.is_valid()
    apply_errors(ValidationError("Refusé."), head)  # raised without a field
    assert head.non_field_errors() == ["Refusé."]


def test_apply_errors_renames_keys_and_reaches_formsets():
    from django import forms as dj_forms
    from django.core.exceptions import ValidationError

    from core.forms import apply_errors

    class Head(dj_forms.Form):
        value_date = dj_forms.DateField(required=False)

    class Line(dj_forms.Form):
        label = dj_forms.CharField(required=False)

    head = Head({})
    incomes = dj_forms.formset_factory(Line, extra=0)(
        {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"}
    )
    head.is_valid(), incomes.is_valid()
    apply_errors(
        ValidationError({"date": ["Hors période."], "incomes": ["Aucun revenu."]}),
        head,
        rename={"date": "value_date"},
        formsets={"incomes": incomes},
    )
    assert head.errors["value_date"] == ["Hors période."]
    assert list(incomes.non_form_errors()) == ["Aucun revenu."]


def test_an_ambiguous_amount_never_suggests_three_decimals():
    with pytest.raises(ValidationError) as error:
        MoneyField().clean("10.005")
    assert "10,005" not in " ".join(error.value.messages)
