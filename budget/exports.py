"""Exports of a budget version: the detailed budget as a PDF section for the annual report
(WeasyPrint, A4, court-annex layout), CSV for the office (semicolon, UTF-8 with BOM, decimal
comma, dates dd/mm/yyyy) and XLSX (openpyxl).

``budget_section_html(version)`` is the HTML of the section alone, for the annual-report
builder to embed; ``budget_pdf`` prints it as a stand-alone annex."""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.csv import csv_amount, csv_bytes, csv_text
from core.dates import format_date
from core.money import format_eur
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
from core.translate import localize

from . import selectors
from .allowance import (
    INCOME_RULES,
    AllowanceFloors,
    IncomeKind,
    IncomeRule,
    NonSeizable,
    NoRowInForce,
    compute_non_seizable,
)
from .models import AllowanceDecision, BudgetVersion, ChargeLine, IncomeLine

MONEY_FORMAT = "#,##0.00"


def money(value: Decimal) -> str:
    return format_eur(value, get_language() or "fr")


def safe_reference(case) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", case.reference).strip("-") or str(case.pk)


def export_filename(version: BudgetVersion, extension: str) -> str:
    return (
        f"budget-{safe_reference(version.case)}-v{version.number}-{version.date:%Y%m%d}.{extension}"
    )


def income_rule_label(kind: str) -> str:
    rule = INCOME_RULES[IncomeKind(kind)].rule
    return {
        IncomeRule.EARNED_SCALE: _("Barème art. 1409, § 1er (revenus professionnels)"),
        IncomeRule.REPLACEMENT_SCALE: _("Barème art. 1409, § 1erbis (revenus de remplacement)"),
        IncomeRule.EXEMPT: _("Insaisissable (art. 1410, § 2)"),
        IncomeRule.SEIZABLE: _("Saisissable (non protégé)"),
    }[rule]


@dataclass
class BudgetReport:
    """Everything an export shows of one version."""

    version: BudgetVersion
    applicants: list
    incomes: list[tuple[IncomeLine, str, str]]  # line, applicant's name, legal treatment
    charges: list[ChargeLine]
    totals: selectors.BudgetTotals
    floors: AllowanceFloors | None
    floors_error: str
    non_seizable_only: NonSeizable | None  # when only the integration income is missing
    decision: AllowanceDecision | None
    schedule: selectors.AllowanceSchedule | None

    @property
    def case(self):
        return self.version.case

    @property
    def available(self) -> Decimal | None:
        return None if self.decision is None else self.totals.resources - self.decision.amount


def budget_report(version: BudgetVersion) -> BudgetReport:
    applicants = list(version.case.applicants.order_by("position"))
    names = {a.position: a.full_name for a in applicants}

    def receiver(line: IncomeLine) -> str:
        if line.outside_case:
            return _("Conjoint ou partenaire hors procédure")
        if line.person:
            return names.get(line.person, "")
        if len(applicants) == 1 and INCOME_RULES[IncomeKind(line.kind)].under_scale:
            return applicants[0].full_name  # the sole applicant's own income
        return _("Ménage")

    floors, error, partial = None, "", None
    tables = selectors.legal_tables()
    try:
        floors = selectors.floors_for(version, tables)
    except NoRowInForce as exc:
        error = localize(exc.text)
        if exc.table == "integration_income":
            partial = compute_non_seizable(
                selectors.incomes_of(version),
                selectors.household_of(version),
                version.date,
                tables,
                names,
            )
    decision = selectors.latest_decision(version)
    return BudgetReport(
        version=version,
        applicants=applicants,
        incomes=[
            (
                line,
                receiver(line),
                _("Hors procédure : pas un revenu du requérant, non compté")
                if line.outside_case
                else income_rule_label(line.kind),
            )
            for line in version.incomes.all()
        ],
        charges=list(version.charges.all()),
        totals=selectors.totals_of(version),
        floors=floors,
        floors_error=error,
        non_seizable_only=partial,
        decision=decision,
        schedule=selectors.schedule_of(decision) if decision else None,
    )


def budget_section_html(version: BudgetVersion, *, now: datetime, standalone: bool = False):
    report = budget_report(version)
    footer = _("Budget détaillé — dossier %(reference)s — version n° %(n)s du %(date)s") % {
        "reference": version.case.reference,
        "n": version.number,
        "date": format_date(version.date),
    }
    return render_to_string(
        "budget/budget_pdf.html",
        {
            "report": report,
            "case": version.case,
            "organisation": version.case.organisation,
            "version": version,
            "now": now,
            "standalone": standalone,
            "footer": _css_string(footer),
            "page_label": _css_string(_("Page")),
            "of_label": _css_string(_("sur")),
            "language": get_language() or "fr",
        },
    )


def budget_pdf(*, version: BudgetVersion, now: datetime) -> bytes:
    return html_to_pdf(budget_section_html(version, now=now, standalone=True))


# CSV ----------------------------------------------------------------------------------------


def csv_columns() -> list[str]:
    return [
        _("Rubrique"),
        _("Nature"),
        _("Libellé"),
        _("Requérant"),
        _("Montant mensuel"),
        _("Payée par le médiateur"),
        _("Traitement légal"),
    ]


def _rows(report: BudgetReport) -> list[list]:
    """The export's rows, amounts as Decimal (CSV and XLSX format them their way)."""
    rows: list[list] = []
    income_section, charge_section = _("Revenus"), _("Charges")
    for line, name, rule in report.incomes:
        rows.append(
            [income_section, line.get_kind_display(), line.label, name, line.amount, "", rule]
        )
    rows.append([_("Total des revenus"), "", "", "", report.totals.resources, "", ""])
    for line in report.charges:
        rows.append(
            [
                charge_section,
                line.get_kind_display(),
                line.label,
                "",
                line.amount,
                _("oui") if line.paid_from_account else "",
                "",
            ]
        )
    rows.append([_("Total des charges"), "", "", "", report.totals.charges, "", ""])
    rows.append([_("Solde (revenus − charges)"), "", "", "", report.totals.balance, "", ""])
    allowance = _("Pécule de médiation")
    if report.floors is not None:
        floors = report.floors
        rows.append(
            [
                allowance,
                _("Quotité insaisissable"),
                "",
                "",
                floors.non_seizable,
                "",
                _("art. 1409 à 1412 C.J."),
            ]
        )
        rows.append(
            [
                allowance,
                _("Plancher absolu"),
                _("revenu d'intégration + allocations familiales"),
                "",
                floors.hard_floor,
                "",
                _("art. 1675/9, § 4, C.J."),
            ]
        )
    if report.decision is not None:
        decision = report.decision
        rows.append(
            [
                allowance,
                _("Pécule fixé"),
                decision.get_frequency_display(),
                "",
                decision.amount,
                "",
                "",
            ]
        )
        rows.append(
            [allowance, _("Versé au requérant"), "", "", decision.paid_to_applicant, "", ""]
        )
        rows.append(
            [
                allowance,
                _("Disponible pour le plan (avant honoraires)"),
                "",
                "",
                report.available,
                "",
                "",
            ]
        )
    return rows


def budget_csv(*, version: BudgetVersion, now: datetime) -> bytes:
    report = budget_report(version)
    rows = (
        [csv_amount(cell) if isinstance(cell, Decimal) else csv_text(str(cell)) for cell in row]
        for row in _rows(report)
    )
    return csv_bytes(csv_columns(), rows)


# XLSX ---------------------------------------------------------------------------------------


def budget_xlsx(*, version: BudgetVersion, now: datetime) -> bytes:
    report = budget_report(version)
    case = version.case
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = _("Budget")[:31]
    append_row(
        sheet,
        [
            _("Budget détaillé du ménage — version n° %(n)s au %(date)s")
            % {"n": version.number, "date": format_date(version.date)}
        ],
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
    append_row(
        sheet,
        [
            _(
                "Ménage : %(adults)s adulte(s), %(children)s enfant(s) à charge ; revenu "
                "d'intégration, catégorie : %(category)s"
            )
            % {
                "adults": version.adults,
                "children": version.dependent_children,
                "category": version.get_ris_category_display(),
            }
        ],
    )
    append_row(sheet, [])
    append_row(sheet, csv_columns())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in _rows(report):
        append_row(sheet, row)
        if not row[1]:  # totals
            for cell in sheet[sheet.max_row]:
                cell.font = bold
    for row_cells in sheet.iter_rows(min_row=header_row + 1, max_row=sheet.max_row):
        cell = row_cells[4]
        if isinstance(cell.value, Decimal | int | float):
            cell.number_format = MONEY_FORMAT
    for index, width in enumerate([26, 34, 34, 24, 16, 12, 44], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)

    working = workbook.create_sheet(_("Calcul du pécule")[:31])
    working.column_dimensions["A"].width = 140
    if report.floors is None:
        append_row(working, [report.floors_error])
    else:
        append_row(working, [_("Calcul au %(date)s") % {"date": format_date(version.date)}])
        working["A1"].font = bold
        for line in report.floors.working_text:  # in the reader's language (issue 16)
            append_row(working, [localize(line)])
    return xlsx_bytes(workbook)
