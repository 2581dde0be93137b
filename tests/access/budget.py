"""Access rows of the "Budget et pécule" tab (budget app): the tab, a version, a new version,
the living allowance, the exports and the applicant's agreement. Another organisation's case,
version or decision is a 404, never a 403."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from budget.services import (
    AllowanceData,
    BudgetData,
    ChargeData,
    IncomeData,
    allowance_decide,
    budget_version_create,
)

from ..pdf import MINIMAL_PDF
from . import CASE_READ, CASE_WRITE_PAGE

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
# An object of one case addressed through the other case's URL: never reachable.
CROSSED_READ = {
    **CASE_READ,
    **dict.fromkeys(["mediator", "colleague", "supervisor", "administrator"], 404),
}
CROSSED_READ_FROM_B = {**OTHER_CASE_READ, "other_mediator": 404, "other_supervisor": 404}


def _budget(case, by):
    version = budget_version_create(
        case=case,
        data=BudgetData(
            date=date(2025, 3, 1),
            ris_category="single",
            incomes=[IncomeData(kind="earned", amount=Decimal("2000.00"), label="Salaire")],
            charges=[ChargeData(kind="rent", amount=Decimal("600.00"), paid_from_account=True)],
        ),
        by=by,
    )
    # 1.500 is under the non-seizable 1.671,40: with the applicant's agreement (a document)
    decision = allowance_decide(
        version=version,
        data=AllowanceData(amount=Decimal("1500.00"), agreement_date=date(2025, 2, 25)),
        agreement=SimpleUploadedFile("accord.pdf", PDF),
        by=by,
        today=date(2025, 3, 2),
    )
    return version, decision


def objects(world) -> dict:
    version, decision = _budget(world.case, world.mediator)
    other_version, other_decision = _budget(world.other_case, world.other_mediator)
    return {
        "budget_version": version,
        "budget_decision": decision,
        "budget_other_version": other_version,
        "budget_other_decision": other_decision,
    }


def _case_version(o):
    return [o["case"].pk, o["budget_version"].pk]


MATRIX = {
    "budget:case_budget": ("get", lambda o: [o["case"].pk], CASE_READ),
    "budget:version_detail": ("get", _case_version, CASE_READ),
    "budget:version_create": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "budget:allowance_decide": ("get", _case_version, CASE_WRITE_PAGE),
    "budget:export_pdf": ("get", _case_version, CASE_READ),
    "budget:export_csv": ("get", _case_version, CASE_READ),
    "budget:export_xlsx": ("get", _case_version, CASE_READ),
    "budget:agreement_download": (
        "get",
        lambda o: [o["case"].pk, o["budget_decision"].pk],
        CASE_READ,
    ),
}

_other = lambda o: [o["other_case"].pk, o["budget_other_version"].pk]  # noqa: E731
_crossed = lambda o: [o["case"].pk, o["budget_other_version"].pk]  # noqa: E731

EXTRA = [
    # the other organisation's case and its budget: 404 for organisation A
    ("budget:case_budget", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("budget:version_detail", "get", _other, OTHER_CASE_READ),
    ("budget:export_pdf", "get", _other, OTHER_CASE_READ),
    ("budget:export_csv", "get", _other, OTHER_CASE_READ),
    ("budget:export_xlsx", "get", _other, OTHER_CASE_READ),
    (
        "budget:agreement_download",
        "get",
        lambda o: [o["other_case"].pk, o["budget_other_decision"].pk],
        OTHER_CASE_READ,
    ),
    ("budget:version_create", "get", lambda o: [o["other_case"].pk], OTHER_CASE_WRITE_PAGE),
    ("budget:allowance_decide", "get", _other, OTHER_CASE_WRITE_PAGE),
    # organisation B's version addressed through organisation A's case: never reachable
    ("budget:version_detail", "get", _crossed, CROSSED_READ),
    ("budget:export_pdf", "get", _crossed, CROSSED_READ),
    ("budget:export_xlsx", "get", _crossed, CROSSED_READ),
    (
        "budget:allowance_decide",
        "post",
        _crossed,
        {**CASE_WRITE_PAGE, "mediator": 404, "administrator": 404},
    ),
    (
        "budget:agreement_download",
        "get",
        lambda o: [o["case"].pk, o["budget_other_decision"].pk],
        CROSSED_READ,
    ),
    # organisation A's version through organisation B's case
    (
        "budget:version_detail",
        "get",
        lambda o: [o["other_case"].pk, o["budget_version"].pk],
        CROSSED_READ_FROM_B,
    ),
    # posting nothing: the form comes back with its errors (200), nothing is saved
    ("budget:version_create", "post", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    ("budget:allowance_decide", "post", _case_version, CASE_WRITE_PAGE),
]
