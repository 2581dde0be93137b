"""Paginators of the long lists (issue 15): far pages read from the other end, and the number
of rows read with the first page.

Django's ``Paginator`` reads page *n* with ``OFFSET (n - 1) × per_page``: the database still
walks every row before it, so the last page of a 3,000-case caseload reads 3,000 rows to show
25. ``ReversiblePaginator`` reads a page of the second half of the list from the reversed
ordering instead (``QuerySet.reverse()``): the last page is the first rows of the reversed
list, read with a small ``OFFSET``, and put back in order in Python. The rows and their order
are Django's, provided the ordering is total (it ends with a unique column: the reference in an
organisation, the id): otherwise two equal rows could swap between the two readings.

With ``count_with_rows=True`` the first page is read with the number of rows in the same query
(``COUNT(*) OVER ()``) instead of a ``COUNT(*)`` of its own: for a list whose filter is costly
(the caseload's trigram search) or whose sort reads every row anyway (by applicant), the
filter then runs once, not twice. Other pages count first, as Django does.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

TOTAL = "paginator_total"


class ReversiblePaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_with_rows: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_with_rows = count_with_rows and not self.orphans

    def get_page(self, number) -> Page:
        if self.count_with_rows and "count" not in self.__dict__ and _first(number):
            rows = list(self.object_list.annotate(**{TOTAL: Window(Count("pk"))})[: self.per_page])
            self.count = getattr(rows[0], TOTAL) if rows else 0  # the cached_property's value
            if rows or self.allow_empty_first_page:
                return self._get_page(rows, 1, self)
        return super().get_page(number)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if number > 1 and bottom > self.count - top and hasattr(self.object_list, "reverse"):
            # Nearer the end than the start: rows count-top … count-bottom of the reversed list.
            rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
            rows.reverse()
            return self._get_page(rows, number, self)
        return self._get_page(self.object_list[bottom:top], number, self)


def _first(number) -> bool:
    """Whether ``get_page(number)`` shows the first page whatever the number of rows."""
    try:
        return int(number) == 1  # 0 or less: Django shows the last page
    except (TypeError, ValueError):
        return True
