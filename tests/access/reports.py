"""Access rows of the annual report page (reports app): read by the organisation's members
(preview included), filed by the designated mediator and the organisation's administrator;
another organisation's case is a 404, a clerk a 403 (clerks download filed reports from their
own screen)."""

from datetime import date

from documents.services import generated_pdf_file
from reports.models import DraftBatch, FiledReport
from tests.pdf import MINIMAL_PDF

from . import CASE_READ, CASE_WRITE_POST, LOGIN, ORG_READ

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
    # the copy of a filed report to the applicant (issue 17): whoever may file it sends it
    "reports:report_copy_send": (
        "post",
        lambda o: [o["case"].pk, o["filed_report"].pk],
        CASE_WRITE_POST,
    ),
}


def objects(world) -> dict:
    batch = DraftBatch.objects.create(
        organisation=world.org,
        requested_by=world.mediator,
        month=date(2024, 6, 1),
        state=DraftBatch.State.DONE,
    )
    document = generated_pdf_file(
        case=world.case,
        kind="annual_report",
        title="Rapport du médiateur",
        filename="rapport.pdf",
        content=MINIMAL_PDF,
        by=world.mediator,
    )
    filed = FiledReport.objects.create(
        case=world.case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        document=document,
        filed_by=world.mediator,
    )
    return {"draft_batch": batch, "filed_report": filed}


EXTRA = [
    ("reports:annual_report", "get", lambda o: [o["other_case"].pk], OTHER_CASE),
    # posting an empty form (a preview without a period): the form comes back (200), or the
    # filing is refused to whoever may not file (403 before anything is read)
    ("reports:annual_report", "post", lambda o: [o["case"].pk], CASE_READ),
    # another organisation's case: 404 for its own mediator too (the report is not theirs)
    (
        "reports:report_copy_send",
        "post",
        lambda o: [o["other_case"].pk, o["filed_report"].pk],
        {
            **CASE_WRITE_POST,
            **dict.fromkeys(["mediator", "colleague", "administrator", "other_mediator"], 404),
        },
    ),
]
