"""``core.pagination.ReversiblePaginator`` (issue 15): every page has Django's rows in Django's
order, whatever the page number; a far page is read from the other end (a small OFFSET); with
``count_with_rows`` the first page and the number of rows are one query."""

import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from core.pagination import ReversiblePaginator

pytestmark = pytest.mark.django_db

NUMBERS = ["", "x", None, 0, -1, "1", 1, 2, 3, 4, 5, 6, 1_000_000]


def organisations(n: int):
    # Names repeat: the ordering is total only with its last column, the id.
    Organisation.objects.bulk_create(
        Organisation(name=f"Org {i % 3}", slug=f"org-{i}") for i in range(n)
    )
    return Organisation.objects.order_by("-name", "pk")


@pytest.mark.parametrize("rows", [0, 1, 6, 7, 13])
@pytest.mark.parametrize("orphans", [0, 1])
@pytest.mark.parametrize("count_with_rows", [False, True])
def test_every_page_is_django_s(rows, orphans, count_with_rows):
    qs = organisations(rows)
    for number in NUMBERS:
        theirs = Paginator(qs, 3, orphans=orphans).get_page(number)
        ours = ReversiblePaginator(
            qs, 3, orphans=orphans, count_with_rows=count_with_rows
        ).get_page(number)
        assert (ours.number, ours.paginator.count, ours.paginator.num_pages) == (
            theirs.number,
            theirs.paginator.count,
            theirs.paginator.num_pages,
        ), number
        assert [o.pk for o in ours] == [o.pk for o in theirs], number
        assert (ours.has_next(), ours.has_previous()) == (theirs.has_next(), theirs.has_previous())


def test_the_last_page_is_read_from_the_other_end():
    qs = organisations(40)
    paginator = ReversiblePaginator(qs, 3)
    paginator.count  # noqa: B018 (counted before: the page's own query alone is captured)
    with CaptureQueriesContext(connection) as captured:
        page = list(paginator.get_page(1_000_000))
    assert [o.pk for o in page] == [o.pk for o in Paginator(qs, 3).get_page(14)]
    (sql,) = (q["sql"] for q in captured)
    offset = re.search(r"OFFSET (\d+)", sql)
    assert offset is None or int(offset.group(1)) < 3, sql
    assert re.search(r'ORDER BY .*"name" ASC', sql), sql  # the reversed ordering


def test_the_first_page_comes_with_the_count_in_one_query():
    qs = organisations(8)
    with CaptureQueriesContext(connection) as captured:
        page = ReversiblePaginator(qs, 3, count_with_rows=True).get_page(1)
        assert (page.paginator.count, page.paginator.num_pages, len(page)) == (8, 3, 3)
    assert len(captured) == 1
    assert "COUNT" in captured[0]["sql"].upper() and "OVER" in captured[0]["sql"].upper()
