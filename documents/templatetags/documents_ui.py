"""The clerk's list of filed documents, its rows written in Python (issue 15).

A row of the clerk's table is some 30 template nodes (a URL, three translations, five
conditions, a loop over the applicants): 50 rows made the list about 5 × the empty layout page.
``clerk_rows`` writes the markup the row template wrote (``tests/data/clerk_row_reference.html``),
with the same messages (``{% translate %}``'s output escaped as the tag does,
``{% blocktranslate %}``'s values escaped) and every text of the document and its case escaped.
"""

import html
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace

from django import template
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone, is_naive
from django.utils.translation import get_language, gettext

from core.dates import format_date
from core.html_rows import url_of_rows
from documents.models import DocumentKind
from documents.registry import document_title

register = template.Library()


def _text(value) -> str:
    """``{{ value }}``: escaped (the texts of a row are strings; ``html.escape`` is what
    Django's ``escape`` calls, without its lazy-string wrapper: a row calls this a dozen times)."""
    return html.escape(value) if type(value) is str else str(conditional_escape(str(value)))


def _download_link():
    """The clerk's download URL of a document, reversed once for the whole table."""
    return url_of_rows("documents:clerk_download")


@lru_cache(maxsize=4096)
def _shown_title(kind: str, title: str, language: str | None) -> str:
    """``document_title`` escaped, kept per process by its complete terms (a title is read
    back by trying every message of its kind: ``retranslate``)."""
    return _text(document_title(SimpleNamespace(kind=kind, title=title)))


class _Table:
    """What every row of one table shares, worked out once: the labels of the kinds and
    divisions, the days, the messages of the active language, the current time zone (what
    ``template_localtime`` converts to)."""

    def __init__(self):
        self.known: dict = {}
        self.language = get_language()
        self.tz = get_current_timezone() if settings.USE_TZ else None
        self.period = gettext("période du %(start)s au %(end)s")
        self.taxed = gettext("taxé le %(day)s")
        self.waiting = _text(gettext("en attente de taxation"))

    def day(self, value) -> str:
        """``{{ value|fr_date }}`` escaped (a datetime in local time, as the template showed
        it: ``template_localtime``)."""
        if (
            self.tz is not None
            and isinstance(value, datetime)
            and not is_naive(value)
            and getattr(value, "convert_to_local_time", True)
        ):
            value = value.astimezone(self.tz)
        return _text(format_date(value))


def _row(d, link, table: _Table) -> str:
    """A row; ``table`` keeps, for the table, the labels and titles already written (a handful
    of kinds and divisions)."""
    case = d.case
    known = table.known
    kind = known.get(("kind", d.kind))
    if kind is None:
        kind = known[("kind", d.kind)] = _text(d.get_kind_display())
    division = known.get(("division", d.filed_division))
    if division is None:
        division = known[("division", d.filed_division)] = _text(d.get_filed_division_display())
    title = _shown_title(d.kind, d.title, table.language)
    out = [
        "<tr>",
        f'<td class="text-nowrap">{table.day(d.filed_at)}</td>',
        f'<td><a href="{html.escape(link(d.pk))}">{kind}</a>',
    ]
    if d.period_start and d.period_end:
        period = table.period % {
            "start": table.day(d.period_start),
            "end": table.day(d.period_end),
        }
        out.append(f"<br><small>{period}</small>")
    out.append(f'<br><small class="text-muted">{title}</small>')
    if d.kind == DocumentKind.TAXATION_STATEMENT:
        if d.taxed_on:
            taxed = table.taxed % {"day": table.day(d.taxed_on)}
            out.append(f'<br><span class="badge text-bg-success">{taxed}</span>')
        else:
            out.append(f'<br><span class="badge text-bg-warning">{table.waiting}</span>')
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
    table = _Table()
    return mark_safe("\n".join(_row(d, link, table) for d in documents))  # noqa: S308
