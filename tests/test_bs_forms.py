"""``{% bs_field %}`` (core/templatetags/bs_forms.py) writes crispy-forms' Bootstrap 5 markup of a
field in Python (issue 15): same wrapper, label, widget classes, ``aria-*``, errors and help text,
user text escaped. ``{% bs_layout %}`` writes a form laid out in rows and columns as
``{% crispy form %}`` does (the closure tab's forms)."""

import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import Context, Template

from cases.forms import date_field
from core.forms import MoneyField
from core.templatetags import bs_forms


class Sample(forms.Form):
    kind = forms.ChoiceField(label="Genre <b>", choices=[("", "—"), ("a", "A & <b>")])
    when = date_field("Date", required=True)
    count = forms.IntegerField(label="Nombre", help_text="Aide <em>du développeur</em>")
    money = MoneyField(label="Montant (€)", required=False)
    note = forms.CharField(label="Remarque", max_length=20, required=False)
    text = forms.CharField(label="Résumé", widget=forms.Textarea(attrs={"rows": 4}))
    flag = forms.BooleanField(label="Case à cocher", required=False)
    agreed = forms.BooleanField(label="J'accepte <b>", help_text="Aide")
    many = forms.MultipleChoiceField(
        label="Plusieurs & <b>",
        required=False,
        choices=[("a", "A & <b>"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez <em>une ou deux</em>",
    )
    styled = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "extra"}))

    def clean(self):
        if self.data.get("styled") == "<bad>":
            raise forms.ValidationError("Tout le formulaire <b>refusé</b> & pourquoi")


DATA = [
    None,
    {
        "kind": "<script>",
        "count": "x<y",
        "note": "a" * 30,
        "text": "",
        "when": "31/02/2024",
        "many": ["a", "<zz>"],
    },
    {
        "kind": "a",
        "count": "3",
        "note": '"quoted" & <b>',
        "text": "ok",
        "when": "01/02/2024",
        "many": ["b"],
        "agreed": "on",
    },
    {"kind": "a", "count": "3", "text": "ok", "when": "01/02/2024", "styled": "<bad>"},
]


def normal(html: str) -> str:
    """The markup without insignificant white space (crispy's templates indent)."""
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s*(<|>)\s*", r"\1", html).replace('" >', '">')


@pytest.mark.parametrize("data", DATA)
def test_bs_field_is_crispy_s_markup(data):
    form = Sample(data=data)
    theirs = Sample(data=data)
    theirs.helper = FormHelper()
    theirs.helper.form_tag = False
    theirs.helper.disable_csrf = True
    if data:
        form.is_valid()
        theirs.is_valid()
    ours = Template(
        "{% load bs_forms %}{% bs_form_errors form %}"
        "{% for f in form %}{% bs_field f %}{% endfor %}"
    )
    crispy = Template("{% load crispy_forms_tags %}{% crispy form %}")
    html = ours.render(Context({"form": form}))
    assert ("alert-danger" in html) is (data is not None and data.get("styled") == "<bad>")
    assert normal(html) == normal(crispy.render(Context({"form": theirs})))


@pytest.mark.parametrize("data", DATA)
def test_bs_field_with_block_errors_is_as_crispy_field_s_markup(data):
    """A form without a helper, its fields shown one by one with ``|as_crispy_field``."""
    form = Sample(data=data)
    if data:
        form.is_valid()
    ours = Template("{% load bs_forms %}{% bs_field f inline_errors=False %}")
    for name in form.fields:
        html = ours.render(Context({"f": form[name]}))
        assert normal(html) == normal(as_crispy_field(form[name])), name


def test_bs_field_escapes_the_user_s_text():
    form = Sample(data={"kind": "<script>", "note": "<i>x</i>" * 3})
    form.is_valid()
    html = Template("{% load bs_forms %}{% bs_field f.kind %}{% bs_field f.note %}").render(
        Context({"f": form})
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<i>" not in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert 'class="form-label requiredField">Genre &lt;b&gt;<span class="asteriskField">' in html


def laid_out_forms():
    from closure.forms import CloseForm, ClosureLettersForm
    from reports.forms import AnnualReportForm

    yield CloseForm(initial={"decision_date": "05/12/2026"})
    yield CloseForm(data={"decision_date": "<31/02/2026>", "reason": "<b>pourquoi</b>"})
    yield ClosureLettersForm(initial={"kinds": ["closure_creditors"], "sent_on": "05/12/2026"})
    yield ClosureLettersForm(data={"kinds": ["<nope>"], "sent_on": ""})
    yield ClosureLettersForm(data={"sent_on": "01/01/2026"})
    yield AnnualReportForm(initial={"period_from": "01/01/2026", "last_day": "31/12/2026"})
    yield AnnualReportForm(data={"period_from": "x", "observations": "<i>", "confirm_early": "on"})
    other = Sample(data=DATA[3])
    other.helper = FormHelper()
    other.helper.form_tag = False
    other.helper.disable_csrf = True
    other.helper.layout = Layout(
        Row(Column("when", css_class="col-md-4"), Column("count")),
        Div("kind", css_class="x"),
        "many",
    )
    yield other


@pytest.mark.parametrize("n", range(8))
def test_bs_layout_is_crispy_s_markup(n):
    form = list(laid_out_forms())[n]
    if form.is_bound:
        form.is_valid()
    ours = Template("{% load bs_forms %}{% bs_layout form %}").render(Context({"form": form}))
    theirs = Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": form})
    )
    assert normal(ours) == normal(theirs)
    if form.is_bound:
        assert "invalid-feedback" in ours or "alert-danger" in ours


def test_bs_layout_leaves_what_it_does_not_write_to_crispy(monkeypatch):
    """A layout object it does not know (a fieldset): crispy writes the whole form."""
    form = Sample()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.disable_csrf = True
    form.helper.layout = Layout(Fieldset("Légende", "kind"), "note")
    calls = []
    real = bs_forms.render_crispy_form
    monkeypatch.setattr(bs_forms, "render_crispy_form", lambda *a: calls.append(a) or real(*a))
    html = Template("{% load bs_forms %}{% bs_layout form %}").render(Context({"form": form}))
    assert len(calls) == 1 and "<legend>Légende</legend>" in normal(html)
    form.helper.layout = Layout(Row("kind", css_id="rangee"), "note")
    Template("{% load bs_forms %}{% bs_layout form %}").render(Context({"form": form}))
    assert len(calls) == 2
    form.helper.layout = Layout(Row("kind"), "note")
    Template("{% load bs_forms %}{% bs_layout form %}").render(Context({"form": form}))
    assert len(calls) == 2
