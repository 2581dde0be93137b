"""The form renderer: Django's, except that a ``<select>``, an ``<input>`` and a ``<textarea>`` are
written in Python.

Django renders a select through one template include per option (and another for each option's
attributes): a filter form listing a large organisation's mediators and the court divisions cost
about 190 includes, 4 to 6 ms of a 25 ms page (issue 15's benchmark). The markup produced here is
the same as Django's templates ``select.html`` / ``select_option.html`` / ``attrs.html`` (checked
by ``tests/test_form_renderer.py``), with the same escaping. An input (``input.html``, which
``text.html``, ``date.html``, ``checkbox.html``… only include) and a textarea cost two includes
each: some 3 ms for the closure tab's three forms (issue 15).
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
# Django's templates that are ``{% include "django/forms/widgets/input.html" %}`` and nothing else
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _label(label) -> str:
    return label if isinstance(label, str) else localize(label)  # as ``{{ label }}`` shows it


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(_label(option['label']))}</option>"
    )


def render_select(widget: dict) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option.get("template_name", OPTION_TEMPLATE) != OPTION_TEMPLATE:
                return ""  # a widget with options of its own: leave it to the templates
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))


def render_input(widget: dict) -> str:
    """``input.html``: the value as ``|stringformat:'s'`` writes it, then escaped."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(str(value))}"'
    return mark_safe(
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def render_textarea(widget: dict) -> str:
    """``textarea.html``: a line break after the opening tag, the value as ``{{ }}`` shows it."""
    value = widget["value"]
    shown = conditional_escape(_label(value)) if value else ""
    return mark_safe(
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{shown}</textarea>"
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if "widget" in context:
            if template_name == SELECT_TEMPLATE:
                html = render_select(context["widget"])
                if html:
                    return html
            elif template_name in INPUT_TEMPLATES:
                return render_input(context["widget"])
            elif template_name == TEXTAREA_TEMPLATE:
                return render_textarea(context["widget"])
        return super().render(template_name, context, request=request)
