"""The annual report as a court document (WeasyPrint, A4): the report itself (the court's
caption, the state and evolution of the procedure, the account's figures, the budget, the claims,
the taxation requested, the signature), then its annexes, each numbered on its own as the
court receives them: 1. the journal of the mediation account for the period (landscape), 2. the
applicant's detailed budget, 3. the updated list of claims (domain/README.md, step 6).

In the language of the procedure (the division's: ``core.divisions.procedure_language``)
whatever the interface language, like every document filed by the application."""

from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from budget.exports import budget_section_html
from claims.exports import claims_pdf_html
from core.dates import format_date
from core.divisions import court_name, procedure_language, tribunal_of
from core.pdf import Progress, join_pdf, render_pdf
from ledger.exports import journal_pdf_html
from ledger.models import Category
from letters.pdf import letterhead, signatory_of

from .selectors import AnnualReport


def report_html(report: AnnualReport, *, observations: str, on: date, final: bool = False) -> str:
    case = report.case
    annexes = []
    if report.account is not None:
        annexes.append("journal")
    if report.budget_version is not None:
        annexes.append("budget")
    annexes.append("claims")
    context = {
        "r": report,
        "case": case,
        "observations": observations.strip(),
        "on": on,
        "head": letterhead(case.organisation),
        "tribunal": tribunal_of(case.division),
        "division": case.get_division_display(),
        "court": court_name(case.division),
        "signatory": signatory_of(case.mediator),
        "annex_number": {name: n for n, name in enumerate(annexes, start=1)},
        "final": final,
    }
    with translation.override(procedure_language(case.division)):
        # The journal's category labels were read in the reader's language: the report is in
        # the procedure's (issue 16).
        if report.ledger is not None:
            labels = dict(Category.choices)
            for total in report.ledger.categories:
                total.label = str(labels.get(total.category, total.label))
        return render_to_string("reports/annual_report_pdf.html", context)


ANNEX_STYLE = (
    "text-align:right;font-family:'DejaVu Sans',sans-serif;font-size:8pt;font-weight:bold;"
    "letter-spacing:.3pt;margin:0 0 2mm 0"
)


def _labelled(html: str, label: str) -> str:
    """The annex's HTML with its number on top of its first page ("Annexe 2 au rapport…"); the
    budget's generic annex line is replaced by it."""
    banner = f'<div style="{ANNEX_STYLE}">{escape(label)}</div>'
    generic = '<div class="annex">' + str(_("Annexe au rapport annuel du médiateur de dettes"))
    if generic in html:
        return html.replace(generic + "</div>", banner, 1)
    head, body, rest = html.partition("<body>")
    return head + body + banner + rest if body else banner + html


def annex_htmls(report: AnnualReport, *, on: date, now: datetime) -> list[str]:
    """The annexes' HTML, in the order the report numbers them, each labelled with its
    number."""
    with translation.override(procedure_language(report.case.division)):
        htmls = _annexes(report, on=on, now=now)
        period = _("rapport du médiateur du %(start)s au %(end)s") % {
            "start": format_date(report.period.start),
            "end": format_date(report.period.last_day),
        }
        return [
            _labelled(html, _("Annexe %(n)s au %(report)s") % {"n": n, "report": period})
            for n, html in enumerate(htmls, start=1)
        ]


def _annexes(report: AnnualReport, *, on: date, now: datetime) -> list[str]:
    case = report.case
    htmls = []
    if report.account is not None:
        htmls.append(
            journal_pdf_html(
                case=case,
                account=report.account,
                start=report.period.start,
                end=report.period.end,
                now=now,
            )
        )
    if report.budget_version is not None:
        htmls.append(budget_section_html(report.budget_version, now=now, standalone=True))
    htmls.append(claims_pdf_html(case, report.claims, on, procedure_language(case.division)))
    return htmls


# How many rows fit on a page, on average (issue 15): the journal annex's entries (landscape)
# and the list of claims.
ENTRIES_A_PAGE = 28
CLAIMS_A_PAGE = 25


def pages_estimate(report: AnnualReport) -> int:
    """About how many pages the report and its annexes will have, from their rows (no query):
    enough to choose between a PDF made at once and one made in the background."""
    pages = 3 + 1 + -(-len(report.claims.rows) // CLAIMS_A_PAGE)
    if report.ledger is not None:
        pages += 2 + report.ledger.count // ENTRIES_A_PAGE
    if report.budget_version is not None:
        pages += 2
    return pages


def annual_report_pdf(
    report: AnnualReport,
    *,
    observations: str,
    on: date,
    now: datetime,
    final: bool = False,
    progress: Progress | None = None,
) -> bytes:
    """The report and its annexes in one PDF (``final``: the last report, issue 17).
    ``progress`` (a background job's) is told how far it is: each part laid out in turn, each
    its share of the whole, the file written last."""
    htmls = [
        report_html(report, observations=observations, on=on, final=final),
        *annex_htmls(report, on=on, now=now),
    ]
    if progress is None:
        return join_pdf([render_pdf(html) for html in htmls])
    # the journal annex is most of a long report: each part weighs its expected pages
    weights = [4] + ([2 + report.ledger.count // ENTRIES_A_PAGE] if report.account else [])
    weights += [2] * (len(htmls) - len(weights))
    total, done, documents = sum(weights) or 1, 0, []
    for html, weight in zip(htmls, weights, strict=False):

        def part(phase: str, percent: int, done=done, weight=weight) -> None:
            # a part's layout is 0-75 % of its own rendering (core.pdf)
            progress("layout", (done * 90 + weight * 90 * min(percent, 75) // 75) // total)

        documents.append(render_pdf(html, progress=part, pages_expected=weight))
        done += weight
    progress("write", 90)
    return join_pdf(documents)
