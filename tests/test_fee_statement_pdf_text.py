"""The fee statement's PDF prints every figure and text a court reads (issue 15: its journal
excerpt is monospaced text, one cell an entry, its lines' figures one cell): a journal entry's
number, date, operation, flags, counterparty, communication, in, out and balance, a line's
label, journal reference and amounts, the opening and closing positions; the mediator's and
the bank's text escaped (never markup)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from core.money import format_eur
from core.monotext import mono_lines
from fees.pdf import JOURNAL_COLUMNS, statement_html, statement_pdf
from fees.services import statement_create
from ledger.services import account_open

from .factories import post_entry

D = Decimal
pytestmark = pytest.mark.django_db
TODAY = date(2024, 7, 1)
COMMUNICATION = '<b>Loyer & "ch"</b> 05/24'


def post(world, day, direction, amount, category, **kw):
    return post_entry(world, day, direction, amount, category, today=TODAY, **kw)


@pytest.fixture
def statement(world):
    account_open(case=world.case, iban="BE71096123456769", opened_on=date(2023, 6, 1))
    post(world, date(2023, 7, 3), "in", "12345.67", "income", counterparty="SPF Pensions")
    post(
        world,
        date(2024, 5, 6),
        "out",
        "424.67",
        "payment_on_behalf",
        counterparty="Logis & Cie <SRL>",
        communication=COMMUNICATION,
        standing_order=True,
    )
    return statement_create(
        case=world.case,
        period_from=date(2023, 6, 15),
        period_to=date(2024, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, its no-break spaces (of "1.234,56 €") as spaces."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.replace("\xa0", " ")


def eur(value) -> str:
    return format_eur(value).replace("\xa0", " ")


def test_every_figure_and_text_of_the_journal_and_the_lines_is_in_the_pdf(statement):
    lines = list(statement.lines.order_by("position"))
    html = statement_html(statement, lines)
    text = pdf_text(statement_pdf(statement, lines))
    # the entry: number, date, operation and its flag, counterparty, communication, amounts
    for shown in (
        "06/05/2024",
        "Paiement pour compte du",
        "[ordre permanent]",
        "Logis & Cie <SRL>",
        COMMUNICATION,
        "424,67 €",
        "12.345,67 €",
        "11.921,00 €",  # the balance after it
        "Solde d'ouverture",
        "Totaux de la période et solde de clôture",
    ):
        assert shown in text, shown
    # the bank's and the mediator's text is escaped, never markup
    assert "&lt;b&gt;Loyer &amp; &quot;ch&quot;&lt;/b&gt;" in html
    assert "<b>Loyer" not in html and "<SRL>" not in html
    # every line: its label, its quantity, unit and amount, the subtotals and the total
    assert lines
    for line in lines:
        assert eur(line.amount) in text, line.shown_label
        assert line.shown_label.split()[0] in text
    assert eur(statement.total) in text
    assert "Journal n° 2" in text  # the 2,2° payment's reference to the journal


def test_a_row_wraps_its_text_in_its_columns_and_loses_nothing():
    (first, *rest) = mono_lines(
        (
            "12",
            "06/05/2024",
            ["Paiement pour compte du requérant [ordre permanent]"],
            ["Logis", "a very long communication " * 3],
            "",
            "424,67 €",
            "11.921,00 €",
        ),
        JOURNAL_COLUMNS,
    )
    width = sum(w for w, _a in JOURNAL_COLUMNS)
    assert all(len(line) <= width for line in (first, *rest))
    assert first.startswith("   12 06/05/2024  Paiement pour compte du")
    assert first.endswith("    424,67 €  11.921,00 €")
    joined = " ".join(" ".join(line.split()) for line in (first, *rest))
    for word in ("requérant", "[ordre", "permanent]", "Logis", "communication"):
        assert word in joined
