"""Access rows of the plans app: the plan tab and its versions, the form, revision, the court's
decision, the proposal mailing, the filing with the court, the PDFs and the monitoring. Reads
for the organisation's mediators, supervisors and administrators; writes for the designated
mediator and the administrator; clerks nothing. Another organisation's plan (or a mailing reached
through another case) is a 404, never a 403."""

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile

from claims.models import Claim, ClaimStatus, Creditor
from plans import services
from plans.models import PlanMailing
from plans.services import PlanData

from ..factories import make_case
from ..pdf import MINIMAL_PDF
from . import CASE_READ, CASE_WRITE_PAGE, CASE_WRITE_POST

PDF = MINIMAL_PDF

OTHER_CASE_READ = {
    **CASE_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
    "other_mediator": 200,
    "other_supervisor": 200,
}
OTHER_CASE_WRITE_PAGE = {
    **CASE_WRITE_PAGE,
    "mediator": 404,
    "colleague": 404,
    "administrator": 404,
    "other_mediator": 200,
}
OTHER_CASE_WRITE_POST = {**OTHER_CASE_WRITE_PAGE, "other_mediator": 302}
NOWHERE_READ = {  # an object that does not exist under this URL, for every reader
    **CASE_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
    "other_mediator": 404,
    "other_supervisor": 404,
}


def _plan(case, *, org) -> PlanData:
    creditor = Creditor.objects.create(
        organisation=org, name=f"Créancier {case.reference}", address="Rue 1\n5000 Namur"
    )
    Claim.objects.create(
        case=case,
        creditor=creditor,
        principal=Decimal("5000.00"),
        declared_on=date(2022, 7, 1),
        status=ClaimStatus.ACCEPTED,
    )
    return PlanData(
        kind="amicable",
        start_date=max(date(2022, 9, 1), case.admissibility_date),
        duration_months=24,
        monthly_available=Decimal("200.00"),
        fee_provision=Decimal("480.00"),
    )


def objects(world) -> dict:
    """World.case: v1 approved (with a mailing), v2 a draft revision. The other organisation's
    case: v1 draft. A case of organisation A without plan (the create form)."""
    v1 = services.plan_create(
        case=world.case, data=_plan(world.case, org=world.org), by=world.mediator
    )
    mailing = PlanMailing.objects.create(
        version=v1,
        sent_on=date(2022, 8, 1),
        addressees=[],
        addressee_count=3,
        sent_by=world.mediator,
    )
    mailing.pdf.save("plan.pdf", ContentFile(PDF), save=True)
    services.plan_approve(
        version=v1,
        decision_date=date(2022, 8, 20),
        decision_reference="Rép. 1",
        by=world.mediator,
        today=date(2023, 3, 1),
    )
    services.plan_revise(version=v1, reason="Révision", by=world.mediator)
    services.plan_create(
        case=world.other_case,
        data=_plan(world.other_case, org=world.other_org),
        by=world.other_mediator,
    )
    without_plan = make_case(
        organisation=world.org, mediator=world.mediator, reference="NAM-2023-0200"
    )
    return {"plans_mailing": mailing, "plans_case_without_plan": without_plan}


MATRIX = {
    "plans:case_plan": ("get", lambda o: [o["case"].pk], CASE_READ),
    "plans:plan_create": ("get", lambda o: [o["plans_case_without_plan"].pk], CASE_WRITE_PAGE),
    "plans:monitoring": ("get", lambda o: [o["case"].pk], CASE_READ),
    "plans:mailing_pdf": ("get", lambda o: [o["case"].pk, o["plans_mailing"].pk], CASE_READ),
    "plans:version_detail": ("get", lambda o: [o["case"].pk, 1], CASE_READ),
    "plans:version_edit": ("get", lambda o: [o["case"].pk, 2], CASE_WRITE_PAGE),
    "plans:version_revise": ("get", lambda o: [o["case"].pk, 2], CASE_WRITE_PAGE),
    "plans:version_approve": ("get", lambda o: [o["case"].pk, 2], CASE_WRITE_PAGE),
    "plans:version_send": ("get", lambda o: [o["case"].pk, 2], CASE_WRITE_PAGE),
    # v1 (approved) is filed for real: the court PDF, a filed document (302 to the version)
    "plans:version_file": ("post", lambda o: [o["case"].pk, 1], CASE_WRITE_POST),
    "plans:proposal_pdf": ("get", lambda o: [o["case"].pk, 1], CASE_READ),
    "plans:court_pdf": ("get", lambda o: [o["case"].pk, 1], CASE_READ),
}

EXTRA = [
    # another organisation's plan: 404 for organisation A, never 403
    ("plans:case_plan", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("plans:version_detail", "get", lambda o: [o["other_case"].pk, 1], OTHER_CASE_READ),
    ("plans:court_pdf", "get", lambda o: [o["other_case"].pk, 1], OTHER_CASE_READ),
    ("plans:monitoring", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("plans:version_edit", "get", lambda o: [o["other_case"].pk, 1], OTHER_CASE_WRITE_PAGE),
    ("plans:version_send", "get", lambda o: [o["other_case"].pk, 1], OTHER_CASE_WRITE_PAGE),
    # the other organisation's draft: refused with a message, redirected, for its own mediator
    ("plans:version_file", "post", lambda o: [o["other_case"].pk, 1], OTHER_CASE_WRITE_POST),
    # a version number the case does not have
    (
        "plans:version_file",
        "post",
        lambda o: [o["case"].pk, 99],
        {**CASE_WRITE_POST, "mediator": 404, "administrator": 404},
    ),
    # a mailing of case A reached through case B's URL
    (
        "plans:mailing_pdf",
        "get",
        lambda o: [o["other_case"].pk, o["plans_mailing"].pk],
        NOWHERE_READ,
    ),
    # a version number the case does not have
    ("plans:version_detail", "get", lambda o: [o["case"].pk, 99], {**NOWHERE_READ}),
    # posted forms: invalid input re-renders the page (200) for the writers, nothing saved
    ("plans:version_revise", "post", lambda o: [o["case"].pk, 2], CASE_WRITE_PAGE),
    ("plans:version_approve", "post", lambda o: [o["case"].pk, 2], CASE_WRITE_PAGE),
    ("plans:version_send", "post", lambda o: [o["case"].pk, 2], CASE_WRITE_PAGE),
    ("plans:version_edit", "post", lambda o: [o["case"].pk, 2], CASE_WRITE_PAGE),
    (
        "plans:plan_create",
        "post",
        lambda o: [o["plans_case_without_plan"].pk],
        CASE_WRITE_PAGE,
    ),
    # the create form of a case that already has a plan sends to the plan (302) for writers
    (
        "plans:plan_create",
        "get",
        lambda o: [o["case"].pk],
        {**CASE_WRITE_PAGE, "mediator": 302, "administrator": 302},
    ),
]
