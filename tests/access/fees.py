"""Access matrix rows of the case's "Honoraires" tab: billable services, fee statements (draft
and filed), taxation orders and SPF Economie interventions. Clerks never reach these screens
(403); they download a filed statement through ``documents:clerk_download`` (their division
only). The objects are created directly (no PDF rendering): ``objects`` runs for every row."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents.services import document_file, document_upload
from fees.models import (
    DraftBatch,
    FeeStatement,
    JustRestartInvoice,
    StateIntervention,
    StatementLine,
)
from fees.services import service_record

from ..pdf import MINIMAL_PDF
from . import CASE_READ, CASE_WRITE_PAGE, CASE_WRITE_POST, LOGIN, ROLES

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
# An object of the other organisation addressed through world.case's URL: 404, never 403.
FOREIGN_THROUGH_CASE_READ = {
    **CASE_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
}
FOREIGN_THROUGH_CASE_WRITE = {
    **CASE_WRITE_PAGE,
    "mediator": 404,
    "colleague": 404,
    "administrator": 404,
}
# An invalid form posted by those who may write re-displays the page.
CASE_WRITE_FORM_POST = CASE_WRITE_PAGE


def _statement(case, *, filed: bool = False) -> FeeStatement:
    mediator = case.mediator
    statement = FeeStatement.objects.create(
        case=case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="annual_report",
        pricing_method="by_year_prorata",
        fees=Decimal("98.30"),
        vat=Decimal("0.00"),
        disbursements=Decimal("0.00"),
        total=Decimal("98.30"),
        snapshot={"format": "rcd-taxation/1", "case": case.reference, "total": "98.30"},
        mediator=mediator,
        mediator_name=mediator.get_full_name(),
        mediator_organisation=case.organisation.name,
        computed_at=timezone.now(),
        created_by=mediator,
    )
    StatementLine.objects.create(
        statement=statement,
        position=1,
        article="3",
        label="Présence à l'audience publique du 01/09/2022",
        date=date(2022, 9, 1),
        quantity=Decimal("1"),
        unit_amount=Decimal("98.30"),
        amount=Decimal("98.30"),
        rule="3 by_year_prorata",
        explanation="Tarif en vigueur le 01/09/2022.",
    )
    if filed:
        document = document_upload(
            case=case,
            kind="taxation_statement",
            title="État de frais et honoraires",
            upload=SimpleUploadedFile("etat.pdf", PDF),
            uploaded_by=mediator,
        )
        document = document_file(document=document, filed_by=mediator)
        FeeStatement.objects.filter(pk=statement.pk).update(
            state="filed", filed_at=document.filed_at, filed_by=mediator, document=document
        )
        statement.refresh_from_db()
    return statement


def _intervention(case) -> StateIntervention:
    return StateIntervention.objects.create(
        case=case,
        prepared_on=date(2024, 1, 15),
        reason="insufficient_balance",
        explanation="Solde insuffisant.",
        remission_type="none",
        amount_requested=Decimal("300.00"),
        taxed_unpaid=Decimal("300.00"),
        account_balance=Decimal("0.00"),
        account_reserve=Decimal("0.00"),
        created_by=case.mediator,
    )


def _invoice(case) -> JustRestartInvoice:
    return JustRestartInvoice.objects.create(
        case=case,
        year_index=2,
        anniversary=date(2024, 6, 15),
        amount=Decimal("75.00"),
        tariff_row="6.justrestart@2023-11-02",
        tariff_source="AR 29.03.2024 (MB 22.04.2024)",
        payable_by=date(2024, 7, 15),
    )


def objects(world) -> dict:
    return {
        "invoice": _invoice(world.case),
        "other_invoice": _invoice(world.other_case),
        "fee_draft_batch": DraftBatch.objects.create(
            organisation=world.org, requested_by=world.mediator, on=date(2024, 7, 1)
        ),
        "service": service_record(
            case=world.case, kind="hearing", service_date=date(2022, 9, 1), mediator=world.mediator
        ),
        "other_service": service_record(
            case=world.other_case,
            kind="hearing",
            service_date=date(2022, 9, 1),
            mediator=world.other_mediator,
        ),
        "draft_statement": _statement(world.case),
        "filed_statement": _statement(world.case, filed=True),
        "other_statement": _statement(world.other_case),
        "intervention": _intervention(world.case),
        "other_intervention": _intervention(world.other_case),
    }


def _draft(o):
    return [o["case"].pk, o["draft_statement"].pk]


def _filed(o):
    return [o["case"].pk, o["filed_statement"].pk]


def _intervention_args(o):
    return [o["case"].pk, o["intervention"].pk]


# The bulk preparation of the year-ended drafts: for those who change cases (mediators and
# administrators, each for the cases they may change); supervisors and clerks: 403.
BATCH_PAGE = {
    **dict.fromkeys(ROLES, 200),
    "anonymous": LOGIN,
    "supervisor": 403,
    "other_supervisor": 403,
    "clerk": 403,
    "other_clerk": 403,
}
# A batch requested by ``world.mediator``: nobody else's (404), whatever their organisation.
OWN_BATCH = {
    **BATCH_PAGE,
    "colleague": 404,
    "administrator": 404,
    "other_mediator": 404,
}

MATRIX = {
    "fees:case_services": ("get", lambda o: [o["case"].pk], CASE_READ),
    "fees:service_add": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "fees:service_delete": ("post", lambda o: [o["case"].pk, o["service"].pk], CASE_WRITE_POST),
    "fees:statement_new": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "fees:statement_detail": ("get", _draft, CASE_READ),
    "fees:statement_recompute": ("post", _draft, CASE_WRITE_POST),
    # the hand-made draft differs from what the engine computes: filing is refused (message)
    "fees:statement_file": ("post", _draft, CASE_WRITE_POST),
    "fees:statement_delete": ("post", _draft, CASE_WRITE_POST),
    "fees:statement_pdf": ("get", _filed, CASE_READ),
    "fees:statement_json": ("get", _draft, CASE_READ),
    "fees:taxation_order_add": ("get", _filed, CASE_WRITE_PAGE),
    "fees:intervention_add": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "fees:intervention_detail": ("get", _intervention_args, CASE_READ),
    "fees:intervention_status": ("post", _intervention_args, CASE_WRITE_FORM_POST),
    "fees:intervention_pdf": ("get", _intervention_args, CASE_READ),
    "fees:justrestart_pay": (
        "get",
        lambda o: [o["case"].pk, o["invoice"].pk],
        CASE_WRITE_PAGE,
    ),
    "fees:draft_batches": ("get", lambda o: [], BATCH_PAGE),
    "fees:draft_batch_request": (
        "post",
        lambda o: [],
        {**BATCH_PAGE, **{role: 302 for role, code in BATCH_PAGE.items() if code == 200}},
    ),
    "fees:draft_batch_status": ("get", lambda o: [o["fee_draft_batch"].pk], OWN_BATCH),
}

EXTRA = [
    ("fees:case_services", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("fees:service_add", "get", lambda o: [o["other_case"].pk], OTHER_CASE_WRITE_PAGE),
    # the other organisation's service through its own case: 404 for organisation A
    (
        "fees:service_delete",
        "post",
        lambda o: [o["other_case"].pk, o["other_service"].pk],
        {**OTHER_CASE_WRITE_PAGE, "other_mediator": 302},
    ),
    # the other organisation's service addressed through world.case: 404, never 403 nor 302
    (
        "fees:service_delete",
        "post",
        lambda o: [o["case"].pk, o["other_service"].pk],
        {**FOREIGN_THROUGH_CASE_WRITE, "anonymous": LOGIN},
    ),
    # statements: the other organisation's, through its case and through world.case
    (
        "fees:statement_detail",
        "get",
        lambda o: [o["other_case"].pk, o["other_statement"].pk],
        OTHER_CASE_READ,
    ),
    (
        "fees:statement_detail",
        "get",
        lambda o: [o["case"].pk, o["other_statement"].pk],
        FOREIGN_THROUGH_CASE_READ,
    ),
    (
        "fees:statement_json",
        "get",
        lambda o: [o["case"].pk, o["other_statement"].pk],
        FOREIGN_THROUGH_CASE_READ,
    ),
    (
        "fees:statement_pdf",
        "get",
        lambda o: [o["case"].pk, o["other_statement"].pk],
        FOREIGN_THROUGH_CASE_READ,
    ),
    (
        "fees:statement_file",
        "post",
        lambda o: [o["case"].pk, o["other_statement"].pk],
        FOREIGN_THROUGH_CASE_WRITE,
    ),
    (
        "fees:statement_delete",
        "post",
        lambda o: [o["case"].pk, o["other_statement"].pk],
        FOREIGN_THROUGH_CASE_WRITE,
    ),
    (
        "fees:taxation_order_add",
        "get",
        lambda o: [o["case"].pk, o["other_statement"].pk],
        FOREIGN_THROUGH_CASE_WRITE,
    ),
    # a filed statement can no longer be deleted: the page says so (redirect to it)
    ("fees:statement_delete", "post", _filed, CASE_WRITE_POST),
    # interventions of the other organisation
    (
        "fees:intervention_detail",
        "get",
        lambda o: [o["other_case"].pk, o["other_intervention"].pk],
        OTHER_CASE_READ,
    ),
    (
        "fees:intervention_detail",
        "get",
        lambda o: [o["case"].pk, o["other_intervention"].pk],
        FOREIGN_THROUGH_CASE_READ,
    ),
    (
        "fees:intervention_pdf",
        "get",
        lambda o: [o["case"].pk, o["other_intervention"].pk],
        FOREIGN_THROUGH_CASE_READ,
    ),
    (
        "fees:intervention_status",
        "post",
        lambda o: [o["case"].pk, o["other_intervention"].pk],
        FOREIGN_THROUGH_CASE_WRITE,
    ),
    # the filed statement's PDF: the clerk of the case's division (Namur) downloads it from
    # their own screen; the Liège clerk gets a 404; nobody else uses the clerk's screen
    (
        "documents:clerk_download",
        "get",
        lambda o: [o["filed_statement"].document.pk],
        {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "clerk": 200, "other_clerk": 404},
    ),
    # the JustRestart invoices: the other organisation's, through its case and through world.case
    (
        "fees:justrestart_pay",
        "get",
        lambda o: [o["other_case"].pk, o["other_invoice"].pk],
        OTHER_CASE_WRITE_PAGE,
    ),
    (
        "fees:justrestart_pay",
        "get",
        lambda o: [o["case"].pk, o["other_invoice"].pk],
        FOREIGN_THROUGH_CASE_WRITE,
    ),
    # an invalid payment posted by those who may write re-displays the page
    (
        "fees:justrestart_pay",
        "post",
        lambda o: [o["case"].pk, o["invoice"].pk],
        CASE_WRITE_FORM_POST,
    ),
    # a draft statement has no document: nothing for any clerk (its PDF is the mediators')
    ("fees:statement_pdf", "get", _draft, CASE_READ),
]
