"""Exports of a case's updated claims list (domain/README.md step 6: the annual report carries
an updated list of claims): PDF for the court (WeasyPrint, A4), CSV and XLSX for the office.

CSV: semicolon-separated, UTF-8 with BOM, decimal comma, dates dd/mm/yyyy (what a Belgian
spreadsheet opens as is). XLSX: amounts are numbers with two decimals, dates are dates.
"""

import re
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cases.models import Case
from core.csv import csv_bytes, csv_cell
from core.dates import format_date
from core.pdf import css_string as _css_string
from core.pdf import html_to_pdf
from core.spreadsheets import (
    Alignment,
    Font,
    PatternFill,
    append_row,
    get_column_letter,
    new_workbook,
    xlsx_bytes,
)

from .models import Claim
from .selectors import ClaimsTable, CreditorRow

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "DD/MM/YYYY"


def export_filename(case: Case, extension: str, today: date) -> str:
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", case.reference).strip("-") or str(case.pk)
    return f"creances-{reference}-{today:%Y%m%d}.{extension}"


def _debtors(claim: Claim) -> str:
    return ", ".join(a.full_name for a in claim.debtors.all())


def _representative(claim: Claim) -> tuple[str, str]:
    if not claim.representation_id:
        return "", ""
    rep = claim.representation
    return f"{rep.representative.name} ({rep.representative.get_role_display()})", (
        rep.file_reference
    )


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def claim_columns() -> list[str]:
    return [
        _("Créancier"),
        _("N° d'entreprise"),
        _("Référence"),
        _("Nature"),
        _("Non remissible"),
        _("Principal"),
        _("Intérêts"),
        _("Frais"),
        _("Total"),
        _("Déclarée le"),
        _("Statut"),
        _("Forclose"),
        _("Privilège"),
        _("Débiteur(s)"),
        _("Soldée le"),
        _("Intermédiaire"),
        _("Réf. intermédiaire"),
        _("Position jointe"),
        _("Part du créancier (%)"),
    ]


def _claim_values(row: CreditorRow, claim: Claim) -> list:
    """One claim's cells, typed (Decimal, date, str); the formats are the writer's."""
    representative, file_reference = _representative(claim)
    return [
        row.creditor.name,
        row.creditor.enterprise_number_display,
        claim.creditor_reference,
        claim.get_nature_display(),
        _yes_no(claim.non_remissible),
        claim.principal,
        claim.interest,
        claim.costs,
        claim.total,
        claim.declared_on,
        claim.get_status_display(),
        _yes_no(claim.time_barred),
        claim.get_privilege_display(),
        _debtors(claim),
        claim.paid_off_on,
        representative,
        file_reference,
        claim.position.label if claim.position_id else "",
        row.share_pct,
    ]


def _total_values(table: ClaimsTable) -> list:
    return [
        _("Total"),
        "",
        "",
        "",
        "",
        table.principal,
        table.interest,
        table.costs,
        table.total,
        None,
        "",
        "",
        "",
        "",
        None,
        "",
        "",
        "",
        table.share_total,
    ]


def claims_csv(case: Case, table: ClaimsTable) -> bytes:
    rows = [
        [csv_cell(v) for v in _claim_values(row, claim)]
        for row in table.rows
        for claim in row.claims
    ]
    rows.append([csv_cell(v) for v in _total_values(table)])
    return csv_bytes(claim_columns(), rows)


def claims_xlsx(case: Case, table: ClaimsTable, today: date) -> bytes:
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = _("Créances")[:31]
    append_row(
        sheet, [_("Liste actualisée des créances au %(date)s") % {"date": format_date(today)}]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    append_row(
        sheet,
        [
            _("Dossier %(reference)s — %(applicants)s — division %(division)s")
            % {
                "reference": case.reference,
                "applicants": case.applicants_display,
                "division": case.get_division_display(),
            }
            + (f" — R.G. {case.role_number}" if case.role_number else "")
        ],
    )
    append_row(sheet, [])
    columns = claim_columns()
    append_row(sheet, columns)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    money_columns = {6, 7, 8, 9, 19}
    date_columns = {10, 15}
    for row in table.rows:
        for claim in row.claims:
            append_row(sheet, _claim_values(row, claim))
    append_row(sheet, _total_values(table))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row_cells in sheet.iter_rows(min_row=header_row + 1, max_row=sheet.max_row):
        for cell in row_cells:
            if cell.column in money_columns and cell.value is not None:
                cell.number_format = MONEY_FORMAT
            elif cell.column in date_columns and cell.value is not None:
                cell.number_format = DATE_FORMAT
    widths = [32, 14, 18, 24, 10, 13, 13, 13, 13, 12, 22, 9, 18, 28, 12, 30, 18, 30, 12]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)

    summary = workbook.create_sheet(_("Par créancier")[:31])
    append_row(
        summary,
        [
            _("Créancier"),
            _("Créances"),
            _("Principal"),
            _("Intérêts"),
            _("Frais"),
            _("Total déclaré"),
            _("Total participant au plan"),
            _("Part (%)"),
            _("Forclos"),
            _("Désintéressé le"),
        ],
    )
    for cell in summary[1]:
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        append_row(
            summary,
            [
                row.creditor.name,
                len(row.claims),
                row.principal,
                row.interest,
                row.costs,
                row.total,
                row.participating_total,
                row.share_pct,
                _yes_no(row.all_time_barred),
                row.paid_off_on,
            ],
        )
    append_row(
        summary,
        [
            _("Total"),
            table.claim_count,
            table.principal,
            table.interest,
            table.costs,
            table.total,
            table.participating_total,
            table.share_total,
            "",
            None,
        ],
    )
    for cell in summary[summary.max_row]:
        cell.font = bold
    append_row(summary, [])
    append_row(summary, [_("Créanciers déclarants (2,1°)"), table.declared_creditors])
    append_row(summary, [_("Créanciers participant au plan (2,3°)"), table.participating_creditors])
    for row_cells in summary.iter_rows(min_row=2):
        for cell in row_cells:
            if cell.column in {3, 4, 5, 6, 7, 8} and isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif cell.column == 10 and cell.value is not None:
                cell.number_format = DATE_FORMAT
    for index, width in enumerate([34, 10, 14, 14, 14, 15, 16, 10, 9, 14], start=1):
        summary.column_dimensions[get_column_letter(index)].width = width

    return xlsx_bytes(workbook)


def claims_pdf(case: Case, table: ClaimsTable, today: date, language: str = "fr") -> bytes:
    return html_to_pdf(claims_pdf_html(case, table, today, language))


def claims_pdf_html(case: Case, table: ClaimsTable, today: date, language: str = "fr") -> str:
    """The HTML of the list of claims (also the annual report's annex)."""
    footer = _("Dossier %(reference)s — liste des créances au %(date)s") % {
        "reference": case.reference,
        "date": format_date(today),
    }
    return render_to_string(
        "claims/export_pdf.html",
        {
            "case": case,
            "table": table,
            "today": today,
            "applicants": list(case.applicants.order_by("position")),
            "organisation": case.organisation,
            "footer": _css_string(footer),
            "page_label": _css_string(_("Page")),
            "of_label": _css_string(_("sur")),
            "language": language,
        },
    )
