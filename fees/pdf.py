"""The PDF of a fee statement (état de frais et honoraires du médiateur de dettes), WeasyPrint,
A4 portrait, laid out as a court document: the court and the case's references, the parties,
the occasion and the period, the lines grouped by article of the royal decree of 18 December 1998
with their explanation and the tariff rows (and their Moniteur belge sources) that priced them,
subtotals, fees, VAT, disbursements and total, the journal excerpt of the period, place, date and
signature, "Page x / y".

A statement that is not filed prints as a draft ("PROJET", no date under the signature): only
filing gives the document its date (``filed_on``).
"""

import re
from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.models import Case
from core.dates import format_date
from core.divisions import court_name, procedure_language, tribunal_of
from core.pdf import Progress, html_to_pdf
from core.pdf import css_string as _css_string
from core.pricing import PricingMethod
from ledger.exports import entry_label, iban_display
from ledger.selectors import account_of, entry_count, journal_export

from .models import FeeStatement, Occasion, StatementLine
from .presentation import identity_of, present
from .selectors import payees


def _place(address: str) -> str:
    """The town of a Belgian postal address: its last line without the postcode."""
    lines = [line.strip() for line in (address or "").splitlines() if line.strip()]
    if not lines:
        return ""
    return re.sub(r"^(?:B-?\s*)?\d{4}\s+", "", lines[-1]).strip()


def tribunal_label(case: Case) -> str:
    """ "Tribunal du travail de Liège" for the Namur division (its court)."""
    return capfirst(tribunal_of(case.division))


def _journal(case: Case, start: date, end: date) -> dict | None:
    """The journal excerpt of the period, with its opening and closing positions."""
    account = account_of(case)
    if account is None:
        return None
    export = journal_export(account, start, end)
    return {
        "account": account,
        "iban": iban_display(account.iban),
        "summary": export.summary,
        "lines": [(line, entry_label(line.entry)) for line in export.lines],
    }


def statement_html(
    statement: FeeStatement,
    lines: list[StatementLine],
    *,
    filed_on: date | None = None,
    warnings: list[str] | tuple[str, ...] = (),
) -> str:
    """``warnings`` (a draft's only: what the mediator must check before filing, e.g. the
    JustRestart invoices and line 6 disagree) are printed under the draft's notice."""
    # A court document is in the language of the procedure, the division's (whatever the
    # interface's; docs/court-documents.md). The lines' labels and explanations are the engine's
    # phrases, rendered in that language too (StatementLine.shown_label; issue 16).
    with translation.override(procedure_language(statement.case.division)):
        return _statement_html(statement, lines, filed_on=filed_on, warnings=warnings)


def _statement_html(
    statement: FeeStatement,
    lines: list[StatementLine],
    *,
    filed_on: date | None,
    warnings: list[str] | tuple[str, ...] = (),
) -> str:
    case = statement.case
    identity = identity_of(statement)
    presented = present(
        lines,
        pricing_method=statement.pricing_method,
        reference_anniversary=statement.reference_anniversary,
        entries=payees(case, statement.period_from, statement.period_to),
    )
    last_day = statement.period_to - timedelta(days=1)
    period = _("du %(start)s au %(end)s") % {
        "start": format_date(statement.period_from),
        "end": format_date(last_day),
    }
    role = case.role_number or "—"
    footer = _("État de frais et honoraires — R.G. %(role)s — %(reference)s — %(period)s") % {
        "role": role,
        "reference": case.reference,
        "period": period,
    }
    return render_to_string(
        "fees/statement_pdf.html",
        {
            "statement": statement,
            "case": case,
            "applicants": list(case.applicants.order_by("position")),
            "tribunal": tribunal_label(case),
            "division": case.get_division_display(),
            "court": court_name(case.division),
            "identity": identity,
            "occasion": Occasion(statement.occasion).label,
            "period": period,
            "last_day": last_day,
            "method": PricingMethod(statement.pricing_method).label,
            "presented": presented,
            "vat_percent": (statement.vat_rate * 100).normalize() if statement.vat_rate else None,
            "journal": _journal(case, statement.period_from, statement.period_to),
            "draft": filed_on is None,
            "warnings": list(warnings) if filed_on is None else [],
            "filed_on": filed_on,
            "place": _place(identity.address),
            "footer": _css_string(footer),
        },
    )


def statement_pdf(
    statement: FeeStatement,
    lines: list[StatementLine],
    *,
    filed_on: date | None = None,
    warnings: list[str] | tuple[str, ...] = (),
    progress: Progress | None = None,
) -> bytes:
    """``progress`` (a background job's): told how far the rendering is."""
    html = statement_html(statement, lines, filed_on=filed_on, warnings=warnings)
    pages = statement_pages_estimate(statement, len(lines)) if progress else 1
    return html_to_pdf(html, progress=progress, pages_expected=pages)


# How many rows fit on a page, on average (issue 15; measured on the statement of one year of a
# 7-year case, 714 lines, mostly one-line payments, and 670 entries: 52 pages, estimated 58):
# the statement's lines and the journal's entries.
LINES_A_PAGE = 20
ENTRIES_A_PAGE = 35


def statement_pages_estimate(statement: FeeStatement, line_count: int) -> int:
    """About how many pages the statement's PDF will have, from its rows (two queries): the
    caption and recapitulation, its lines, its journal excerpt. Enough to choose between a PDF
    made at once and one made in the background (``documents.registry``)."""
    account = account_of(statement.case)
    entries = entry_count(account, statement.period_from, statement.period_to) if account else 0
    return 2 + -(-line_count // LINES_A_PAGE) + -(-entries // ENTRIES_A_PAGE)


def statement_filename(statement: FeeStatement, extension: str = "pdf") -> str:
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", statement.case.reference).strip("-") or "dossier"
    return (
        f"etat-honoraires-{reference}-{statement.period_from:%Y%m%d}-"
        f"{statement.period_to:%Y%m%d}.{extension}"
    )


def intervention_pdf(intervention, *, position) -> bytes:
    """A one-page summary of a request to the SPF Economie (for the file, and to copy its figures
    on the DebtMediation platform)."""
    case = intervention.case
    with translation.override("fr"):
        html = _intervention_html(intervention, case, position)
    return html_to_pdf(html)


def _intervention_html(intervention, case: Case, position) -> str:
    return render_to_string(
        "fees/intervention_pdf.html",
        {
            "intervention": intervention,
            "case": case,
            "applicants": list(case.applicants.order_by("position")),
            "tribunal": tribunal_label(case),
            "division": case.get_division_display(),
            "mediator": case.mediator,
            "organisation": case.organisation,
            "orders": position.orders,
            "footer": _css_string(
                f"Intervention du SPF Economie — R.G. {case.role_number or '—'} — {case.reference}"
            ),
        },
    )
