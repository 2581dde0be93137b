"""Exports of the updated claims list: CSV (semicolon, UTF-8 with BOM, decimal comma), XLSX
(numbers as numbers with two decimals, dates as dates) and the PDF annex (WeasyPrint)."""

import csv
import importlib.util
import io
import re
import zlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    creditor_create,
    position_join,
    representation_add,
    representative_create,
)


@pytest.fixture
def filled(world):
    """Partena (three bailiff files, two joined), SPF Finances (a criminal fine), CHU
    (time-barred)."""
    partena = creditor_create(
        organisation=world.org,
        data=ContactData(name="Partena", enterprise_number="0202239951"),
    )
    spf = creditor_create(organisation=world.org, data=ContactData(name="SPF Finances"))
    chu = creditor_create(organisation=world.org, data=ContactData(name="CHU Namur"))
    bailiff = representative_create(
        organisation=world.org, data=ContactData(name="Étude Delvaux", role="bailiff")
    )
    files = []
    for n, principal in enumerate(["1000.00", "500.50", "250.25"]):
        files.append(
            claim_create(
                case=world.case,
                data=ClaimData(
                    creditor=partena,
                    principal=Decimal(principal),
                    interest=Decimal("10.10"),
                    declared_on=date(2022, 7, 1 + n),
                    creditor_reference=f"D-{n}",
                    nature="social_contributions",
                    representation=representation_add(
                        case=world.case,
                        creditor=partena,
                        representative=bailiff,
                        file_reference=f"HUI-{n}",
                    ),
                ),
            )
        )
    position_join(case=world.case, claims=files[:2], label="Partena joint")
    claim_create(
        case=world.case,
        data=ClaimData(
            creditor=spf,
            principal=Decimal("480.00"),
            declared_on=date(2022, 7, 4),
            nature="criminal_fine",
            paid_off_on=date(2023, 3, 31),
        ),
    )
    claim_create(
        case=world.case,
        data=ClaimData(
            creditor=chu,
            principal=Decimal("99.99"),
            declared_on=date(2022, 9, 30),
            time_barred=True,
        ),
    )
    return world


@pytest.fixture
def reader(client, filled):
    client.force_login(filled.supervisor)  # exports are readable by the whole organisation
    return client


def test_csv_export(reader, filled):
    response = reader.get(reverse("claims:export_csv", args=[filled.case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert f"creances-{filled.case.reference}-" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 6  # five claims and the total line
    first = rows[0]
    assert first["Créancier"] == "CHU Namur"
    assert first["Forclose"] == "oui"
    assert first["Principal"] == "99,99"
    assert first["Déclarée le"] == "30/09/2022"
    partena = [r for r in rows if r["Créancier"] == "Partena"]
    assert [r["Référence"] for r in partena] == ["D-0", "D-1", "D-2"]
    assert partena[0]["Intermédiaire"] == "Étude Delvaux (Huissier de justice)"
    assert partena[0]["Réf. intermédiaire"] == "HUI-0"
    assert partena[0]["Position jointe"] == "Partena joint"
    assert partena[0]["N° d'entreprise"] == "0202.239.951"
    assert partena[0]["Total"] == "1010,10"
    fine = next(r for r in rows if r["Créancier"] == "SPF Finances")
    assert fine["Non remissible"] == "oui" and fine["Soldée le"] == "31/03/2023"
    total = rows[-1]
    assert total["Créancier"] == "Total"
    assert total["Total"] == "2361,04"
    assert total["Part du créancier (%)"] == "100,00"


def test_xlsx_export(reader, filled):
    response = reader.get(reverse("claims:export_xlsx", args=[filled.case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Créances"]
    assert filled.case.reference in sheet["A2"].value
    header = [c.value for c in sheet[4]]
    assert header[:3] == ["Créancier", "N° d'entreprise", "Référence"]
    column = {name: index for index, name in enumerate(header)}
    rows = [list(row) for row in sheet.iter_rows(min_row=5)]
    assert len(rows) == 6
    chu = rows[0]
    principal = chu[column["Principal"]]
    assert isinstance(principal.value, float | int) and principal.value == pytest.approx(99.99)
    assert principal.number_format == "#,##0.00"
    declared = chu[column["Déclarée le"]]
    assert isinstance(declared.value, datetime) and declared.value.date() == date(2022, 9, 30)
    assert declared.number_format == "DD/MM/YYYY"
    total = rows[-1]
    assert total[0].value == "Total"
    assert total[column["Total"]].value == pytest.approx(2361.04)

    summary = book["Par créancier"]
    values = {row[0].value: row for row in summary.iter_rows(min_row=2)}
    assert values["Partena"][1].value == 3  # claims
    assert values["Partena"][6].value == pytest.approx(1781.05)  # participating total
    assert values["Partena"][7].value == pytest.approx(78.77)  # share: 1781.05 / 2261.05
    assert values["SPF Finances"][7].value == pytest.approx(21.23)
    assert values["SPF Finances"][9].value.date() == date(2023, 3, 31)  # paid off
    assert values["CHU Namur"][7].value == 0
    assert values["Créanciers déclarants (2,1°)"][1].value == 3
    assert values["Créanciers participant au plan (2,3°)"][1].value == 2


def pdf_text(content: bytes) -> bytes:
    """The PDF's bytes with its compressed streams inflated (no pypdf needed)."""
    chunks = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(chunks)


def pdf_contains(content: bytes, text: str) -> bool:
    """Metadata and bookmarks are written as UTF-16BE hex strings (<feff...>) or literals."""
    inflated = pdf_text(content)
    return text.encode() in inflated or text.encode("utf-16-be").hex().encode() in inflated.lower()


def test_pdf_export(reader, filled):
    response = reader.get(reverse("claims:export_pdf", args=[filled.case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    assert pdf_contains(content, filled.case.reference)  # title of the document
    assert pdf_contains(content, "Liste actualisée des créances")
    for name in ("Partena", "SPF Finances", "CHU Namur"):  # one section (bookmark) each
        assert pdf_contains(content, name)
    assert not pdf_contains(content, "Engie")
    if importlib.util.find_spec("pypdf"):  # richer check when pypdf is available
        from pypdf import PdfReader

        document = PdfReader(io.BytesIO(content))
        text = "".join(page.extract_text() for page in document.pages)
        assert "2,1°" in text and filled.case.reference in text


def test_pdf_is_scoped_to_the_organisation(reader, filled):
    response = reader.get(reverse("claims:export_pdf", args=[filled.other_case.pk]))
    assert response.status_code == 404  # another organisation's case
    reader.force_login(filled.other_mediator)
    response = reader.get(reverse("claims:export_pdf", args=[filled.other_case.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_name_that_looks_like_a_formula_stays_text(client, world):
    evil = creditor_create(organisation=world.org, data=ContactData(name='=HYPERLINK("x")'))
    claim_create(
        case=world.case,
        data=ClaimData(creditor=evil, principal=Decimal("1"), declared_on=date(2022, 7, 1)),
    )
    client.force_login(world.mediator)
    raw = client.get(reverse("claims:export_csv", args=[world.case.pk])).content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == '\'=HYPERLINK("x")'
    content = client.get(reverse("claims:export_xlsx", args=[world.case.pk])).content
    cell = load_workbook(io.BytesIO(content))["Créances"]["A5"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'
