"""Access rows of the closure page (issue 17): the checklist is read by the organisation's
members; another organisation's case is a 404, a clerk a 403. Posting an ``action`` (final
report, letters, closure) is refused to all but the designated mediator and the administrator:
``tests/test_closure.py::test_only_who_may_write_posts_an_action``."""

from . import CASE_READ

OTHER_CASE = {
    **CASE_READ,
    **dict.fromkeys(["mediator", "colleague", "supervisor", "administrator"], 404),
    "other_mediator": 200,
    "other_supervisor": 200,
}

MATRIX = {
    "closure:case_closure": ("get", lambda o: [o["case"].pk], CASE_READ),
}

EXTRA = [
    ("closure:case_closure", "get", lambda o: [o["other_case"].pk], OTHER_CASE),
    # posting nothing: the page again (200) for whoever reads it
    ("closure:case_closure", "post", lambda o: [o["case"].pk], CASE_READ),
]
