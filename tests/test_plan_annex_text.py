"""The plan's annex (the detailed schedule) set as lines of monospaced text
(``plans.tables.schedule_text``, issue 15: a table's cells cost ten times as much to lay out):
every figure of the table is still printed, in its column, under its heading, with the total
line, the columns aligned, cut in pages that repeat the headings; a creditor's name is text,
escaped in the PDF's HTML."""

import io
import re
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from claims.models import Claim, ClaimStatus, Creditor
from core.money import format_eur
from core.pdf import forget_inserts
from plans import pdf, selectors, services, tables
from plans.services import PlanData

D = Decimal
TODAY = date(2023, 3, 1)


class Column:
    def __init__(self, name: str):
        self.name = name


def schedule(names: list[str], months: int) -> tables.Schedule:
    table = tables.Schedule(columns=[Column(name) for name in names])
    remaining = D("10000.00")
    for n in range(months):
        dividends = [D("12.34") + k + n for k in range(len(names))]
        remaining -= sum(dividends)
        table.rows.append(
            tables.ScheduleRow(
                label=str(n + 1),
                due=f"{(n % 28) + 1:02d}/03/2024",
                available=D("1450.00"),
                fees=D("45.10"),
                dividends=dividends,
                unallocated=D("0.00"),
                remaining=remaining,
            )
        )
    return table


def columns_of(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+(?: \S+)*", line)]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_figure_is_in_its_column_under_its_heading(language):
    names = ["Banque Générale de Crédit à la Consommation SA", "ING", "Proximus"]
    part = schedule(names, 70)
    with translation.override(language):
        text = tables.schedule_text(part, language)
    rows = [line for page in text.pages for line in page.rows]
    assert len(rows) == 70
    head = text.heading.split("\n")
    assert all(len(line) <= text.chars for line in [*head, *rows, text.total])
    # each column's figures end where its heading ends (numbers right-aligned)
    last_head = head[-1]
    for row, source in zip(rows, part.rows, strict=True):
        money = [
            source.available,
            source.fees,
            *source.dividends,
            source.to_creditors,
            source.remaining,
        ]
        cells = [format_eur(value, language) for value in money]
        assert row.split()[0] == source.label and source.due in row
        for cell in cells:
            assert cell in row
        # the remaining due ends the line, under the last heading's end
        assert row.endswith(format_eur(source.remaining, language))
        assert len(row) == len(last_head.rstrip())
    # the long name wraps over the heading lines, whole words, nothing lost
    assert " ".join(" ".join(line.split()) for line in head).count("Consommation") == 1
    words = " ".join(head).split()
    for word in [
        "Banque",
        "Générale",
        "de",
        "Crédit",
        "à",
        "la",
        "Consommation",
        "SA",
        "ING",
        "Proximus",
    ]:
        assert word in words
    # the total line: each creditor's total, the available and the fees
    for k in range(len(names)):
        assert format_eur(part.totals[k], language) in text.total
    assert format_eur(part.available, language) in text.total
    assert text.total.split()[0] == ("Total" if language == "fr" else "Totaal")


def test_long_schedules_are_cut_in_pages_that_each_hold_their_rows():
    text = tables.schedule_text(schedule(["A", "B"], 84), "fr")
    assert len(text.pages) == 2
    assert [p.first for p in text.pages] == [True, False]
    assert [p.last for p in text.pages] == [False, True]
    assert sum(len(p.rows) for p in text.pages) == 84
    # the first page holds fewer rows than a full later page: the part's title is above
    longer = tables.paged(text.heading, ["r"] * 200, text.total, text.chars)
    assert len(longer.pages[0].rows) < len(longer.pages[1].rows)


def test_a_name_typed_with_control_or_combining_characters_keeps_the_columns_aligned():
    text = tables.schedule_text(schedule(["Cre\u0301dit\u200b\tdu\x07 Nord"], 3), "fr")
    head = text.heading.split("\n")
    words = text.heading.split()
    assert "Crédit" in words and "Nord" in words  # composed, one column each
    assert not {"\u0301", "\u200b", "\x07", "\t"} & set(text.heading)
    for line in [*head, *text.pages[0].rows]:
        assert not [c for c in line if unicodedata.category(c)[0] == "C"]
    lengths = {len(line) for line in text.pages[0].rows}
    assert len(lengths) == 1


@pytest.mark.django_db
def test_the_annex_of_a_plan_prints_every_creditor_and_escapes_its_name(world):
    forget_inserts()
    names = ['<b>Banque</b> & "Cie"', *(f"Créancier {n:02d}" for n in range(9))]
    made = Creditor.objects.bulk_create(
        Creditor(organisation=world.org, name=name, address="Rue 1\n5000 Namur") for name in names
    )
    Claim.objects.bulk_create(
        Claim(
            case=world.case,
            creditor=creditor,
            principal=D("1000.00") + n,
            declared_on=date(2022, 7, 1),
            status=ClaimStatus.ACCEPTED,
        )
        for n, creditor in enumerate(made)
    )
    version = services.plan_create(
        case=world.case,
        data=PlanData(
            kind="amicable",
            start_date=date(2022, 9, 1),
            duration_months=60,
            monthly_available=D("900.00"),
        ),
        by=world.mediator,
    )
    view = selectors.compute(version)
    html = pdf.plan_html(view, on=TODAY, mode="court")
    assert "<b>Banque</b>" not in html and "&lt;b&gt;Banque&lt;/b&gt;" in html
    reader = PdfReader(io.BytesIO(pdf.render_court_pdf(view, on=TODAY)))
    annex = [
        page.extract_text() for page in reader.pages if page.mediabox.width > page.mediabox.height
    ]
    joined = "\n".join(annex)
    assert "Annexe — Échéancier détaillé des dividendes par versement (2/2)" in joined
    # every payment's line, in each of the two tables (8 and 2 creditors)
    for creditor in view.result.creditors:
        paid = view.result.creditor_dividends(creditor.creditor_key)
        assert format_eur(sum(paid, D("0.00")), "fr").replace("\u00a0", " ") in joined.replace(
            "\u00a0", " "
        ), creditor.name
    assert "<b>Banque</b>" in joined  # the name as typed, printed as text
    for n in range(60):
        assert len(re.findall(rf"(?m)^\s*{n + 1} ", joined)) >= 2, n
    # each page of text the annex is cut in fits its page: nothing runs over to another
    with translation.override("fr"):
        parts = pdf.document_context(view, on=TODAY, mode="court")["schedule_parts"]
    assert len(annex) == sum(len(part.pages) for part in parts) == 4
    # every annex page repeats the headings
    for text in annex:
        assert "Échéance" in text and "Reste dû" in text


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_yearly_summary_prints_each_year_on_two_lines_and_hyphenates_long_words(language):
    names = ["Kredietmaatschappijvoorsociaalwonen", "ING"]
    part = schedule(names, 5)
    for n, row in enumerate(part.rows):
        row.label, row.due = f"Année {n + 1}", f"0{n + 1}/2024 – 0{n + 1}/2025"
    with translation.override(language):
        text = tables.yearly_text(part, language)
    assert len(text.pages) == 1
    head = text.heading.split("\n")
    assert all(len(line) <= text.chars for line in head)
    # the long name is hyphenated over the heading's lines: its pieces make it up again
    pieces = [word for line in head for word in line.split() if word.endswith("-")]
    assert pieces and all(len(piece) <= text.chars for piece in pieces)
    for line, row in zip(text.pages[0].rows, part.rows, strict=True):
        first, second = line.split("\n")
        assert first.startswith(row.label) and second == row.due
        for value in (row.available, row.fees, *row.dividends):
            assert format_eur(value, language) in first
        assert first.endswith(format_eur(row.remaining, language))
    assert format_eur(part.totals[0], language) in text.total
