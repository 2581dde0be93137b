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

from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.models import Case
from core.dates import format_date
from core.divisions import court_name, procedure_language, tribunal_of
from core.money import format_eur
from core.monotext import mono_lines
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


# The journal excerpt's columns, in characters of DejaVu Sans Mono at 7 pt (114: as many as fit the
# A4 page's width, less the body's and the cell's margins): n°, date, operation (and its
# flags, the creditor), counterparty (and the communication), in, out, balance. Each entry is
# one cell of monospaced text (issue 15: a row's cost in WeasyPrint is its boxes;
# ``core.templatetags.pdf_layout``).
JOURNAL_COLUMNS = ((5, "r"), (11, "r"), (30, "l"), (31, "l"), (12, "r"), (12, "r"), (13, "r"))
# Where the in and out columns start on a line (the amounts of a reversed entry are struck).
_AMOUNTS_FROM = sum(width for width, _align in JOURNAL_COLUMNS[:4])
_AMOUNTS_TO = _AMOUNTS_FROM + JOURNAL_COLUMNS[4][0] + JOURNAL_COLUMNS[5][0]


def _eur(value) -> str:
    return format_eur(value, translation.get_language() or "fr")


def _reversed_by(entry):
    try:
        return entry.reversed_by
    except ObjectDoesNotExist:
        return None


def _journal_entry(line) -> str | SafeString:
    """One entry of the journal excerpt as monospaced text: every figure and every text the
    former table printed (the flags in brackets, the creditor and the communication on lines
    of their own, a reserve transfer's amount noted under the in and out columns, a reversed
    entry's amounts struck through). Plain text, escaped by the template; a reversed entry's
    is built escaped here."""
    entry = line.entry
    reversed_by = _reversed_by(entry)
    operation = [entry_label(entry)]
    flags = []
    if entry.standing_order:
        flags.append(_("ordre permanent"))
    if entry.reverses_id:
        flags.append(_("extourne du n° %(n)s") % {"n": entry.reverses.sequence})
    if reversed_by is not None:
        flags.append(_("extournée par le n° %(n)s") % {"n": reversed_by.sequence})
    if flags:
        operation[0] += " " + " ".join(f"[{flag}]" for flag in flags)
    if entry.creditor_id and entry.creditor.name != entry.counterparty:
        operation.append(_("créancier : %(name)s") % {"name": entry.creditor.name})
    counterparty = [entry.counterparty or ""]
    if entry.communication:
        counterparty.append(entry.communication)
    inflow = outflow = ""
    reserve = None
    if entry.category == "reserve_transfer":
        sign = "+" if entry.direction == "in" else "−"
        word = _("réserve")  # not inside the f-string: makemessages would not see it
        reserve = f"({word} {sign}{_eur(entry.amount)})"
    elif entry.direction == "in":
        inflow = _eur(entry.amount)
    else:
        outflow = _eur(entry.amount)
    lines = mono_lines(
        (
            str(entry.sequence),
            format_date(entry.value_date),
            operation,
            counterparty,
            inflow,
            outflow,
            _eur(line.balance),
        ),
        JOURNAL_COLUMNS,
    )
    if reserve is not None:
        # Under the in and out columns, on the entry's second line (or a line of its own).
        note = reserve.rjust(_AMOUNTS_TO - _AMOUNTS_FROM)
        if len(lines) < 2:
            lines.append("")
        lines[1] = lines[1].ljust(_AMOUNTS_FROM) + note
    if reversed_by is None:
        return "\n".join(lines)
    first = lines[0].ljust(_AMOUNTS_TO)
    amounts = first[_AMOUNTS_FROM:_AMOUNTS_TO]
    start = _AMOUNTS_FROM + len(amounts) - len(amounts.lstrip())  # strike the figure only
    end = _AMOUNTS_TO - (len(amounts) - len(amounts.rstrip()))
    struck = (
        escape(first[:start])
        + mark_safe('<span class="struck">')
        + escape(first[start:end])
        + mark_safe("</span>")
        + escape(first[end:])
    )
    return mark_safe("\n".join([struck, *(escape(rest) for rest in lines[1:])]))


def _journal_position(date_shown: date, label: list[str], figures: tuple) -> str:
    """The opening or the closing position of the excerpt, in the entries' columns."""
    return "\n".join(
        mono_lines((None, format_date(date_shown), label, *figures), _POSITION_COLUMNS)
    )


# A position's label runs over the operation and counterparty columns.
_POSITION_COLUMNS = (
    JOURNAL_COLUMNS[0],
    JOURNAL_COLUMNS[1],
    (JOURNAL_COLUMNS[2][0] + JOURNAL_COLUMNS[3][0], "l"),
    *JOURNAL_COLUMNS[4:],
)


def _journal_header() -> str:
    return "\n".join(
        mono_lines(
            (
                _("N°"),
                _("Date"),
                _("Opération"),
                _("Contrepartie et communication"),
                _("Entrée"),
                _("Sortie"),
                _("Solde"),
            ),
            JOURNAL_COLUMNS,
        )
    )


def _journal(case: Case, start: date, end: date) -> dict | None:
    """The journal excerpt of the period, with its opening and closing positions, each row as
    monospaced text (``_journal_entry``)."""
    account = account_of(case)
    if account is None:
        return None
    export = journal_export(account, start, end)
    summary = export.summary
    last_day = end - timedelta(days=1)
    opening = [_("Solde d'ouverture")]
    if summary.opening.reserve:
        opening.append(
            "(%s)"
            % (_("dont réserve pour honoraires %(r)s") % {"r": _eur(summary.opening.reserve)})
        )
    closing = [_("Totaux de la période et solde de clôture")]
    if summary.closing.reserve:
        closing.append(
            "(%s)"
            % (_("dont réserve pour honoraires %(r)s") % {"r": _eur(summary.closing.reserve)})
        )
    return {
        "account": account,
        "iban": iban_display(account.iban),
        "summary": summary,
        "header": _journal_header(),
        "opening": _journal_position(start, opening, ("", "", _eur(summary.opening.balance))),
        "closing": _journal_position(
            last_day,
            closing,
            (_eur(summary.total_in), _eur(summary.total_out), _eur(summary.closing.balance)),
        ),
        "lines": [_journal_entry(line) for line in export.lines],
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
