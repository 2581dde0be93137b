"""Access rows of the annual report page (reports app): read by the organisation's members
(preview included), filed by the designated mediator and the organisation's administrator;
another organisation's case is a 404, a clerk a 403 (clerks download filed reports from their
own screen)."""

from datetime import date

from reports.models import DraftBatch

from . import CASE_READ, LOGIN, ORG_READ

OTHER_CASE = {
    **CASE_READ,
    **dict.fromkeys(["mediator", "colleague", "supervisor", "administrator"], 404),
    "other_mediator": 200,
    "other_supervisor": 200,
}

# "Draft all annual reports due this month": who may write reports (a mediator for their own
# cases, an administrator for the organisation) starts a batch and sees it until it is done.
DRAFT_REQUEST = {
    "anonymous": LOGIN,
    "mediator": 302,
    "colleague": 302,
    "supervisor": 403,
    "administrator": 302,
    "other_mediator": 302,
    "other_supervisor": 403,
    "clerk": 403,
    "other_clerk": 403,
}
OWN_BATCH = {  # a batch requested by ``world.mediator``: nobody else's, not even a colleague's
    "anonymous": LOGIN,
    "mediator": 200,
    "colleague": 404,
    "supervisor": 403,
    "administrator": 404,
    "other_mediator": 404,
    "other_supervisor": 403,
    "clerk": 403,
    "other_clerk": 403,
}

MATRIX = {
    "reports:annual_report": ("get", lambda o: [o["case"].pk], CASE_READ),
    # the reports due of the user's own cases (each organisation sees its own)
    "reports:due": ("get", lambda o: [], ORG_READ),
    "reports:draft_batch_request": ("post", lambda o: [], DRAFT_REQUEST),
    "reports:draft_batch": ("get", lambda o: [o["draft_batch"].pk], OWN_BATCH),
}


def objects(world) -> dict:
    batch = DraftBatch.objects.create(
        organisation=world.org,
        requested_by=world.mediator,
        month=date(2024, 6, 1),
        state=DraftBatch.State.DONE,
    )
    return {"draft_batch": batch}


EXTRA = [
    ("reports:annual_report", "get", lambda o: [o["other_case"].pk], OTHER_CASE),
    # posting an empty form (a preview without a period): the form comes back (200), or the
    # filing is refused to whoever may not file (403 before anything is read)
    ("reports:annual_report", "post", lambda o: [o["case"].pk], CASE_READ),
]
