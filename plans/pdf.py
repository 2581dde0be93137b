"""The plan's PDFs (WeasyPrint, A4): the proposal mailed to the creditors (a cover letter per
addressee, then the plan) and the version filed with the homologation request (court-document
look: the court's caption, the case's references, tables, totals, page numbers).

Both are court documents in the sense of issue 12: the court version, the proposal and its cover
letters are written in the language of the procedure (the division's:
``core.divisions.procedure_language``), whatever the interface language, and a court of a
Dutch-language division is named in Dutch, in full ("Arbeidsrechtbank Gent, afdeling Brugge";
docs/court-documents.md)."""

import re
from datetime import date

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from core.divisions import court_name, division_label, procedure_language, tribunal_of
from core.pdf import (
    collector_paused,
    copies_pdf,
    css_string,
    render_insert,
    render_pdf,
    render_pdf_parts,
    write_pdf,
    write_with_insert,
)
from core.templatetags.fr_be import dmy, eur
from letters.pdf import letterhead, signatory_of

from . import engine, selectors, tables, wording
from .charts import debt_chart
from .selectors import PlanView

# Creditor columns per schedule table: portrait (yearly summary), landscape (annex).
PORTRAIT_COLUMNS = 5
LANDSCAPE_COLUMNS = 8


def document_language(view: PlanView) -> str:
    """The language the plan's documents are written in: the procedure's (law of 15 June 1935,
    art. 2 and 4), for the court version as for the proposal and its cover letters."""
    return procedure_language(view.version.case.division)


def _court_fields(case, language: str) -> dict:
    """How a document names its court, in ``language``: ``tribunal`` within a sentence,
    ``division`` the division's name, ``jurisdiction`` the court in full for a Dutch-language
    division (a French division's documents keep their "Tribunal ..., division ..." line)."""
    return {
        "tribunal": tribunal_of(case.division, language),
        # its name in the document's language, not the reader's (the cover letters' context
        # is read outside the document's translation.override)
        "division": division_label(case.division, language),
        "jurisdiction": court_name(case.division) if language == "nl" else "",
    }


def document_context(view: PlanView, *, on: date, mode: str) -> dict:
    version = view.version
    case = version.case
    result = view.result
    applicants = list(case.applicants.order_by("position"))
    context = {
        "mode": mode,  # "proposal" or "court"
        "view": view,
        "version": version,
        "case": case,
        "result": result,
        "terms": view.terms,
        "limit": view.limit,
        "ranked": selectors.ranked_lines(view),
        "errors": _errors(view),
        # the notes the version stores, in the document's language (plans.wording)
        "available_note": wording.shown_note(version.available_note),
        "fee_estimate_note": wording.shown_note(version.fee_estimate_note),
        "head": letterhead(case.organisation),
        # in the language the document is written in (plan_html), the procedure's
        **_court_fields(case, document_language(view)),
        "court": court_name(case.division),
        "applicants": applicants,
        "signatory": signatory_of(case.mediator),
        "on": on,
    }
    if mode == "court" and version.pk:
        # The judge checks that the creditors had the proposal (art. 1675/10, § 4 C.J.).
        context["mailings"] = list(version.mailings.order_by("sent_on", "id"))
    if result is not None:
        context.update(
            {
                "yearly_parts": [
                    tables.yearly_text(part, document_language(view))
                    for part in tables.yearly(result).chunks(PORTRAIT_COLUMNS)
                ],
                "schedule_parts": [
                    tables.schedule_text(part, document_language(view))
                    for part in tables.schedule(result).chunks(LANDSCAPE_COLUMNS)
                ],
                "chart": debt_chart(result),
            }
        )
    return context


def _errors(view: PlanView) -> list[str]:
    """Why the plan cannot be computed, in the active language (the court version's is the
    procedure's, not the language the view was computed in): the engine is asked again."""
    if view.result is not None:
        return []
    try:
        engine.compute_plan(view.terms)
    except engine.PlanInputError as exc:
        return [message for messages in exc.errors.values() for message in messages]
    return list(view.errors)


TEMPLATE = "plans/pdf_plan.html"


def plan_html(view: PlanView, *, on: date, mode: str) -> str:
    """The court version and the proposal to the creditors are in the language of the
    procedure, the division's, whatever the interface's (docs/court-documents.md). The whole
    plan in one HTML document: what :func:`render_plan_pdf` prints, laid out in two parts."""
    with translation.override(document_language(view)):
        return render_to_string(TEMPLATE, document_context(view, on=on, mode=mode))


def render_plan_pdf(view: PlanView, *, on: date, mode: str) -> bytes:
    """The plan's PDF, as :func:`plan_html` prints it.

    The annex (the detailed schedule: landscape pages of one row per payment, most of a
    plan's layout and of its drawing) is the same in the proposal and in the court version:
    it is laid out and written once, in a document of its own (``core.pdf.render_insert``,
    kept for the next rendering of the same plan: the proposal, then the court version, issue
    #15), and set into the plan's pages. The plan lays out empty annex pages in its place,
    with the annex's bookmarks, so that its running footer and its "page X / Y" number the
    annex in the plan's sequence and count it in the total, and its outline lists it. The
    garbage collector is paused for the whole (see :func:`render_proposal_pdf`)."""
    with collector_paused(), translation.override(document_language(view)):
        context = document_context(view, on=on, mode=mode)
        if view.result is None:  # no schedule, no annex
            return write_pdf(render_pdf(render_to_string(TEMPLATE, context)))
        annex = render_insert(render_to_string(TEMPLATE, {**context, "section": "annex"}))
        slots = [
            {"id": f"annex-slot-{n}", "bookmark": _bookmark(marks)}
            for n, marks in enumerate(annex.bookmarks)
        ]
        html = render_to_string(TEMPLATE, {**context, "section": "main", "annex_slots": slots})
        return write_with_insert(render_pdf(html), [slot["id"] for slot in slots], annex)


def _bookmark(marks: tuple) -> tuple[int, str] | None:
    """The first bookmark of an annex page (its heading), its label as a CSS string."""
    if not marks:
        return None
    level, label = marks[0]
    return level, css_string(label)


def render_court_pdf(view: PlanView, *, on: date) -> bytes:
    return render_plan_pdf(view, on=on, mode="court")


def cover_context(view: PlanView, *, sent_on: date) -> dict:
    """What every cover letter of one mailing shares (read once for all the copies: issue 15,
    a plan sent to 50 creditors). The letter needs neither the plan's tables nor its chart."""
    version = view.version
    case = version.case
    return {
        "mode": "proposal",
        "view": view,
        "version": version,
        "case": case,
        "result": view.result,
        "terms": view.terms,
        "head": letterhead(case.organisation),
        # in the language of the procedure, the cover letter's (cover_html)
        **_court_fields(case, document_language(view)),
        "applicants": list(case.applicants.order_by("position")),
        "signatory": signatory_of(case.mediator),
        "on": sent_on,
    }


def cover_html(
    view: PlanView, *, addressee, sent_on: date, registered: bool, shared: dict | None = None
) -> str:
    """The cover letter of one copy (``addressee`` None: the preview, addressed to all);
    ``shared``: the mailing's :func:`cover_context`, read once for all its copies."""
    context = dict(shared if shared is not None else cover_context(view, sent_on=sent_on))
    creditor = None
    if addressee is not None and addressee.creditor_id and view.result is not None:
        key = str(addressee.creditor_id)
        creditor = next((c for c in view.result.creditors if c.creditor_key == key), None)
    context.update(
        {
            "addressee": addressee,
            "address_lines": [
                line.strip() for line in (addressee.address if addressee else "").splitlines()
            ],
            "creditor": creditor,
            "registered": registered,
            "sent_on": sent_on,
        }
    )
    with translation.override(document_language(view)):
        context["figures"] = cover_figures(creditor) if creditor is not None else []
        return render_to_string("plans/pdf_cover.html", context)


def cover_figures(creditor) -> list[tuple[str, str]]:
    """What the plan provides for one creditor, as the cover letter prints it: (label, amount)
    lines, in the active language. The letter sets them as two columns of lines, not a table
    (issue 15: a table is some twenty boxes to style and lay out, per letter)."""
    lines = [(gettext("Créance admise"), eur(creditor.admitted))]
    if creditor.already_paid:
        lines.append((gettext("Déjà payé avant le plan"), eur(creditor.already_paid)))
    if creditor.first_paid_on:
        lines.append(
            (
                gettext("Premier dividende, au %(d)s") % {"d": dmy(creditor.first_paid_on)},
                eur(creditor.first_paid),
            )
        )
        if creditor.usual_dividend != creditor.first_paid:
            lines.append(
                (gettext("Dividende habituel par versement"), eur(creditor.usual_dividend))
            )
    paid = f"{eur(creditor.paid)} ({floatformat(creditor.percent_repaid, 2)} %)"
    lines.append((gettext("Total payé par le plan"), paid))
    if creditor.remitted:
        lines.append((gettext("Remise de dettes sollicitée"), eur(creditor.remitted)))
    if creditor.not_remitted:
        lines.append(
            (gettext("Solde non remis, restant dû après le plan"), eur(creditor.not_remitted))
        )
    return lines


def render_proposal_pdf(
    view: PlanView, *, addressees: list | None, sent_on: date, registered: bool
) -> bytes:
    """One copy per addressee: its cover letter, then the plan (rendered once, numbered on its
    own). ``addressees`` None: a single copy addressed to the creditors (preview).

    The garbage collector stays paused from the plan's first layout to the joined copies
    (``core.pdf.collector_paused``; issue 15): let back on between two layouts, it went over
    every box of the documents still alive (the plan's, the letters') and freed nothing, about
    a tenth of a mailing to 50 creditors."""
    with collector_paused():
        return _proposal_pdf(view, addressees=addressees, sent_on=sent_on, registered=registered)


def _proposal_pdf(view: PlanView, *, addressees: list | None, sent_on: date, registered: bool):
    plan = render_plan_pdf(view, on=sent_on, mode="proposal")
    shared = cover_context(view, sent_on=sent_on)
    covers = [
        cover_html(view, addressee=addressee, sent_on=sent_on, registered=registered, shared=shared)
        for addressee in addressees or [None]
    ]
    # The cover letters are laid out together, in one document (one WeasyPrint layout rather
    # than one per creditor: issue #15), then each copy is its cover's pages and the plan's,
    # the plan written once and shared by the copies (core.pdf.copies_pdf).
    laid_out, parts = render_pdf_parts(
        _one_document(covers), [f"copy-{n}" for n in range(len(covers))]
    )
    return copies_pdf(laid_out, parts, plan)


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
# The cover letter's running footer (pdf_cover.html): one line of text, no nested element.
_FOOTER = re.compile(r'<div class="footer">[^<]*</div>')


def _one_document(htmls: list[str]) -> str:
    """The bodies of several renderings of one template (same head and styles) as one HTML
    document, each body a block starting a page, opened by an empty block with the id
    ``copy-<n>``.

    When every copy has the same running footer (the organisation's line: it is all of one
    mailing), it is written once, before the copies: WeasyPrint lays a page out again each
    time a new running element appears on it, so 50 copies of the same footer cost about 50
    pages laid out twice (issue #15); one footer gives every page the same line."""
    head = htmls[0][: htmls[0].index("<body")]
    head = head.replace("</head>", "<style>.copy + .copy { break-before: page; }</style></head>")
    bodies = [_BODY.search(html).group(1) for html in htmls]
    footers = {found.group(0) if found else None for found in map(_FOOTER.search, bodies)}
    shared = ""
    if len(footers) == 1 and None not in footers:
        shared = footers.pop()
        bodies = [_FOOTER.sub("", body, count=1) for body in bodies]
    # The id is on an empty block opening the copy, not on the copy: WeasyPrint computes the
    # style of an element with an id of its own (its anchor), and so of every element within
    # it; elements without one share the style of their likes (issue 15: the 50 copies' styles
    # computed once, not 50 times).
    copies = "".join(
        f'<div class="copy"><div id="copy-{n}"></div>{body}</div>' for n, body in enumerate(bodies)
    )
    return f"{head}<body>{shared}{copies}</body></html>"
