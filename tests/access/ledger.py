"""Access rows of the mediation account (ledger app): the journal tab, opening the account,
posting, reversing and the journal exports. Another organisation's case or entry is a 404."""

from datetime import date
from decimal import Decimal

from ledger.services import EntryData, account_open, entry_post

from ..factories import make_case
from . import CASE_READ, CASE_WRITE_PAGE

TODAY = date(2023, 3, 1)

# A page of the other organisation's case, seen by everyone.
OTHER_CASE_READ = {
    **CASE_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
    "other_mediator": 200,
    "other_supervisor": 200,
}
# A write page of the other organisation's case: organisation A's writers get a 404; its
# supervisor is refused by role first (403), like on organisation B's side.
OTHER_CASE_WRITE_PAGE = {
    **CASE_WRITE_PAGE,
    "mediator": 404,
    "colleague": 404,
    "administrator": 404,
    "other_mediator": 200,
}
# An object of organisation B addressed through organisation A's case: never reachable.
FOREIGN_OBJECT = {
    **CASE_WRITE_PAGE,
    "mediator": 404,
    "administrator": 404,
}


def _income(day: date, amount: str) -> EntryData:
    return EntryData(value_date=day, direction="in", amount=Decimal(amount), category="income")


def objects(world) -> dict:
    account_open(case=world.case, iban="BE71096123456769")
    entry = entry_post(
        case=world.case, data=_income(date(2022, 7, 1), "1000.00"), by=world.mediator, today=TODAY
    )
    account_open(case=world.other_case, iban="BE62510007547061")
    other_entry = entry_post(
        case=world.other_case,
        data=_income(date(2022, 9, 1), "50.00"),
        by=world.other_mediator,
        today=TODAY,
    )
    without_account = make_case(
        organisation=world.org, mediator=world.mediator, reference="NAM-2023-0100"
    )
    return {
        "ledger_entry": entry,
        "ledger_other_entry": other_entry,
        "ledger_case_without_account": without_account,
    }


MATRIX = {
    "ledger:journal": ("get", lambda o: [o["case"].pk], CASE_READ),
    "ledger:account_open": (
        "get",
        lambda o: [o["ledger_case_without_account"].pk],
        CASE_WRITE_PAGE,
    ),
    "ledger:entry_create": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "ledger:entry_reverse": (
        "get",
        lambda o: [o["case"].pk, o["ledger_entry"].pk],
        CASE_WRITE_PAGE,
    ),
    "ledger:export_pdf": ("get", lambda o: [o["case"].pk], CASE_READ),
    "ledger:export_csv": ("get", lambda o: [o["case"].pk], CASE_READ),
}

EXTRA = [
    # the other organisation's case: 404 for organisation A, its own for organisation B
    ("ledger:journal", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("ledger:export_pdf", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("ledger:export_csv", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("ledger:entry_create", "get", lambda o: [o["other_case"].pk], OTHER_CASE_WRITE_PAGE),
    (
        "ledger:entry_reverse",
        "get",
        lambda o: [o["other_case"].pk, o["ledger_other_entry"].pk],
        OTHER_CASE_WRITE_PAGE,
    ),
    # an entry of organisation B through organisation A's case URL
    (
        "ledger:entry_reverse",
        "get",
        lambda o: [o["case"].pk, o["ledger_other_entry"].pk],
        FOREIGN_OBJECT,
    ),
    (
        "ledger:entry_reverse",
        "post",
        lambda o: [o["case"].pk, o["ledger_other_entry"].pk],
        FOREIGN_OBJECT,
    ),
    # an entry of case A through case B's URL
    (
        "ledger:entry_reverse",
        "get",
        lambda o: [o["other_case"].pk, o["ledger_entry"].pk],
        {**OTHER_CASE_WRITE_PAGE, "other_mediator": 404},
    ),
    # posting / reversing with nothing filled in: the form comes back (200), nothing is saved
    ("ledger:entry_create", "post", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    (
        "ledger:entry_reverse",
        "post",
        lambda o: [o["case"].pk, o["ledger_entry"].pk],
        CASE_WRITE_PAGE,
    ),
    # opening an account that is already open: back to the journal (302)
    (
        "ledger:account_open",
        "get",
        lambda o: [o["case"].pk],
        {**CASE_WRITE_PAGE, "mediator": 302, "administrator": 302},
    ),
    (
        "ledger:account_open",
        "post",
        lambda o: [o["other_case"].pk],
        {**OTHER_CASE_WRITE_PAGE, "other_mediator": 302},
    ),
    (
        "ledger:account_open",
        "post",
        lambda o: [o["ledger_case_without_account"].pk],
        CASE_WRITE_PAGE,
    ),
]
