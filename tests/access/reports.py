"""Access rows of the annual report page (reports app): read by the organisation's members
(preview included), filed by the designated mediator and the organisation's administrator;
another organisation's case is a 404, a clerk a 403 (clerks download filed reports from their
own screen)."""

from . import CASE_READ

OTHER_CASE = {
    **CASE_READ,
    **dict.fromkeys(["mediator", "colleague", "supervisor", "administrator"], 404),
    "other_mediator": 200,
    "other_supervisor": 200,
}

MATRIX = {
    "reports:annual_report": ("get", lambda o: [o["case"].pk], CASE_READ),
}

EXTRA = [
    ("reports:annual_report", "get", lambda o: [o["other_case"].pk], OTHER_CASE),
    # posting an empty form (a preview without a period): the form comes back (200), or the
    # filing is refused to whoever may not file (403 before anything is read)
    ("reports:annual_report", "post", lambda o: [o["case"].pk], CASE_READ),
]
