"""``{% bs_field form.x %}``: one form field in Bootstrap 5 markup, written in Python.

crispy-forms renders a field through some ten template includes (``bootstrap5/field.html`` and
its help text and error templates): about 1.4 ms a field, 10 to 15 ms for the forms of a case's
tabs (issue 15's benchmark). This tag writes the same markup as crispy's ``field.html`` for a
plain input, textarea or select (same wrapper id and classes, label with the required asterisk,
widget classes, errors with their ids, help text, the ``aria-*`` attributes Django adds), with
the same escaping; a checkbox and multiple checkboxes too; radio buttons, a file input or a
hidden field is left to crispy (``|as_crispy_field``). ``{% bs_form_errors form %}`` writes the
non-field errors ``{% crispy form %}`` shows above the fields. ``{% bs_layout form %}`` writes what
``{% crispy form %}`` writes of a form whose helper lays its fields out in rows and columns (the
closure tab's forms: crispy took some 8 ms of that page, issue 15). Checked by
``tests/test_bs_forms.py`` against crispy.
"""

from crispy_forms.layout import Column, Div, Layout, Row
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, optgroups
from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.conf import settings
from django.template.defaultfilters import unordered_list
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_LEFT_TO_CRISPY = (
    forms.RadioSelect,
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
    if field.is_hidden or hasattr(widget, "widget"):
        return as_crispy_field(field)
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return mark_safe(_checkboxes(field))
    if isinstance(widget, _LEFT_TO_CRISPY):
        return as_crispy_field(field)
    if isinstance(widget, forms.CheckboxInput):
        return mark_safe(_checkbox(field, inline_errors))
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
    out.append(_errors(field, inline_errors))
    out.append(_help_text(field))
    out.append("</div>")
    return mark_safe("".join(out))


def _errors(field, inline: bool) -> str:
    """crispy's ``field_errors.html`` (inline: ``<span>``) or ``field_errors_block.html``."""
    if not field.errors:
        return ""
    auto_id = conditional_escape(field.auto_id)
    tag = "span" if inline else "p"
    return (
        f'<div id="{auto_id}_error" class="invalid-feedback">'
        + "".join(
            f'<{tag} id="error_{n}_{auto_id}"><strong>{conditional_escape(error)}</strong></{tag}>'
            for n, error in enumerate(field.errors, 1)
        )
        + "</div>"
    )


def _help_text(field) -> str:
    """crispy's ``help_text.html``: the help text is the developer's (``|safe``)."""
    if not field.help_text:
        return ""
    help_id = f'id="{conditional_escape(field.auto_id)}_helptext" ' if field.auto_id else ""
    return f'<div {help_id}class="form-text">{field.help_text}</div>'


def _label_text(field) -> str:
    required = '<span class="asteriskField">*</span>' if field.field.required else ""
    return f"{conditional_escape(field.label)}{required}"


def _wrapper_classes(field, base: str) -> str:
    css = field.css_classes()
    return conditional_escape(f"{base} {css}" if css else base)


def _checkbox(field, inline_errors: bool) -> str:
    """crispy's ``field.html`` for a single checkbox: the label after the box."""
    css = _widget_class(
        field.field.widget, "form-check-input is-invalid" if field.errors else "form-check-input"
    )
    required = " requiredField" if field.field.required else ""
    return (
        f'<div class="mb-3"><div id="div_{conditional_escape(field.auto_id)}"'
        f' class="{_wrapper_classes(field, "form-check")}">'
        + str(field.as_widget(attrs={"class": css}))
        + f'<label for="{conditional_escape(field.id_for_label)}"'
        f' class="form-check-label{required}">{_label_text(field)}</label>'
        + _errors(field, inline_errors)
        + _help_text(field)
        + "</div></div>"
    )


def _checkboxes(field) -> str:
    """crispy's ``field.html`` and ``radio_checkbox_select.html`` for multiple checkboxes: a
    fieldset and its legend, a ``form-check`` a choice, the errors under the last one."""
    out = [
        f'<div id="div_{conditional_escape(field.auto_id)}"'
        f' class="{_wrapper_classes(field, "mb-3")}">'
    ]
    labelled = bool(field.label)
    if labelled:
        described = field.aria_describedby
        described = f' aria-describedby="{conditional_escape(described)}"' if described else ""
        required = " requiredField" if field.field.required else ""
        out.append(
            f'<fieldset{described}><legend class="form-label{required} fs-6">'
            f"{_label_text(field)}</legend>"
        )
    out.append("<div>")
    invalid = " is-invalid" if field.errors else ""
    name = conditional_escape(field.html_name)
    groups = optgroups(field)
    for g, (group, options, _index) in enumerate(groups):
        if group:
            out.append(f"<strong>{conditional_escape(group)}</strong>")
        for o, option in enumerate(options):
            attrs = "".join(
                f" {conditional_escape(key)}"
                + ("" if value is True else f'="{conditional_escape(str(value))}"')
                for key, value in option["attrs"].items()
                if value is not False
            )
            out.append(
                f'<div class="form-check"><input type="{conditional_escape(option["type"])}"'
                f' class="form-check-input{invalid}" name="{name}"'
                f' value="{conditional_escape(str(option["value"]))}"{attrs}>'
                f'<label for="{conditional_escape(option["attrs"].get("id", ""))}"'
                f' class="form-check-label">{conditional_escape(str(option["label"]))}</label>'
            )
            if field.errors and g == len(groups) - 1 and o == len(options) - 1:
                out.append(_errors(field, inline=False))
            out.append("</div>")
    out.append("</div>")
    out.append(_help_text(field))
    if labelled:
        out.append("</fieldset>")
    out.append("</div>")
    return "".join(out)


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


def _laid_out(form, item) -> str | None:
    """``item`` of the helper's layout as crispy's ``row.html``, ``column.html`` and
    ``div.html`` write it; None for what this tag does not write (then crispy writes it all)."""
    if isinstance(item, str):
        return bs_field(form[item])
    if type(item) not in (Row, Column, Div) or item.css_id or item.flat_attrs:
        return None
    inner = [_laid_out(form, child) for child in item.fields]
    if any(part is None for part in inner):
        return None
    css = item.css_class or ""
    if type(item) is Row:
        css = f"row {css}"
    elif type(item) is Column and "col" not in css:
        css = f"col-md {css}"
    return f'<div class="{conditional_escape(css)}">' + "".join(inner) + "</div>"


@register.simple_tag
def bs_layout(form):
    """What ``{% crispy form %}`` writes of a form whose helper (no ``<form>`` tag, no CSRF
    token, no inputs) lays its fields out with ``Row``, ``Column`` and ``Div`` (no id, no other
    attributes): the non-field errors, then the fields in the layout's order. Any other helper
    or layout object is crispy's to write."""
    helper = getattr(form, "helper", None)
    layout = getattr(helper, "layout", None)
    simple = (
        helper is not None
        and not helper.form_tag
        and helper.disable_csrf
        and not helper.inputs
        and helper.form_show_errors
        and helper.form_show_labels
        and helper.error_text_inline
        and not helper.help_text_inline
        and not helper.render_unmentioned_fields
        and not helper.render_hidden_fields
        and not helper.render_required_fields
        and not helper.form_group_wrapper_class
        and not (helper.include_media and str(form.media))
        and not helper.field_class
        and not helper.label_class
        and not helper.form_class
        and isinstance(layout, Layout)
    )
    if simple:
        parts = [_laid_out(form, item) for item in layout.fields]
        if all(part is not None for part in parts):
            return mark_safe(bs_form_errors(form) + "".join(parts))
    return render_crispy_form(form, helper)
