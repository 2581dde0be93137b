"""CSV files for the office's spreadsheets, one way for every export (claims, journal, budget,
caseload): semicolon-separated, decimal comma, dates dd/mm/yyyy, UTF-8 with a byte order mark
(Excel in a Belgian locale opens it right), CRLF line ends; and no cell a spreadsheet would run
as a formula (CSV injection: a name typed "=HYPERLINK(…)" or a structured communication
"+++123/…" stays text)."""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from core.dates import format_date, format_datetime

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
NUMBER = re.compile(r"-?\d+(,\d+)?")  # an amount as csv_amount writes it: not a formula


def csv_text(value: str | None) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    value = value or ""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def csv_amount(value: Decimal | None) -> str:
    """An amount with two decimals and a decimal comma (its sign kept: it is a number)."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def csv_cell(value) -> str:
    """Any value as a cell: amounts and dates the Belgian way, the rest as guarded text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return csv_amount(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int):
        return str(int(value))
    return csv_text(str(value))


def neutral_cell(cell) -> str:
    """What the writer writes of any cell: a text that a spreadsheet would run as a formula
    gets the quote prefix (unless it is already guarded or a plain number like "-12,50")."""
    cell = "" if cell is None else str(cell)
    if cell.startswith(FORMULA_PREFIXES) and not NUMBER.fullmatch(cell):
        return f"'{cell}"
    return cell


class NeutralWriter:
    """A ``csv.writer`` (semicolons, CRLF) that neutralises every cell it writes: the one
    writer of every CSV of the application."""

    def __init__(self, buffer: io.StringIO):
        self._writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([neutral_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(buffer: io.StringIO) -> NeutralWriter:
    return NeutralWriter(buffer)


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[str]]) -> bytes:
    """The whole file from the header and rows of cells already made with :func:`csv_cell`,
    :func:`csv_text` or :func:`csv_amount` (written as they are: a negative amount is not
    text)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(list(header))
    writer.writerows(rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
