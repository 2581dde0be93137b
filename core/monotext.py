"""Tables set as lines of monospaced text, for the long tables of the PDFs (issue 15).

WeasyPrint's layout and drawing cost grows with the boxes of a row (each cell is a cell box, a
block, its lines and their text boxes), far less with its text: 1,680 table cells were laid out
in 1.43 s and drawn in 0.59 s, the same figures as 120 lines of monospaced text in 0.15 s and
0.18 s. The plan's annex and yearly summary (``plans.tables``) and the fee statement's journal
excerpt (``fees.pdf``) are therefore printed as lines of text in DejaVu Sans Mono, their columns
aligned here by padding. One mechanism for all of them:

- :func:`clean` makes typed text (a creditor's name, a counterparty, a communication) one line
  whose every character takes one column: a control, zero-width or stray combining character
  would shift the rest of its line;
- :func:`wrap` wraps a text to a column, a word longer than the column hyphenated in the
  document's language (pyphen) or, for references and communications, cut as it is;
- :func:`lay_out` sets cells of several lines side by side in their columns;
- :func:`mono_lines` (fixed columns: the journal) and :func:`text_table` (columns as wide as
  their cells: the plan's tables) build on those.

The lines are plain text: the templates escape them."""

import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pyphen

# DejaVu Sans Mono's advance, in em (1233 / 2048 font units): every glyph's.
CHAR_EM = 1233 / 2048
GAP = "  "  # between two columns of a text table
WORD_MAX = 16  # a text table's column widens to its heading's longest word up to this


def clean(text: str) -> str:
    """One line of text whose every character takes one column (composed accents; spaces
    collapsed; no control, format or zero-width character, no combining mark left alone)."""
    text = unicodedata.normalize("NFC", " ".join(str(text).split()))
    return "".join(
        c for c in text if unicodedata.category(c)[0] != "C" and not unicodedata.combining(c)
    )


@lru_cache(maxsize=4)
def hyphenator(language: str) -> pyphen.Pyphen:
    """The hyphenation dictionary of ``language`` (kept per process: ARCHITECTURE.md)."""
    return pyphen.Pyphen(lang="nl_NL" if language.startswith("nl") else "fr_FR")


def _pieces(word: str, width: int, language: str) -> list[str]:
    """``word`` cut in pieces of at most ``width`` characters, hyphenated where the
    language's rules allow (a piece ends with "-"), else cut."""
    pieces = []
    while len(word) > width:
        cut = hyphenator(language).wrap(word, width)
        first, word = cut if cut else (word[:width], word[width:])
        pieces.append(first)
    return [*pieces, word]


def wrap(text: str, width: int, language: str | None = None) -> list[str]:
    """``text`` (cleaned) wrapped to ``width`` characters; at least one line. With a
    ``language`` (a heading: a creditor's name) a line may also end at a hyphen of the text and
    a longer word is hyphenated by the language's rules; without one (a reference, an IBAN, a
    communication, which a hyphen would change) a longer word is cut where the width ends."""
    width = max(1, width)
    words = clean(text).split()
    if language:
        words = [piece for word in words for piece in _pieces(word, width, language)]
    return textwrap.wrap(" ".join(words), width, break_on_hyphens=bool(language)) or [""]


def lay_out(
    cells: Sequence[Sequence[str]],
    widths: Sequence[int],
    right: Sequence[bool],
    *,
    gap: str = "",
    bottom: bool = False,
) -> list[str]:
    """Cells of one or more lines side by side: each line of a cell padded to its column's
    width (right-aligned or left-aligned), columns separated by ``gap``, a shorter cell's lines
    at the top (or at the ``bottom``: headings). Trailing spaces are dropped."""
    depth = max((len(lines) for lines in cells), default=0) or 1
    out = []
    for k in range(depth):
        parts = []
        for lines, width, is_right in zip(cells, widths, right, strict=True):
            i = k - (depth - len(lines)) if bottom else k
            text = lines[i] if 0 <= i < len(lines) else ""
            parts.append(text.rjust(width) if is_right else text.ljust(width))
        out.append(gap.join(parts).rstrip())
    return out


def mono_lines(cells, columns) -> list[str]:
    """One row of fixed columns: ``cells`` (one per column: a text, or a list of texts each
    starting a new line; ``None`` for nothing) laid in ``columns`` (``(width, align)``, the width
    in characters including the space before the column, ``align`` ``"l"`` or ``"r"``). Text
    longer than its column wraps at spaces (a longer word is cut): nothing is lost."""
    wrapped = []
    for cell, (width, align) in zip(cells, columns, strict=True):
        room = width - (2 if align == "l" else 1)
        parts = [] if cell is None else [cell] if isinstance(cell, str) else list(cell)
        lines = [line for part in parts for line in wrap(str(part), room)]
        wrapped.append(["  " + line for line in lines] if align == "l" else lines)
    return lay_out(
        wrapped,
        [width for width, _align in columns],
        [align == "r" for _width, align in columns],
    )


def text_table(
    columns: Sequence[tuple[str, bool, int]],
    rows: Iterable[Sequence[str]],
    total: Sequence[str],
    language: str,
) -> tuple[str, list[str], str, int]:
    """A table whose columns are as wide as their cells: ``columns`` (heading, right-aligned,
    least width) of each column, ``rows`` and ``total`` their cells (one line each: figures and
    dates). A column is as wide as its widest cell or its least width, or as its heading's
    longest word (up to ``WORD_MAX``); its heading wraps to that width, a longer word
    hyphenated in ``language``. Returns the heading lines (joined, the headings' last lines
    level), the row lines, the total line and the line's length in characters."""
    cells = [*rows, total]
    widths = [
        max(
            [
                least,
                min(WORD_MAX, max(map(len, clean(heading).split()), default=0)),
                *(len(row[i]) for row in cells),
            ]
        )
        for i, (heading, _right, least) in enumerate(columns)
    ]
    right = [is_right for _heading, is_right, _least in columns]
    headings = [
        wrap(heading, width, language)
        for (heading, _r, _l), width in zip(columns, widths, strict=True)
    ]
    heading = "\n".join(lay_out(headings, widths, right, gap=GAP, bottom=True))
    lines = [lay_out([[c] for c in row], widths, right, gap=GAP)[0] for row in cells]
    return heading, lines[:-1], lines[-1], sum(widths) + len(GAP) * (len(widths) - 1)
