"""Compact table rows for the budget's line formsets (a crispy field per cell is too tall)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def bs_field(field, css: str):
    """The widget with Bootstrap classes (``is-invalid`` when it has errors), its errors
    below, and its label for screen readers."""
    classes = css + (" is-invalid" if field.errors else "")
    widget = field.as_widget(attrs={"class": classes, "aria-label": field.label})
    errors = format_html_join(
        "", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in field.errors)
    )
    return format_html("{}{}", widget, errors)
