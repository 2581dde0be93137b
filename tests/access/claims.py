"""Access matrix rows of the claims app: the organisation's creditor/representative directory
(read by every member, written by mediators and administrators) and the claims tab of a case
(read by the organisation, written by the designated mediator and the administrator).

Another organisation's creditor, representative, claim or position is a 404, never a 403."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.views import PENDING_TABS
from claims.models import KnownCreditor
from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    creditor_create,
    position_join,
    representation_add,
    representative_create,
)

from ..pdf import MINIMAL_PDF
from . import CASE_READ, CASE_WRITE_PAGE, CASE_WRITE_POST, ORG_READ, ROLES

PDF = MINIMAL_PDF

# Directory pages any mediator or administrator of an organisation may use (writes).
ORG_WRITE = {
    **ORG_READ,
    "supervisor": 403,
    "other_supervisor": 403,
}
# An object of organisation A's directory.
OWN_DIRECTORY_READ = {**ORG_READ, "other_mediator": 404, "other_supervisor": 404}
OWN_DIRECTORY_WRITE = {**ORG_WRITE, "other_mediator": 404}
# An object of organisation B's directory, seen from everybody.
OTHER_DIRECTORY_READ = {
    **ORG_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
}
OTHER_DIRECTORY_WRITE = {**ORG_WRITE, "mediator": 404, "colleague": 404, "administrator": 404}
# Case A's object addressed through another case's URL: nobody reaches it.
NOBODY_READ = {
    **CASE_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
}
NOBODY_WRITE_PAGE = {
    **CASE_WRITE_PAGE,
    "mediator": 404,
    "colleague": 404,
    "administrator": 404,
    "other_mediator": 404,
}
NOBODY_WRITE_POST = NOBODY_WRITE_PAGE
# Organisation B's case, seen from everybody (the designated mediator of B writes there).
OTHER_CASE_READ = {**NOBODY_READ, "other_mediator": 200, "other_supervisor": 200}
OTHER_CASE_WRITE_PAGE = {**NOBODY_WRITE_PAGE, "other_mediator": 200}


def objects(world) -> dict:
    creditor = creditor_create(
        organisation=world.org,
        data=ContactData(name="Proximus SA", enterprise_number="0202.239.951"),
    )
    other_creditor = creditor_create(
        organisation=world.other_org,
        data=ContactData(name="Engie Electrabel", enterprise_number="0403.170.701"),
    )
    representative = representative_create(
        organisation=world.org, data=ContactData(name="Étude Delvaux", role="bailiff")
    )
    other_representative = representative_create(
        organisation=world.other_org, data=ContactData(name="Intrum", role="collection_agency")
    )
    representation = representation_add(
        case=world.case, creditor=creditor, representative=representative, file_reference="D-1"
    )

    def claim(case, who, reference, **extra):
        return claim_create(
            case=case,
            data=ClaimData(
                creditor=who,
                principal=Decimal("100.00"),
                declared_on=date(2022, 7, 1),
                creditor_reference=reference,
            ),
            **extra,
        )

    claim_with_file = claim(
        world.case, creditor, "FAC-1", declaration=SimpleUploadedFile("d.pdf", PDF)
    )
    joined = [claim(world.case, creditor, "FAC-2"), claim(world.case, creditor, "FAC-3")]
    position = position_join(case=world.case, claims=joined, label="Proximus joint")
    other_claim = claim(
        world.other_case, other_creditor, "X-1", declaration=SimpleUploadedFile("x.pdf", PDF)
    )
    return {
        "known": KnownCreditor.objects.get(case=world.case, creditor=creditor),
        "other_known": KnownCreditor.objects.get(case=world.other_case, creditor=other_creditor),
        "creditor": creditor,
        "other_creditor": other_creditor,
        "representative": representative,
        "other_representative": other_representative,
        "representation": representation,
        "claim": claim_with_file,
        "position": position,
        "other_claim": other_claim,
    }


def _case(o):
    return [o["case"].pk]


def _claim(o):
    return [o["case"].pk, o["claim"].pk]


def _known(o):
    return [o["case"].pk, o["known"].pk]


MATRIX = {
    "claims:creditor_list": ("get", lambda o: [], ORG_READ),
    "claims:creditor_create": ("get", lambda o: [], ORG_WRITE),
    "claims:creditor_detail": ("get", lambda o: [o["creditor"].pk], OWN_DIRECTORY_READ),
    "claims:creditor_edit": ("get", lambda o: [o["creditor"].pk], OWN_DIRECTORY_WRITE),
    "claims:representative_list": ("get", lambda o: [], ORG_READ),
    "claims:representative_create": ("get", lambda o: [], ORG_WRITE),
    "claims:representative_detail": (
        "get",
        lambda o: [o["representative"].pk],
        OWN_DIRECTORY_READ,
    ),
    "claims:representative_edit": (
        "get",
        lambda o: [o["representative"].pk],
        OWN_DIRECTORY_WRITE,
    ),
    "claims:case_claims": ("get", _case, CASE_READ),
    "claims:claim_create": ("get", _case, CASE_WRITE_PAGE),
    "claims:claim_edit": ("get", _claim, CASE_WRITE_PAGE),
    "claims:claim_delete": ("post", _claim, CASE_WRITE_POST),
    "claims:claim_declaration": ("get", _claim, CASE_READ),
    "claims:representation_create": ("get", _case, CASE_WRITE_PAGE),
    "claims:representation_delete": (
        "post",
        lambda o: [o["case"].pk, o["representation"].pk],
        CASE_WRITE_POST,
    ),
    "claims:position_join": ("get", _case, CASE_WRITE_PAGE),
    "claims:position_dissolve": (
        "post",
        lambda o: [o["case"].pk, o["position"].pk],
        CASE_WRITE_POST,
    ),
    "claims:declarations": ("get", _case, CASE_READ),
    "claims:known_creditor_add": ("post", _case, CASE_WRITE_POST),
    "claims:reminder_record": ("post", _known, CASE_WRITE_POST),
    "claims:time_bar_record": ("post", _known, CASE_WRITE_POST),
    "claims:time_bar_lift": ("post", _known, CASE_WRITE_POST),
    "claims:export_pdf": ("get", _case, CASE_READ),
    "claims:export_csv": ("get", _case, CASE_READ),
    "claims:export_xlsx": ("get", _case, CASE_READ),
}

# The claims tab now has its own view, so ``cases:tab`` is checked on a tab still pending
# (the shared row in tests/test_access_matrix.py names "claims"; this keeps it meaningful).
_PENDING = sorted(PENDING_TABS)
if _PENDING:
    MATRIX["cases:tab"] = ("get", lambda o: [o["case"].pk, _PENDING[0]], CASE_READ)
else:  # every tab delivered: the pending-tab view answers 404 to everybody who may read
    MATRIX["cases:tab"] = ("get", lambda o: [o["case"].pk, "claims"], NOBODY_READ)

EXTRA = [
    # organisation B's directory, seen from organisation A: 404
    ("claims:creditor_detail", "get", lambda o: [o["other_creditor"].pk], OTHER_DIRECTORY_READ),
    ("claims:creditor_edit", "get", lambda o: [o["other_creditor"].pk], OTHER_DIRECTORY_WRITE),
    (
        "claims:representative_detail",
        "get",
        lambda o: [o["other_representative"].pk],
        OTHER_DIRECTORY_READ,
    ),
    (
        "claims:representative_edit",
        "get",
        lambda o: [o["other_representative"].pk],
        OTHER_DIRECTORY_WRITE,
    ),
    # organisation B's case and claim
    ("claims:case_claims", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("claims:export_pdf", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("claims:export_csv", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("claims:export_xlsx", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    (
        "claims:claim_declaration",
        "get",
        lambda o: [o["other_case"].pk, o["other_claim"].pk],
        OTHER_CASE_READ,
    ),
    (
        "claims:claim_edit",
        "get",
        lambda o: [o["other_case"].pk, o["other_claim"].pk],
        OTHER_CASE_WRITE_PAGE,
    ),
    # case A's claim, position and representation addressed through case B's URL: 404
    ("claims:claim_declaration", "get", lambda o: [o["other_case"].pk, o["claim"].pk], NOBODY_READ),
    (
        "claims:claim_edit",
        "get",
        lambda o: [o["other_case"].pk, o["claim"].pk],
        NOBODY_WRITE_PAGE,
    ),
    (
        "claims:claim_delete",
        "post",
        lambda o: [o["other_case"].pk, o["claim"].pk],
        NOBODY_WRITE_POST,
    ),
    (
        "claims:position_dissolve",
        "post",
        lambda o: [o["other_case"].pk, o["position"].pk],
        NOBODY_WRITE_POST,
    ),
    (
        "claims:representation_delete",
        "post",
        lambda o: [o["other_case"].pk, o["representation"].pk],
        NOBODY_WRITE_POST,
    ),
    # declarations of organisation B's case; case A's known creditor through case B's URL
    ("claims:declarations", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    (
        "claims:reminder_record",
        "post",
        lambda o: [o["other_case"].pk, o["other_known"].pk],
        {**NOBODY_WRITE_POST, "other_mediator": 302},
    ),
    (
        "claims:time_bar_record",
        "post",
        lambda o: [o["other_case"].pk, o["known"].pk],
        NOBODY_WRITE_POST,
    ),
    (
        "claims:time_bar_lift",
        "post",
        lambda o: [o["case"].pk, o["other_known"].pk],
        {**CASE_WRITE_POST, "mediator": 404, "administrator": 404},
    ),
    # case B's claim addressed through case A's URL
    ("claims:claim_declaration", "get", lambda o: [o["case"].pk, o["other_claim"].pk], NOBODY_READ),
]

assert all(set(expected) == set(ROLES) for _m, _a, expected in MATRIX.values())
assert all(set(expected) == set(ROLES) for *_rest, expected in EXTRA)
