"""The form renderer: Django's, except that a ``<select>`` is written in Python.

Django renders a select through one template include per option (and another for each option's
attributes): a filter form listing a large organisation's mediators and the court divisions cost
about 190 includes, 4 to 6 ms of a 25 ms page (issue 15's benchmark). The markup produced here is
the same as Django's templates ``select.html`` / ``select_option.html`` / ``attrs.html`` (checked
by ``tests/test_form_renderer.py``), with the same escaping.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


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


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and "widget" in context:
            html = render_select(context["widget"])
            if html:
                return html
        return super().render(template_name, context, request=request)
