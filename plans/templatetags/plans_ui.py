"""The plan's schedule tables, written in Python (issue 15).

A 7-year monthly plan of ten creditors is 84 rows of 15 amounts: through the template (a
``{{ d|eur }}`` and a loop node a cell) the yearly and the detailed schedule made the plan tab
six times the layout page. ``schedule_table`` writes the same markup as the template did
(``plans/_schedule_table.html`` until then), with the same messages (``{% translate %}``'s output
escaped as the tag does) and every text escaped; an amount is formatted once per table (``eur``,
in the active language).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from core.money import format_eur
from plans.tables import Schedule

register = template.Library()


def _translate(message: str) -> str:
    """``{% translate message %}``: translated, then escaped."""
    return escape(gettext(message))


@register.simple_tag
def schedule_table(table: Schedule, first_header: str, due_header: str) -> SafeString:
    """``table`` (``plans.tables.Schedule``: per period or per plan year) as a table: the period,
    its due date or months, what is available, the fees, a column per creditor, the dividends'
    total, what is not allocated (when any period has some) and what is still owed."""
    language = get_language() or "fr"
    formatted: dict = {}

    def eur(value) -> str:
        """``{{ value|eur }}``: the same amount is formatted once."""
        text = formatted.get(value)
        if text is None:
            text = formatted[value] = escape(format_eur(value, language))
        return text

    unallocated = table.has_unallocated
    right = '<th scope="col" class="text-end">'
    out = [
        '<table class="table table-sm table-striped mb-0 small">',
        "<thead><tr>",
        f'<th scope="col">{escape(first_header)}</th>',
        f'<th scope="col">{escape(due_header)}</th>',
        f"{right}{_translate('Disponible')}</th>",
        f"{right}{_translate('Honoraires')}</th>",
        *(
            f'<th scope="col" class="text-end creditor-col">{escape(c.name)}</th>'
            for c in table.columns
        ),
        f"{right}{_translate('Total dividendes')}</th>",
    ]
    if unallocated:
        out.append(f"{right}{_translate('Non affecté')}</th>")
    out += [f"{right}{_translate('Reste dû')}</th>", "</tr></thead>", "<tbody>"]
    for row in table.rows:
        cells = "".join(f'<td class="text-end">{eur(d)}</td>' for d in row.dividends)
        out.append(
            f"<tr><td>{escape(row.label)}</td><td>{escape(row.due)}</td>"
            f'<td class="text-end">{eur(row.available)}</td>'
            f'<td class="text-end">{eur(row.fees)}</td>'
            f"{cells}"
            f'<td class="text-end fw-semibold">{eur(row.to_creditors)}</td>'
            + (f'<td class="text-end">{eur(row.unallocated)}</td>' if unallocated else "")
            + f'<td class="text-end">{eur(row.remaining)}</td></tr>'
        )
    totals = "".join(f'<td class="text-end">{eur(t)}</td>' for t in table.totals)
    out += [
        "</tbody>",
        '<tfoot class="fw-bold"><tr>',
        f'<td colspan="2">{_translate("Total")}</td>',
        f'<td class="text-end">{eur(table.available)}</td>',
        f'<td class="text-end">{eur(table.fees)}</td>',
        totals,
        f'<td class="text-end">{eur(table.to_creditors)}</td>',
        f'<td class="text-end">{eur(table.unallocated)}</td>' if unallocated else "",
        "<td></td>",
        "</tr></tfoot>",
        "</table>",
    ]
    return mark_safe("\n".join(out))  # noqa: S308 (every text above is escaped)
