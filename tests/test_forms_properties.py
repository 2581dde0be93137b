"""Property-based tests (Hypothesis) over the main forms (issue 14, "Proof"): whatever a user
types into the case, creditor, claim, journal entry and payment forms — control characters,
right-to-left overrides, Arabic-Indic digits, implausible dates, huge numbers, 20,000-character
texts — the page answers (the form again with its errors, or the redirect of a success), never
a server error, and a refused submission leaves every table as it was (row counts before and
after)."""

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banking.forms import PaymentForm
from cases.forms import CaseForm
from claims.forms import ClaimForm, CreditorForm
from ledger.forms import EntryForm

from .test_banking_properties import Rollback, row_counts
from .test_banking_support import make_creditor, open_account

FORMS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What users (or a pasted spreadsheet) put into fields; lone surrogates cannot travel in a form
# post (the browser encodes UTF-8), so they are not drawn.
text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
nasty = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "12,50",
        "12.50",
        "1.234,56",
        "10.005",
        "١٢.٠٠",  # Arabic-Indic digits
        "1e400",
        "NaN",
        "9" * 40,
        "9999-12-31",
        "31/12/9999",
        "30/02/2024",
        "0001-01-01",
        "BE71096123456769",
        "BR1500000000000010932840814P2",
        "+++090/9337/55493+++",
        "Dupont\u202eexe.pdf",
        "ligne\nnouvelle",
        "R.G.\x0b12",
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "x" * 20_000,
        "on",
    ]
)
value = nasty | text


def posted(form_class, choices: dict[str, list[str]] | None = None):
    """A submission of ``form_class``: each declared field gets a nasty value or, for a choice
    field, sometimes one of its real choices."""
    fields = {}
    for name, field in form_class.base_fields.items():
        options = []
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            options = [str(k) for k, _label in field.choices if k not in ("", None)]
        options += (choices or {}).get(name, [])
        fields[name] = (st.sampled_from(options) | value) if options else value
    return st.fixed_dictionaries(fields)


def assert_answers_or_refuses(client, url: str, data: dict, setup=None) -> None:
    """Post ``data`` (after ``setup``, inside the example's own transaction, rolled back)."""
    try:
        with transaction.atomic():
            if setup is not None:
                setup()
            before = row_counts()
            response = client.post(url, data)  # an exception here fails the test
            assert response.status_code in (200, 302), response.status_code
            if response.status_code == 200:  # the form again, with its errors
                assert row_counts() == before
            raise Rollback
    except Rollback:
        pass


@pytest.fixture
def mediator(client, world):
    client.force_login(world.mediator)
    return client


@pytest.mark.django_db
@FORMS
@given(data=posted(CaseForm))
def test_the_case_form(mediator, world, data):
    assert_answers_or_refuses(mediator, reverse("cases:edit", args=[world.case.pk]), data)


@pytest.mark.django_db
@FORMS
@given(data=posted(CreditorForm))
def test_the_creditor_form(mediator, world, data):
    assert_answers_or_refuses(mediator, reverse("claims:creditor_create"), data)


@pytest.mark.django_db
@FORMS
@given(data=posted(ClaimForm, {"creditor": ["1", "2", "999999"]}))
def test_the_claim_form(mediator, world, data):
    url = reverse("claims:claim_create", args=[world.case.pk])
    assert_answers_or_refuses(mediator, url, data, setup=lambda: make_creditor(world))


@pytest.mark.django_db
@FORMS
@given(data=posted(EntryForm))
def test_the_journal_entry_form(mediator, world, data):
    url = reverse("ledger:entry_create", args=[world.case.pk])
    account = lambda: open_account(world.case, balance="500.00", by=world.mediator)  # noqa: E731
    assert_answers_or_refuses(mediator, url, data, setup=account)


@pytest.mark.django_db
@FORMS
@given(data=posted(PaymentForm))
def test_the_payment_form(mediator, world, data):
    url = reverse("banking:case_payments", args=[world.case.pk])
    account = lambda: open_account(world.case, balance="500.00", by=world.mediator)  # noqa: E731
    assert_answers_or_refuses(mediator, url, data, setup=account)
