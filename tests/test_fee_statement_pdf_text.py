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
from fees.models import StatementLine
from fees.pdf import JOURNAL_COLUMNS, statement_html, statement_pdf
from fees.presentation import present
from fees.selectors import payees
from fees.services import statement_create
from ledger.services import account_open

from .factories import post_entry

D = Decimal
pytestmark = pytest.mark.django_db
TODAY = date(2024, 7, 1)
COMMUNICATION = '<b>Loyer & "ch"</b> 05/24'


def post(world, day, direction, amount, category, **kw):
    return post_entry(world, day, direction, amount, category, today=TODAY, **kw)


def year_statement(world):
    """The statement of the case's second year (15/06/2023 – 15/06/2024)."""
    return statement_create(
        case=world.case,
        period_from=date(2023, 6, 15),
        period_to=date(2024, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )


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
    return year_statement(world)


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


def words(text: str) -> str:
    return " ".join(text.split())


def notes_text(notes) -> str:
    return " ; ".join(f"{key} du {start} [{note}]" for key, start, note in notes)


@pytest.fixture
def payments_statement(world):
    """Three plain payments (one group of 2,2° lines sharing their tariff row) and the yearly
    lines: labels, explanations, journal references and tariff rows to find in the PDF."""
    account_open(case=world.case, iban="BE71096123456769", opened_on=date(2023, 6, 1))
    post(world, date(2023, 7, 3), "in", "5000.00", "income", counterparty="SPF Pensions")
    for day, payee in ((date(2023, 9, 4), "Logis SRL"), (date(2023, 10, 2), "Engie")):
        post(world, day, "out", "100.00", "payment_on_behalf", counterparty=payee)
    post(world, date(2023, 11, 6), "out", "50.00", "living_allowance", counterparty="Dubois Marie")
    return year_statement(world)


def test_each_line_s_label_explanation_journal_reference_and_tariff_rows_are_in_the_pdf(
    payments_statement,
):
    """Issue 15 (section I made cheaper to lay out: the date and the label one text, the
    journal reference, explanation and tariff rows one block, the rows a group's lines share
    printed once above them): nothing of a line is lost."""
    statement = payments_statement
    lines = list(statement.lines.order_by("position"))
    text = words(pdf_text(statement_pdf(statement, lines)))
    presented = present(
        lines,
        pricing_method=statement.pricing_method,
        reference_anniversary=statement.reference_anniversary,
        entries=payees(statement.case, statement.period_from, statement.period_to),
    )
    payments = [g for g in presented.groups if g.article == "2.2"][0]
    assert len(payments.lines) == 3 and payments.notes_for_all
    assert f"Barème de chaque ligne : {notes_text(payments.notes)}" in text
    for group in presented.groups:
        assert group.title in text
        for p in group.lines:
            line = p.line
            assert words(line.shown_label) in text, line.shown_label
            assert eur(line.amount) in text, line.shown_label
            if line.date:
                assert line.date.strftime("%d/%m/%Y") in text
            if p.compact:  # its justification is the group's introduction
                assert words(group.intro) in text
            else:
                assert words(line.shown_explanation) in text, line.shown_explanation
            if p.journal:
                assert f"Journal {words(p.journal)}" in text
            shown = p.own_notes or group.notes
            assert p.notes and shown == p.notes  # every line's rows, on the line or above
            assert notes_text(shown) in text
    journal = [p.journal for p in payments.lines]
    assert any("Logis SRL" in ref for ref in journal) and any("Engie" in ref for ref in journal)


def _payment(position: int, start: str | None, source: str = "M.B. 2023") -> StatementLine:
    rows = [{"key": "2.2", "effective_from": start, "source": source}] if start else []
    return StatementLine(
        position=position,
        article="2.2",
        label=f"Paiement {position}",
        quantity=D("1"),
        unit_amount=D("10.83"),
        amount=D("10.83"),
        tariff_rows=rows,
        rule="payment",
        explanation="",
        origin=f"payment:{position}",
    )


def test_the_tariff_rows_most_lines_share_are_printed_once_and_the_others_on_their_lines():
    presented = present(
        [
            _payment(1, "2023-01-01"),
            _payment(2, "2023-01-01"),
            _payment(3, "2024-01-01", "M.B. 2024"),
        ]
    )
    (group,) = presented.groups
    assert group.notes == [("2,2°", "01/01/2023", 1)] and not group.notes_for_all
    assert [p.own_notes for p in group.lines] == [[], [], [("2,2°", "01/01/2024", 2)]]
    # all the same: "each line"
    (group,) = present([_payment(1, "2023-01-01"), _payment(2, "2023-01-01")]).groups
    assert group.notes_for_all and [p.own_notes for p in group.lines] == [[], []]
    # one line alone, or a line without rows in the group: every line prints its own
    (group,) = present([_payment(1, "2023-01-01")]).groups
    assert group.notes == [] and group.lines[0].own_notes == [("2,2°", "01/01/2023", 1)]
    (group,) = present(
        [_payment(1, "2023-01-01"), _payment(2, "2023-01-01"), _payment(3, None)]
    ).groups
    assert group.notes == []
    assert [p.own_notes for p in group.lines] == [[("2,2°", "01/01/2023", 1)]] * 2 + [[]]
