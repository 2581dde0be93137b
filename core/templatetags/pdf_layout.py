"""Template filters of the PDF templates (issue 15: a cheap layout for long documents).

WeasyPrint lays a long table out far more slowly than several short ones: a table's column
widths, its row groups and its page breaks are worked out over all its rows, again at each page
it spans. The PDF templates therefore print a long list as consecutive tables of
``PDF_TABLE_ROWS`` rows (``{% for rows in lines|chunked %}``), each with its header, fixed
column widths (``table-layout: fixed``) and simple borders: they read as one table, its header
repeated on every page."""

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
