"""``core.monotext``: the one mechanism that sets the PDFs' long tables as lines of monospaced
text (the plan's annex and yearly summary, the fee statement's journal excerpt; issue 15)."""

from core.monotext import clean, lay_out, mono_lines, text_table, wrap
from fees.pdf import JOURNAL_COLUMNS

WIDTH = sum(width for width, _align in JOURNAL_COLUMNS)


def test_clean_leaves_one_column_a_character():
    assert clean("Cre\u0301dit\u200b\tdu\x07  Nord\u202e") == "Crédit du Nord"
    assert clean("\u0301seul") == "seul"  # a combining mark with nothing to combine with
    assert clean("  Électrabel\n SA ") == "Électrabel SA"


def test_wrap_cuts_a_reference_but_hyphenates_a_heading():
    reference = "+++090/9337/55493+++ BE68539007547034"
    lines = wrap(reference, 12)
    assert all(len(line) <= 12 for line in lines)
    assert "".join(lines).replace(" ", "") == reference.replace(" ", "")  # cut, no hyphen added
    heading = wrap("Onroerendgoedmaatschappij", 10, "nl")
    assert all(len(line) <= 10 for line in heading)
    assert all(line.endswith("-") for line in heading[:-1])
    assert "".join(line.rstrip("-") for line in heading) == "Onroerendgoedmaatschappij"
    assert wrap("", 5) == [""]


def test_a_journal_row_stays_aligned_whatever_the_user_typed():
    """A counterparty or a communication typed with a tab, a zero-width space or a bell (a bank
    file can carry them) no longer shifts the amounts of its line (session 13's gap)."""

    def row(counterparty: str, communication: str) -> list[str]:
        return mono_lines(
            (
                "7",
                "01/02/2024",
                ["Virement reçu"],
                [counterparty, communication],
                "1.234,56 €",
                "",
                "9.876,54 €",
            ),
            JOURNAL_COLUMNS,
        )

    plain = row("SPF Finances", "Remboursement impôts 2023")
    typed = row("SPF\u200b\tFinances\x07", "Rembourse\u0301ment\u00adimpôts\r\n2023")
    assert typed[0] == plain[0]
    assert typed[0].endswith("1.234,56 €" + " " * 12 + "   9.876,54 €")
    assert typed[1].strip() == "Remboursémentimpôts 2023"  # the soft hyphen dropped, é composed
    assert all(len(line) <= WIDTH for line in typed)


def test_cells_of_several_lines_side_by_side():
    lines = lay_out([["a", "b"], ["1"], []], [3, 4, 2], [False, True, False], gap=" ")
    assert lines == ["a      1", "b"]
    headings = lay_out([["Reste", "dû"], ["N°"]], [5, 3], [False, True], gap=" ", bottom=True)
    assert headings == ["Reste", "dû     N°"]


def test_a_text_table_widens_its_columns_to_their_cells_and_headings():
    heading, rows, total, chars = text_table(
        [("N°", True, 3), ("Créancier hypothécaire", True, 6)],
        [["1", "12,00 €"], ["12", "1.234,00 €"]],
        ["", "1.246,00 €"],
        "fr",
    )
    widths = [3, len("hypothécaire")]
    assert chars == sum(widths) + 2
    assert rows == ["  1" + "  " + "12,00 €".rjust(12), " 12" + "  " + "1.234,00 €".rjust(12)]
    assert total == "   " + "  " + "1.246,00 €".rjust(12)
    head = heading.splitlines()
    assert head[-1].startswith(" N°") and head[-1].endswith("hypothécaire")
    assert head[0].strip() == "Créancier"
