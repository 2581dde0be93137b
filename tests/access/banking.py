"""Access rows of the banking app: the organisation's "Banque" pages (imports, queue, rules)
and the case's "Paiements" page. Reads: mediators, supervisors and administrators of the
organisation; writes: mediators and administrators (on a case: its designated mediator and the
administrator); clerks: nothing. Another organisation's import, movement, rule or batch: 404."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from banking.coda_writer import CodaMovement, CodaStatement, write_coda
from banking.models import MatchingRule, Movement
from banking.services import (
    PaymentData,
    batch_approve,
    payment_prepare,
    statement_import,
    statement_upload_request,
)
from ledger.services import EntryData, account_open, entry_post

from . import CASE_READ, CASE_WRITE_POST, LOGIN, ORG_READ, ROLES

# An object of organisation A (import, movement) read by the roles of the organisation.
ORG_OBJECT_READ = CASE_READ
# Posted on an organisation-wide object: any mediator or administrator of organisation A.
ORG_OBJECT_POST = {
    "anonymous": LOGIN,
    "mediator": 302,
    "colleague": 302,
    "supervisor": 403,
    "administrator": 302,
    "other_mediator": 404,
    "other_supervisor": 403,
    "clerk": 403,
    "other_clerk": 403,
}
# The upload page posted empty: the form comes back with its error (200) for importers.
UPLOAD_POST = {
    **dict.fromkeys(ROLES, 200),
    "anonymous": LOGIN,
    "supervisor": 403,
    "other_supervisor": 403,
    "clerk": 403,
    "other_clerk": 403,
}
# A form of the case posted empty: the page comes back with the form's errors.
CASE_FORM_POST = {**CASE_WRITE_POST, "mediator": 200, "administrator": 200}
# The payments page posted empty: readers who may not write get a 403 on their own
# organisation's case, a 404 on another's.
CASE_PAGE_POST = {**CASE_FORM_POST, "other_supervisor": 404}
# The queue's assignment form posted empty: the form comes back (any importer of A).
MOVEMENT_POST = {
    **ORG_OBJECT_POST,
    "mediator": 200,
    "colleague": 200,
    "administrator": 200,
    "other_supervisor": 404,
}
# A rule of world.case: deactivated by those who may edit the case.
RULE_POST = {**ORG_OBJECT_POST, "colleague": 403}


# An object of the other organisation: 404 for the roles of A, readable by B's.
OTHER_ORG_READ = {
    **CASE_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
    "other_mediator": 200,
    "other_supervisor": 200,
}


def _statement(iban: str) -> bytes:
    statement = CodaStatement(
        iban=iban,
        number=12,
        old_balance=Decimal("0.00"),
        statement_date=date(2026, 3, 5),
        holder_name="TITULAIRE",
        movements=[
            CodaMovement(
                Decimal("75.00"),
                date(2026, 3, 5),
                counterparty_name="ENGIE ELECTRABEL",
                counterparty_iban="BE84679200000559",
                communication="REMBOURSEMENT",
            )
        ],
    )
    return write_coda([statement], created=date(2026, 3, 5))


def _batch(case, user, iban: str):
    """An approved batch (with its pain.001 file) and a waiting payment of the case."""
    today = timezone.localdate()
    account_open(case=case, iban=iban)
    entry_post(
        case=case,
        data=EntryData(
            value_date=today, direction="in", amount=Decimal("1000.00"), category="income"
        ),
        by=user,
        today=today,
    )
    data = PaymentData(
        category="living_allowance",
        amount=Decimal("100.00"),
        beneficiary_name="DUBOIS Marie",
        beneficiary_iban="BE02363345678940",
        communication="Pécule",
    )
    payment_prepare(case=case, data=data, by=user)
    batch = batch_approve(case=case, payments=None, execution_date=today, by=user, today=today)
    pending = payment_prepare(case=case, data=data, by=user)
    return batch, pending


def objects(world) -> dict:
    imported = statement_import(
        organisation=world.org,
        content=_statement("BE45000017110089"),
        file_name="a.cod",
        by=world.mediator,
    ).statement_import
    other_import = statement_import(
        organisation=world.other_org,
        content=_statement("BE45000017110089"),
        file_name="b.cod",
        by=world.other_mediator,
    ).statement_import
    rule, other_rule = (
        MatchingRule.objects.create(
            organisation=case.organisation,
            case=case,
            direction="in",
            counterparty_iban="BE80091123456777",
            category="income",
            created_by=case.mediator,
        )
        for case in (world.case, world.other_case)
    )
    upload, other_upload = (
        statement_upload_request(
            organisation=org,
            content=_statement("BE45000017110089"),
            file_name="grand.cod",
            by=user,
            enqueue=lambda pk, task_id: None,  # waits: its page shows the progress bar
        )
        for org, user in ((world.org, world.mediator), (world.other_org, world.other_mediator))
    )
    batch, payment = _batch(world.case, world.mediator, "BE71096123456769")
    other_batch, _other_payment = _batch(world.other_case, world.other_mediator, "BE15001765432130")
    return {
        "import": imported,
        "other_import": other_import,
        "upload": upload,
        "other_upload": other_upload,
        "movement": Movement.objects.get(statement_import=imported),
        "other_movement": Movement.objects.get(statement_import=other_import),
        "rule": rule,
        "other_rule": other_rule,
        "batch": batch,
        "payment": payment,
        "other_batch": other_batch,
    }


def _case(o):
    return [o["case"].pk]


def _allowance_month(case_key: str):
    """The allowance's button of the current month (posted without an allowance fixed: the
    refusal comes back as a message, a redirect like a success)."""

    def args(o):
        today = timezone.localdate()
        return [o[case_key].pk, today.year, today.month]

    return args


MATRIX = {
    "banking:bank": ("get", lambda o: [], ORG_READ),
    "banking:import_detail": ("get", lambda o: [o["import"].pk], ORG_OBJECT_READ),
    "banking:upload_status": ("get", lambda o: [o["upload"].pk], ORG_OBJECT_READ),
    "banking:queue": ("get", lambda o: [], ORG_READ),
    "banking:movement_detail": ("get", lambda o: [o["movement"].pk], ORG_OBJECT_READ),
    "banking:movement_ignore": ("post", lambda o: [o["movement"].pk], ORG_OBJECT_POST),
    "banking:rules": ("get", lambda o: [], ORG_READ),
    "banking:rule_deactivate": ("post", lambda o: [o["rule"].pk], RULE_POST),
    "banking:case_payments": ("get", _case, CASE_READ),
    "banking:payment_cancel": (
        "post",
        lambda o: [o["case"].pk, o["payment"].pk],
        CASE_WRITE_POST,
    ),
    "banking:batch_approve": ("post", _case, CASE_FORM_POST),
    "banking:allowance_prepare": ("post", _allowance_month("case"), CASE_WRITE_POST),
    "banking:case_communication": ("post", _case, CASE_FORM_POST),
    "banking:case_communication_create": ("post", _case, CASE_WRITE_POST),
    "banking:batch_download": ("get", lambda o: [o["case"].pk, o["batch"].pk], CASE_READ),
    "banking:batch_execute": ("post", lambda o: [o["case"].pk, o["batch"].pk], CASE_WRITE_POST),
    "banking:batch_cancel": ("post", lambda o: [o["case"].pk, o["batch"].pk], CASE_WRITE_POST),
}

EXTRA = [
    # the upload posted empty, and the payments page posted empty
    ("banking:bank", "post", lambda o: [], UPLOAD_POST),
    ("banking:case_payments", "post", _case, CASE_PAGE_POST),
    ("banking:movement_detail", "post", lambda o: [o["movement"].pk], MOVEMENT_POST),
    # another organisation's import, movement, rule: 404, never 403
    ("banking:import_detail", "get", lambda o: [o["other_import"].pk], OTHER_ORG_READ),
    ("banking:upload_status", "get", lambda o: [o["other_upload"].pk], OTHER_ORG_READ),
    ("banking:movement_detail", "get", lambda o: [o["other_movement"].pk], OTHER_ORG_READ),
    (
        "banking:movement_ignore",
        "post",
        lambda o: [o["other_movement"].pk],
        {
            **ORG_OBJECT_POST,
            "mediator": 404,
            "colleague": 404,
            "administrator": 404,
            "other_mediator": 302,
        },
    ),
    (
        "banking:rule_deactivate",
        "post",
        lambda o: [o["other_rule"].pk],
        {
            **RULE_POST,
            "mediator": 404,
            "administrator": 404,
            "colleague": 404,
            "other_mediator": 302,
        },
    ),
    # another organisation's batch, through its own case: 404 for A, readable by B
    (
        "banking:batch_download",
        "get",
        lambda o: [o["other_case"].pk, o["other_batch"].pk],
        OTHER_ORG_READ,
    ),
    # a batch of case A addressed through case B's URL: 404 for everyone who reaches it
    (
        "banking:batch_download",
        "get",
        lambda o: [o["other_case"].pk, o["batch"].pk],
        {**OTHER_ORG_READ, "other_mediator": 404, "other_supervisor": 404},
    ),
    # another organisation's case: 404 for A, allowed to B's mediator
    (
        "banking:allowance_prepare",
        "post",
        _allowance_month("other_case"),
        {
            **CASE_WRITE_POST,
            "mediator": 404,
            "colleague": 404,
            "administrator": 404,
            "other_mediator": 302,
        },
    ),
    (
        "banking:batch_execute",
        "post",
        lambda o: [o["other_case"].pk, o["other_batch"].pk],
        {
            **CASE_WRITE_POST,
            "mediator": 404,
            "colleague": 404,
            "administrator": 404,
            "other_mediator": 302,
        },
    ),
]
