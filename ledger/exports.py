"""Exports of the journal (livre-journal) of the mediation account for a period ``[start, end)``:
PDF for the court (annual report, taxation; WeasyPrint, A4 landscape) and CSV for the office
(semicolon-separated, UTF-8 with BOM, decimal comma, dates dd/mm/yyyy: what a Belgian
spreadsheet opens as is).

The PDF ends with the verification of the account's hash chain (``selectors.verify_chain``).
"""

import re
from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from stdnum import iban as std_iban

from cases.models import Case
from core.csv import csv_amount, csv_bytes, csv_text
from core.dates import format_date, format_datetime
from core.money import format_eur
from core.pdf import css_string as _css_string
from core.pdf import html_to_pdf

from .models import Account, Category, Direction, Entry
from .selectors import JournalExport, journal_export, verify_chain


def money(value: Decimal) -> str:
    return format_eur(value, get_language() or "fr")


def export_filename(case: Case, start: date, end: date, extension: str) -> str:
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", case.reference).strip("-") or str(case.pk)
    return f"livre-journal-{reference}-{start:%Y%m%d}-{end:%Y%m%d}.{extension}"


def iban_display(value: str) -> str:
    if not value:
        return ""
    try:
        return std_iban.format(value)
    except Exception:
        return value


def entry_label(entry: Entry) -> str:
    """The category as printed in the journal (a reserve transfer says which way)."""
    if entry.category == Category.RESERVE_TRANSFER:
        if entry.direction == Direction.IN:
            return _("Mise en réserve pour honoraires")
        return _("Libération de la réserve pour honoraires")
    return entry.get_category_display()


def _chain_status(account: Account) -> dict:
    broken = verify_chain(account)
    last = account.entries.order_by("-sequence").values_list("sequence", "hash").first()
    return {
        "broken": broken,
        "intact": not broken,
        "count": account.entries.count(),
        "last_sequence": last[0] if last else None,
        "last_hash": last[1] if last else "",
    }


def journal_pdf(*, case: Case, account: Account, start: date, end: date, now: datetime) -> bytes:
    html = journal_pdf_html(case=case, account=account, start=start, end=end, now=now)
    return html_to_pdf(html)


def journal_pdf_html(*, case: Case, account: Account, start: date, end: date, now: datetime) -> str:
    """The HTML of the court annex (what WeasyPrint prints)."""
    export = journal_export(account, start, end)
    summary = export.summary
    period = _("du %(start)s au %(end)s") % {
        "start": format_date(start),
        "end": format_date(summary.last_day),
    }
    footer = _("Livre-journal — dossier %(reference)s — %(period)s") % {
        "reference": case.reference,
        "period": period,
    }
    last_of_period = export.lines[-1].entry if export.lines else None
    return render_to_string(
        "ledger/journal_pdf.html",
        {
            "case": case,
            "account": account,
            "account_iban": iban_display(account.iban),
            "organisation": case.organisation,
            "applicants": list(case.applicants.order_by("position")),
            "export": export,
            "summary": summary,
            "lines": [(line, entry_label(line.entry)) for line in export.lines],
            "period": period,
            "now": now,
            "chain": _chain_status(account),
            "last_of_period": last_of_period,
            "footer": _css_string(footer),
            "page_label": _css_string(_("Page")),
            "of_label": _css_string(_("sur")),
            "language": get_language() or "fr",
        },
    )


# CSV ----------------------------------------------------------------------------------------

_text = csv_text  # a structured communication starts with +++: text, never a formula
_amount = csv_amount


def csv_columns() -> list[str]:
    return [
        _("N°"),
        _("Date valeur"),
        _("Enregistrée le"),
        _("Catégorie"),
        _("Contrepartie"),
        _("IBAN de la contrepartie"),
        _("Communication"),
        _("Créancier"),
        _("Autorisation du tribunal"),
        _("Ordre permanent"),
        _("Extourne de l'écriture n°"),
        _("Extournée par l'écriture n°"),
        _("Entrée"),
        _("Sortie"),
        _("Mouvement de la réserve"),
        _("Solde"),
        _("Réserve pour honoraires"),
        _("Remarque"),
        _("Saisie par"),
        _("Empreinte SHA-256"),
    ]


def _entry_row(line, label: str) -> list[str]:
    entry = line.entry
    reserve_move = None
    amount_in = amount_out = None
    if entry.category == Category.RESERVE_TRANSFER:
        reserve_move = entry.amount if entry.direction == Direction.IN else -entry.amount
    elif entry.direction == Direction.IN:
        amount_in = entry.amount
    else:
        amount_out = entry.amount
    reversed_by = getattr(entry, "reversed_by", None)
    return [
        str(entry.sequence),
        format_date(entry.value_date),
        format_datetime(timezone.localtime(entry.booked_at)) if entry.booked_at else "",
        _text(label),
        _text(entry.counterparty),
        iban_display(entry.counterparty_iban),
        _text(entry.communication),
        _text(entry.creditor.name) if entry.creditor_id else "",
        _text(entry.authorisation),
        _("oui") if entry.standing_order else "",
        str(entry.reverses.sequence) if entry.reverses_id else "",
        str(reversed_by.sequence) if reversed_by else "",
        _amount(amount_in),
        _amount(amount_out),
        _amount(reserve_move),
        _amount(line.balance),
        _amount(line.reserve),
        _text(entry.note),
        _text(str(entry.posted_by)) if entry.posted_by_id else "",
        entry.hash,
    ]


def _position_row(label: str, balance: Decimal, reserve: Decimal) -> list[str]:
    row = [""] * len(csv_columns())
    row[3] = label
    row[15] = _amount(balance)
    row[16] = _amount(reserve)
    return row


def journal_csv_from(export: JournalExport, start: date) -> bytes:
    summary = export.summary
    rows = [
        _position_row(
            _("Solde d'ouverture au %(date)s") % {"date": format_date(start)},
            summary.opening.balance,
            summary.opening.reserve,
        )
    ]
    rows.extend(_entry_row(line, entry_label(line.entry)) for line in export.lines)
    rows.append(
        _position_row(
            _("Solde de clôture au %(date)s") % {"date": format_date(summary.last_day)},
            summary.closing.balance,
            summary.closing.reserve,
        )
    )
    return csv_bytes(csv_columns(), rows)


def journal_csv(*, case: Case, account: Account, start: date, end: date, now: datetime) -> bytes:
    return journal_csv_from(journal_export(account, start, end), start)
