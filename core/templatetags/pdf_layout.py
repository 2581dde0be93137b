"""Template filters of the PDF templates (issue 15: a cheap layout for long documents).

WeasyPrint lays a long table out far more slowly than several short ones: a table's column
widths, its row groups and its page breaks are worked out over all its rows, again at each page
it spans. The PDF templates therefore print a long list as consecutive tables of
``PDF_TABLE_ROWS`` rows (``{% for rows in lines|chunked %}``), each with its header, fixed
column widths (``table-layout: fixed``) and simple borders: they read as one table, its header
repeated on every page."""

import textwrap

from django import template
from django.conf import settings

register = template.Library()

DEFAULT_TABLE_ROWS = 40


@register.filter
def chunked(rows, size=None):
    """``rows`` in lists of at most ``size`` (default ``settings.PDF_TABLE_ROWS``); an empty
    ``rows`` gives one empty list, so that the table (and its "nothing" row) is still printed."""
    size = int(size or getattr(settings, "PDF_TABLE_ROWS", DEFAULT_TABLE_ROWS))
    rows = list(rows or ())
    if not rows:
        return [[]]
    return [rows[i : i + size] for i in range(0, len(rows), size)]


# -- monospaced rows (issue 15) ----------------------------------------------------------------
# WeasyPrint's layout and drawing cost grows with the boxes of a row (each cell is a cell box, a
# block, its lines and their text boxes), far less with its text: 120 rows of 14 cells cost
# 1.43 s to lay out and 0.59 s to draw, 120 lines of monospaced text 0.15 s and 0.18 s. The
# longest table of the PDFs (the fee statement's journal excerpt) therefore prints each row as
# one cell of monospaced text, its columns aligned by padding and its free text wrapped here.


def mono_lines(cells, columns) -> list[str]:
    """One row of monospaced text: ``cells`` (one per column: a text, or a list of texts each
    starting a new line; ``None`` for nothing) laid in ``columns`` (``(width, align)``, the width
    in characters including the space before the column, ``align`` ``"l"`` or ``"r"``). Text
    longer than its column wraps at spaces (a longer word is cut): nothing is lost. The lines
    are not escaped (the template does)."""
    wrapped = []
    for cell, (width, align) in zip(cells, columns, strict=True):
        room = max(1, width - (2 if align == "l" else 1))
        parts = [] if cell is None else [cell] if isinstance(cell, str) else list(cell)
        lines = []
        for part in parts:
            lines.extend(
                textwrap.wrap(str(part), room, break_on_hyphens=False, drop_whitespace=True) or [""]
            )
        wrapped.append(lines)
    height = max((len(lines) for lines in wrapped), default=0) or 1
    out = []
    for i in range(height):
        line = ""
        for lines, (width, align) in zip(wrapped, columns, strict=True):
            text = lines[i] if i < len(lines) else ""
            line += ("  " + text).ljust(width) if align == "l" else text.rjust(width)
        out.append(line.rstrip())
    return out


# DejaVu Sans Mono's advance, in em (1233 / 2048 font units): every glyph's.
MONO_ADVANCE = 1233 / 2048


@register.simple_tag
def mono(*args):
    """``{% mono value width value width … %}``: the values right-aligned in their widths (in
    characters, each including the space before its value) as one line of monospaced text (a
    value too long for its width is printed whole: it shifts that line, loses nothing).
    Escaped by the template engine, as a simple tag's output is."""
    return "".join(
        str("" if value is None else value).rjust(int(width))
        for value, width in zip(args[::2], args[1::2], strict=True)
    )


@register.simple_tag
def mono_width(chars, font_size_pt, padding_mm=0):
    """The width of ``chars`` monospaced characters at ``font_size_pt``, plus ``padding_mm``, as
    a CSS length in points (a header's column standing over monospaced text)."""
    width = float(chars) * float(font_size_pt) * MONO_ADVANCE + float(padding_mm) * 72 / 25.4
    return f"{width:.2f}pt"
