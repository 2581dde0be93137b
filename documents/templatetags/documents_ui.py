"""The clerk's list of filed documents, its rows written in Python (issue 15).

A row of the clerk's table is some 30 template nodes (a URL, three translations, five
conditions, a loop over the applicants): 50 rows made the list about 5 × the empty layout page.
``clerk_rows`` writes the markup the row template wrote (``tests/data/clerk_row_reference.html``),
with the same messages (``{% translate %}``'s output escaped as the tag does,
``{% blocktranslate %}``'s values escaped) and every text of the document and its case escaped.
"""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from core.dates import format_date
from core.html_rows import url_of_rows
from documents.models import DocumentKind
from documents.registry import document_title

register = template.Library()


def _text(value) -> str:
    """``{{ value }}``: escaped (the texts of a row are strings)."""
    return escape(value) if type(value) is str else str(conditional_escape(str(value)))


def _download_link():
    """The clerk's download URL of a document, reversed once for the whole table."""
    return url_of_rows("documents:clerk_download")


def _row(d, link, known: dict) -> str:
    """A row; ``known`` keeps, for the table, the labels and titles already written (a handful
    of kinds and divisions, titles read back once: ``retranslate`` tries every message)."""
    case = d.case
    kind = known.get(("kind", d.kind))
    if kind is None:
        kind = known[("kind", d.kind)] = _text(d.get_kind_display())
    division = known.get(("division", d.filed_division))
    if division is None:
        division = known[("division", d.filed_division)] = _text(d.get_filed_division_display())
    title = known.get(("title", d.kind, d.title))
    if title is None:
        title = known[("title", d.kind, d.title)] = _text(document_title(d))
    out = [
        "<tr>",
        f'<td class="text-nowrap">{_text(format_date(template_localtime(d.filed_at)))}</td>',
        f'<td><a href="{escape(link(d.pk))}">{kind}</a>',
    ]
    if d.period_start and d.period_end:
        period = gettext("période du %(start)s au %(end)s") % {
            "start": _text(format_date(d.period_start)),
            "end": _text(format_date(d.period_end)),
        }
        out.append(f"<br><small>{period}</small>")
    out.append(f'<br><small class="text-muted">{title}</small>')
    if d.kind == DocumentKind.TAXATION_STATEMENT:
        if d.taxed_on:
            taxed = gettext("taxé le %(day)s") % {"day": _text(format_date(d.taxed_on))}
            out.append(f'<br><span class="badge text-bg-success">{taxed}</span>')
        else:
            waiting = _text(gettext("en attente de taxation"))
            out.append(f'<br><span class="badge text-bg-warning">{waiting}</span>')
    out.append("</td>")
    out.append(
        f'<td class="text-nowrap">{_text(case.role_number or "—")}<br>'
        f'<small class="text-muted">{_text(case.reference)}</small></td>'
    )
    names = getattr(case, "listed_applicants", None)  # documents.selectors.attach_clerk_applicants
    if names is None:
        names = [a.full_name for a in case.applicants.all()]
    applicants = " &amp; ".join(_text(name) for name in names)
    out.append(f"<td>{applicants}</td>")
    out.append(f"<td>{division}</td>")
    out.append(
        f'<td>{_text(str(case.mediator))}<br><small class="text-muted">'
        f"{_text(str(case.organisation))}</small></td>"
    )
    out.append("</tr>")
    return "".join(out)


@register.simple_tag
def clerk_rows(documents) -> SafeString:
    """The rows of the clerk's table: the page's ``documents.selectors.ClerkRow``
    (``clerk_page_rows``), or documents of ``clerk_documents`` (each with its case, the case's
    applicants, mediator and organisation)."""
    link = _download_link()
    known: dict = {}
    return mark_safe("\n".join(_row(d, link, known) for d in documents))  # noqa: S308
