"""The supervisor's table, a row at a time in Python (issue 15: about 14 linked numbers a
mediator, rendered node by node by the template engine, made the page 5 × the layout page).
Only numbers, keys and codes go into the links; the one text, a count's help, is escaped."""

from urllib.parse import quote

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _cell(href: str, n: int, attrs: str = "") -> str:
    if not n:
        return '<td class="text-end">0</td>'
    return f'<td class="text-end"><a{attrs} href="{href}">{int(n)}</a></td>'


@register.simple_tag
def supervisor_rows(rows, caseload: str, colspan: int) -> SafeString:
    """The table's rows: the mediator's name, then one cell per status, the total, one per
    registered count; each non-zero number links to the caseload filtered on it. The counts'
    titles and the caseload's address are escaped once for the whole table."""
    if not rows:
        empty = escape(_("Aucun médiateur dans l'organisation."))
        return mark_safe(  # noqa: S308 (an escaped message, a number)
            f'<tr><td colspan="{int(colspan)}" class="text-muted">{empty}</td></tr>'
        )
    caseload = escape(caseload)
    titles = {}
    out = []
    for row in rows:
        base = f"{caseload}?mediator={int(row.mediator.pk)}"
        cells = [_cell(f"{base}&amp;status={quote(code)}", n) for code, n in row.status_cells]
        cells.append(f'<td class="text-end fw-bold"><a href="{base}">{int(row.total)}</a></td>')
        for spec, n in row.counts:
            if spec.key not in titles:
                titles[spec.key] = (
                    f' class="badge bg-danger text-decoration-none" title="{escape(spec.help)}"'
                )
            cells.append(_cell(f"{base}&amp;flag={quote(spec.key)}", n, titles[spec.key]))
        out.append(
            "    <tr>\n"
            f'      <th scope="row" class="text-nowrap fw-normal"><a href="{base}">'
            f"{escape(str(row.mediator))}</a></th>\n"
            f"      {''.join(cells)}\n"
            "    </tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 (numbers, quoted codes, escaped texts)
