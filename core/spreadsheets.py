"""XLSX workbooks for the office (openpyxl), one way for every export: a workbook is made with
:func:`new_workbook` and saved with :func:`xlsx_bytes`, which goes over every cell of every
sheet before saving and writes as plain text any text a spreadsheet would run as a formula (a
label typed "=HYPERLINK(…)", a structured communication "+++123/…"): stored as a string with
Excel's quote prefix, so that it stays text even when the cell is edited. Rows are added with
:func:`append_row`, which also drops the characters the file format forbids (control
characters) instead of failing the export.

openpyxl is imported here only; the styles the exports use are re-exported."""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.csv import FORMULA_PREFIXES

__all__ = [
    "Alignment",
    "append_row",
    "Font",
    "PatternFill",
    "get_column_letter",
    "neutralise_workbook",
    "new_workbook",
    "text_value",
    "xlsx_bytes",
]


def new_workbook() -> Workbook:
    return Workbook()


def text_value(value):
    """A cell's value with the characters the file format forbids removed (other values as
    they are)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append_row(sheet, values) -> None:
    """Append a row to ``sheet`` (instead of ``sheet.append``): its text made writable and
    neutralised like every cell at :func:`xlsx_bytes`."""
    values = [text_value(value) for value in values]
    sheet.append(values)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            _neutralise(sheet.cell(row=sheet.max_row, column=column))


def _neutralise(cell) -> None:
    if isinstance(cell.value, str) and (
        cell.data_type == "f" or cell.value.startswith(FORMULA_PREFIXES)
    ):
        cell.data_type = "s"
        cell.quotePrefix = True


def neutralise_workbook(workbook: Workbook) -> None:
    """Every text cell that is (or looks like) a formula becomes text; illegal characters go."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                _neutralise(cell)


def xlsx_bytes(workbook: Workbook) -> bytes:
    """The workbook's file, neutralised (see the module)."""
    neutralise_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
