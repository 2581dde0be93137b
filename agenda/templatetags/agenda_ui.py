"""The agenda's rows, written in Python (issue 15).

A row of the agenda is some 30 template nodes (three translations, a URL, two dates, five
conditions): the forecast fragment, loaded after the agenda page, spent about a third of its
time in them. ``agenda_rows`` writes the markup the row template wrote
(tests/data/agenda_items_reference.html), with the same messages (``{% translate %}``'s output
escaped as the tag does, ``{% blocktranslate %}``'s values escaped) and every text escaped."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext

from core.dates import format_date
from core.html_rows import translated as _translate
from core.html_rows import url_of_rows

register = template.Library()


def _text(value) -> str:
    """``{{ value }}``: escaped."""
    return str(conditional_escape(value))


def _case_link():
    """The case agenda's address of a case, reversed once for the whole table."""
    return url_of_rows("agenda:case_agenda")


def _late(deadline, today) -> str:
    """``{{ deadline|timesince:today }}`` ("" where the filter gives "")."""
    try:
        return timesince(deadline, today)
    except (ValueError, TypeError):
        return ""


def _row(item, today, show_case, show_mediator, read_only, case_link, words) -> str:
    out = ['<tr class="text-body-secondary">' if item.forecast else "<tr>"]
    out.append(f'<td class="text-nowrap ps-3">{_text(format_date(item.deadline))}')
    if item.deadline < today:
        late = gettext("en retard (%(late)s)") % {"late": _text(_late(item.deadline, today))}
        out.append(f'<div class="small text-danger">{late}</div>')
    out.append("</td>")
    out.append(f"<td>{_text(item.label)}")
    if item.forecast:
        out.append(f' <span class="badge text-bg-light border">{words["forecast"]}</span>')
    if item.detail:
        out.append(f'<div class="small text-muted">{_text(item.detail)}</div>')
    out.append("</td>")
    out.append(
        f'<td class="text-nowrap d-none d-md-table-cell">{_text(format_date(item.due_date))}</td>'
    )
    reference = _text(item.case.reference)
    if show_case:
        out.append(
            f'<td><a class="text-nowrap" href="{_text(case_link(item.case.pk))}">{reference}</a>'
        )
        if show_mediator:
            out.append(f'<div class="small text-muted">{_text(item.case.mediator)}</div>')
        out.append("</td>")
    quiet = item.forecast or read_only
    out.append(
        '<td class="text-end pe-3"><a class="btn btn-sm '
        f'{"btn-outline-secondary" if quiet else "btn-outline-primary"}" href="{_text(item.url)}">'
        f'{words["see"] if quiet else words["settle"]}<span class="visually-hidden"> · '
        f"{reference} · {_text(item.label)}</span></a></td>"
    )
    out.append("</tr>")
    return "".join(out)


@register.simple_tag
def agenda_rows(items, today, show_case=False, show_mediator=False, read_only=False) -> SafeString:
    """The rows of one section of the agenda (``registry.AgendaItem``)."""
    words = {
        "forecast": _translate("prévision"),
        "see": _translate("Voir"),
        "settle": _translate("Régler"),
    }
    link = _case_link() if show_case else None
    rows = (_row(item, today, show_case, show_mediator, read_only, link, words) for item in items)
    return mark_safe("\n".join(rows))  # noqa: S308
