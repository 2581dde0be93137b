"""The Python-written <select> (core/form_renderer.py) gives Django's own markup, escaping
included, and the display labels of model choices follow the reader's language (core/perf.py)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from cases.models import Case
from cases.status import CaseStatus
from core.form_renderer import FormRenderer

CHOICES = [
    ("", "---------"),
    ("a", 'Dupont & "fils" <b>'),
    ("Groupe", [(1, "un"), (2, "deux")]),
    (3, 2024),
]


class Sample(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=forms.SelectMultiple(attrs={"class": "x<y"})
    )
    flagged = forms.ChoiceField(choices=CHOICES, disabled=True, required=False)


def tags(html: str) -> str:
    """The markup without the white space between tags (none is significant in a select)."""
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data", [{}, {"one": "a", "many": ["1", "3"]}, {"one": "2", "flagged": "a"}, {"one": "<x>"}]
)
def test_the_python_select_is_django_s_markup(data):
    form = Sample(data=data or None)
    ours = Sample(data=data or None, renderer=FormRenderer())
    django = Sample(data=data or None, renderer=DjangoTemplates())
    for name in ("one", "many", "flagged"):
        assert tags(str(ours[name])) == tags(str(django[name]))
        assert "<select" in str(ours[name])
    assert "&lt;b&gt;" in str(form["one"]) and "<b>" not in str(form["one"])


def test_a_select_with_options_of_its_own_goes_through_the_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    field = forms.ChoiceField(choices=CHOICES, widget=Custom)
    html = field.widget.render("x", "a", renderer=FormRenderer())
    assert tags(html) == tags(field.widget.render("x", "a", renderer=DjangoTemplates()))
    assert 'type="select"' in html  # the radio template's input, written by the template


def test_choice_labels_follow_the_language_and_unknown_values_show_as_such():
    case = Case(status=CaseStatus.AMICABLE_PHASE, division="liege")
    with translation.override("fr"):
        fr = case.get_status_display()
    with translation.override("nl"):
        nl = case.get_status_display()
    assert fr == str(CaseStatus.AMICABLE_PHASE.label) and fr != nl
    with translation.override("nl"):
        assert nl == str(CaseStatus.AMICABLE_PHASE.label)
    assert Case(status="nonexistent").get_status_display() == "nonexistent"


@pytest.mark.django_db
def test_a_choice_too_large_for_the_database_is_an_invalid_choice_not_a_crash():
    from cases.models import Applicant

    huge = "9" * 40
    single = forms.ModelChoiceField(queryset=Case.objects.all())
    many = forms.ModelMultipleChoiceField(queryset=Applicant.objects.all())
    with pytest.raises(forms.ValidationError) as one:
        single.clean(huge)
    assert one.value.code == "invalid_choice"
    with pytest.raises(forms.ValidationError) as several:
        many.clean([huge])
    assert several.value.code in ("invalid_pk_value", "invalid_choice")


class Inputs(forms.Form):
    text = forms.CharField(max_length=20, required=False, widget=forms.TextInput({"class": "a<b"}))
    when = forms.DateField(required=False, widget=forms.DateInput(format="%d/%m/%Y"))
    count = forms.IntegerField(required=False, help_text="Aide")
    amount = forms.DecimalField(required=False, localize=True)
    flag = forms.BooleanField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    mail = forms.EmailField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea({"rows": 3}))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "text": "\"<b>\" & 'x'",
            "when": "31/02/2024",
            "count": "x<y",
            "amount": "1234,5",
            "flag": "on",
            "secret": "<s>",
            "hidden": "&amp;",
            "mail": "a@b",
            "note": "<i>deux</i>\nlignes &amp;",
        },
        {"when": "01/02/2024", "count": "3", "amount": "-0,5", "note": ""},
    ],
)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_python_inputs_and_textarea_are_django_s_markup(data, language):
    initial = {"when": date(2024, 2, 1), "amount": Decimal("1234.5"), "flag": True, "note": "n"}
    with translation.override(language):
        ours = Inputs(data=data, initial=initial, renderer=FormRenderer())
        django = Inputs(data=data, initial=initial, renderer=DjangoTemplates())
        if data is not None:
            ours.is_valid()
            django.is_valid()
        for name in Inputs.base_fields:
            assert str(ours[name]) == str(django[name]), name
    if data and data.get("note"):
        assert "&lt;i&gt;" in str(ours["note"]) and "<i>" not in str(ours["note"])
        assert "&amp;quot;&lt;b&gt;" not in str(ours["text"]) and "&lt;b&gt;" in str(ours["text"])
