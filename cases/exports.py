"""The caseload export (CSV, semicolon-separated for a Belgian spreadsheet), built in the
background with its progress recorded so that the page can show it. Requested by
``cases.services.caseload_export_request``, built by the task ``cases.build_caseload_export``."""

import io
import logging

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.csv import csv_bytes, csv_cell, csv_text, csv_writer
from core.dates import format_date
from core.spreadsheets import append_row, new_workbook, xlsx_bytes

from . import registry
from .models import Case, CaseloadExport
from .status import CaseStatus

logger = logging.getLogger(__name__)


def caseload_export_build(*, export_id: int) -> CaseloadExport:
    export = CaseloadExport.objects.get(pk=export_id)
    with translation.override(export.language):
        return _build(export)


def _build(export: CaseloadExport) -> CaseloadExport:
    export.state = CaseloadExport.State.RUNNING
    export.save(update_fields=["state"])
    try:
        cases = (
            Case.objects.filter(organisation_id=export.organisation_id)
            .select_related("mediator")
            .prefetch_related("applicants")
            .order_by("reference")
        )
        total = cases.count()
        export.total = total
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(
            [
                _("Référence"),
                _("Requérant(s)"),
                _("Division"),
                _("N° de rôle"),
                _("Statut"),
                _("Admissibilité"),
                _("Médiateur"),
                _("Clôture"),
            ]
        )
        for index, case in enumerate(cases.iterator(chunk_size=200), start=1):
            writer.writerow(
                [
                    csv_cell(value)
                    for value in (
                        case.reference,
                        case.applicants_display,  # typed by people: never a formula
                        case.get_division_display(),
                        case.role_number,
                        case.get_status_display(),
                        case.admissibility_date,
                        str(case.mediator),
                        case.closure_date,
                    )
                ]
            )
            if index % 50 == 0:
                CaseloadExport.objects.filter(pk=export.pk).update(
                    progress=int(index * 100 / max(total, 1))
                )
        export.content = buffer.getvalue()
        export.state = CaseloadExport.State.DONE
        export.progress = 100
    except Exception:  # the user sees a plain message; the worker's log has the traceback
        logger.exception("caseload export %s failed", export.pk)
        export.state = CaseloadExport.State.FAILED
        export.error = _("Erreur interne lors de la préparation du fichier.")
        export.finished_at = timezone.now()
        export.save()
        raise
    export.finished_at = timezone.now()
    export.save()
    return export


# The supervisor's overview as a file (issue 16, "Supervisor": exports of that view) ----------


def overview_table(rows) -> tuple[list[str], list[list]]:
    """The header and rows of the supervisor's overview (``selectors.supervisor_overview``):
    the mediator, the cases by status, the total, each registered count."""
    header = [
        _("Médiateur"),
        *[str(label) for label in CaseStatus.labels],
        _("Total"),
        *[str(spec.label) for spec in registry.supervisor_counts()],
    ]
    table = [
        [
            str(row.mediator),
            *[n for _code, n in row.status_cells],
            row.total,
            *[n for _spec, n in row.counts],
        ]
        for row in rows
    ]
    return header, table


def overview_csv(rows) -> bytes:
    header, table = overview_table(rows)
    return csv_bytes(header, [[csv_text(line[0]), *[str(n) for n in line[1:]]] for line in table])


def overview_xlsx(rows, today) -> bytes:
    header, table = overview_table(rows)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = _("Supervision")[:31]
    append_row(sheet, [_("Situation au %(date)s") % {"date": format_date(today)}])
    append_row(sheet, header)
    for line in table:
        append_row(sheet, line)
    return xlsx_bytes(workbook)
