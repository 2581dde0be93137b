"""Access rows of the "Requêtes" tab (petitions app): the tab, a new request, a draft, its PDF
preview, its filing, the court's decision and the payment of an authorised expense. Another
organisation's case or request is a 404, never a 403."""

from datetime import date

from petitions.services import petition_draft

from . import CASE_READ, CASE_WRITE_PAGE, CASE_WRITE_POST
from .budget import CROSSED_READ, OTHER_CASE_READ, OTHER_CASE_WRITE_PAGE


def _petition(case, by):
    return petition_draft(
        case=case,
        kind="exceptional_expense",
        data={"purpose": "Lunettes", "payee": "Opticien", "amount": "250.00"},
        by=by,
        today=date(2026, 1, 1),
    )


def objects(world) -> dict:
    return {
        "petition": _petition(world.case, world.mediator),
        "petition_other": _petition(world.other_case, world.other_mediator),
    }


def _own(o):
    return [o["case"].pk, o["petition"].pk]


def _other(o):
    return [o["other_case"].pk, o["petition_other"].pk]


def _crossed(o):
    return [o["case"].pk, o["petition_other"].pk]


CROSSED_WRITE = {**CASE_WRITE_PAGE, "mediator": 404, "administrator": 404}

MATRIX = {
    "petitions:case_petitions": ("get", lambda o: [o["case"].pk], CASE_READ),
    "petitions:petition_create": (
        "get",
        lambda o: [o["case"].pk, "closure"],
        CASE_WRITE_PAGE,
    ),
    "petitions:petition_edit": ("get", _own, CASE_WRITE_PAGE),
    "petitions:petition_preview": ("get", _own, CASE_READ),
    "petitions:petition_file": ("post", _own, CASE_WRITE_POST),
    "petitions:petition_decide": ("get", _own, CASE_WRITE_PAGE),
    "petitions:petition_pay": ("get", _own, CASE_WRITE_PAGE),
}

EXTRA = [
    ("petitions:case_petitions", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("petitions:petition_preview", "get", _other, OTHER_CASE_READ),
    ("petitions:petition_edit", "get", _other, OTHER_CASE_WRITE_PAGE),
    # organisation B's request through organisation A's case: never reachable
    ("petitions:petition_preview", "get", _crossed, CROSSED_READ),
    ("petitions:petition_edit", "get", _crossed, CROSSED_WRITE),
    ("petitions:petition_file", "post", _crossed, CROSSED_WRITE),
    ("petitions:petition_decide", "post", _crossed, CROSSED_WRITE),
    ("petitions:petition_pay", "post", _crossed, CROSSED_WRITE),
    # an unknown kind of request
    (
        "petitions:petition_create",
        "get",
        lambda o: [o["case"].pk, "letter"],
        {**CASE_WRITE_PAGE, "mediator": 404, "administrator": 404},
    ),
    # posting nothing: the form again with its errors (200), nothing saved
    ("petitions:petition_create", "post", lambda o: [o["case"].pk, "closure"], CASE_WRITE_PAGE),
    ("petitions:petition_decide", "post", _own, CASE_WRITE_PAGE),
]
