"""``{% bs_field form.x %}``: one form field in Bootstrap 5 markup, written in Python.

crispy-forms renders a field through some ten template includes (``bootstrap5/field.html`` and
its help text and error templates): about 1.4 ms a field, 10 to 15 ms for the forms of a case's
tabs (issue 15's benchmark). This tag writes the same markup as crispy's ``field.html`` for a
plain input, textarea or select (same wrapper id and classes, label with the required asterisk,
widget classes, errors with their ids, help text, the ``aria-*`` attributes Django adds), with
the same escaping; a checkbox, radio buttons, multiple checkboxes, a file input or a hidden field
is left to crispy (``|as_crispy_field``). ``{% bs_form_errors form %}`` writes the non-field errors
``{% crispy form %}`` shows above the fields. Checked by ``tests/test_bs_forms.py`` against crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.template.defaultfilters import unordered_list
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_LEFT_TO_CRISPY = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.ClearableFileInput,
    forms.FileInput,
    forms.MultiWidget,
)


def _widget_class(widget, extra: str) -> str:
    """The widget's classes as crispy's ``crispy_field`` sets them: the widget's own, its class
    name (through ``CRISPY_CLASS_CONVERTERS``), then ``extra``'s classes not already there."""
    name = widget.__class__.__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css = widget.attrs.get("class", "")
    if css:
        if css.find(name) == -1:
            css += f" {name}"
    else:
        css = name
    present = css.split()
    for cls in extra.split():
        if cls not in present:
            css += f" {cls}"
            present.append(cls)
    return css


@register.simple_tag
def bs_field(field, inline_errors: bool = True):
    """``inline_errors``: each error in a ``<span>`` as ``{% crispy form %}`` writes them (its
    helper's ``error_text_inline``); False: in a ``<p>``, as ``|as_crispy_field`` does for a
    form without a helper."""
    widget = field.field.widget
    if field.is_hidden or isinstance(widget, _LEFT_TO_CRISPY) or hasattr(widget, "widget"):
        return as_crispy_field(field)
    errors = field.errors
    base = "form-select" if isinstance(widget, forms.Select) else "form-control"
    css = _widget_class(widget, f"{base} is-invalid" if errors else base)
    auto_id = field.auto_id
    wrapper = "mb-3"
    if field.css_classes():
        wrapper += f" {field.css_classes()}"
    out = [f'<div id="div_{conditional_escape(auto_id)}" class="{conditional_escape(wrapper)}">']
    if field.label:
        required = field.field.required
        label_for = field.id_for_label
        out.append(
            "<label"
            + (f' for="{conditional_escape(label_for)}"' if label_for else "")
            + f' class="form-label{" requiredField" if required else ""}">'
            + str(conditional_escape(field.label))
            + ('<span class="asteriskField">*</span>' if required else "")
            + "</label>"
        )
    out.append(str(field.as_widget(attrs={"class": css})))
    if errors:
        out.append(f'<div id="{conditional_escape(auto_id)}_error" class="invalid-feedback">')
        tag = "span" if inline_errors else "p"
        for n, error in enumerate(errors, 1):
            out.append(
                f'<{tag} id="error_{n}_{conditional_escape(auto_id)}">'
                f"<strong>{conditional_escape(error)}</strong></{tag}>"
            )
        out.append("</div>")
    if field.help_text:
        help_id = f'id="{conditional_escape(auto_id)}_helptext" ' if auto_id else ""
        # as crispy's help_text.html: the help text is the developer's (``|safe``)
        out.append(f'<div {help_id}class="form-text">{field.help_text}</div>')
    out.append("</div>")
    return mark_safe("".join(out))


@register.simple_tag
def bs_form_errors(form):
    """The form's non-field errors as crispy's ``{% crispy form %}`` shows them above the fields
    (``bootstrap5/errors.html``), escaped."""
    errors = form.non_field_errors()
    if not errors:
        return ""
    return mark_safe(
        '<div class="alert alert-block alert-danger"><ul class="m-0">'
        + unordered_list(errors, autoescape=True)
        + "</ul></div>"
    )
