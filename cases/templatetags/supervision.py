"""The supervisor's table, a row at a time in Python (issue 15: about 14 linked numbers a
mediator, rendered node by node by the template engine, made the page 5 × the layout page).
Only numbers, keys and codes go into the links; the one text, a count's help, is escaped."""

from urllib.parse import quote

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cell(href: str, n: int, attrs: str = "") -> str:
    if not n:
        return '<td class="text-end">0</td>'
    return f'<td class="text-end"><a{attrs} href="{href}">{int(n)}</a></td>'


@register.simple_tag
def supervisor_cells(row, caseload: str) -> SafeString:
    """The cells after the mediator's name: one per status, the total, one per registered
    count; each non-zero number links to the caseload filtered on it."""
    base = f"{escape(caseload)}?mediator={int(row.mediator.pk)}"
    cells = [_cell(f"{base}&amp;status={quote(code)}", n) for code, n in row.status_cells]
    cells.append(f'<td class="text-end fw-bold"><a href="{base}">{int(row.total)}</a></td>')
    for spec, n in row.counts:
        attrs = f' class="badge bg-danger text-decoration-none" title="{escape(spec.help)}"'
        cells.append(_cell(f"{base}&amp;flag={quote(spec.key)}", n, attrs))
    return mark_safe("".join(cells))  # noqa: S308 (numbers, quoted codes, escaped help)
