"""Access matrix rows of the navigation's search box (search app): every member of an
organisation (what they find is scoped: tests/test_search.py); clerks have none."""

from . import ORG_READ

MATRIX = {
    "search:results": ("get", lambda o: [], ORG_READ),
    "search:suggestions": ("get", lambda o: [], ORG_READ),
}
