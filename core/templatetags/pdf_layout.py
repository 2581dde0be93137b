"""Template filters of the PDF templates (issue 15: a cheap layout for long documents).

WeasyPrint lays a long table out far more slowly than several short ones: a table's column
widths, its row groups and its page breaks are worked out over all its rows, again at each page
it spans. The PDF templates therefore print a long list as consecutive tables of
``PDF_TABLE_ROWS`` rows (``{% for rows in lines|chunked %}``), each with its header, fixed
column widths (``table-layout: fixed``) and simple borders: they read as one table, its header
repeated on every page."""

from django import template
from django.conf import settings

from core.monotext import CHAR_EM

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


# -- monospaced text (issue 15: ``core.monotext``) -----------------------------------------


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
    width = float(chars) * float(font_size_pt) * CHAR_EM + float(padding_mm) * 72 / 25.4
    return f"{width:.2f}pt"
