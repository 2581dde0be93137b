"""Access matrix rows of the negotiation log (contacts app)."""

from datetime import date

from claims import services as claims_services
from contacts.models import Channel, Outcome
from contacts.services import (
    ContactData,
    ThirdPartyData,
    contact_record,
    follow_up_mark_done,
    third_party_create,
)

from . import CASE_READ, CASE_WRITE_PAGE, CASE_WRITE_POST, LOGIN, ROLES

# The mediator's own to-do list: every mediator and administrator has one (its content is
# scoped: see tests/test_contacts_selectors.py); supervisors and clerks do not.
TODO = {
    **dict.fromkeys(ROLES, 200),
    "anonymous": LOGIN,
    "supervisor": 403,
    "other_supervisor": 403,
    "clerk": 403,
    "other_clerk": 403,
}
# The overdue follow-ups per mediator: supervisors and administrators, read-only.
OVERDUE = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": LOGIN,
    "supervisor": 200,
    "administrator": 200,
    "other_supervisor": 200,
}
# Posting the "record a contact" form of world.case (an empty form: 200 with its errors).
CASE_CONTACTS_POST = {
    **CASE_READ,
    "mediator": 200,
    "administrator": 200,
    "colleague": 403,
    "supervisor": 403,
}
# world.case's URLs seen by the other organisation, and the other organisation's entry
# addressed through its own case: 404 for organisation A, never 403.
OTHER_ORG_WRITE_PAGE = {
    **CASE_WRITE_PAGE,
    "mediator": 404,
    "colleague": 404,
    "administrator": 404,
    "other_mediator": 200,
}
OTHER_ORG_WRITE_POST = {**OTHER_ORG_WRITE_PAGE, "other_mediator": 302}
# An entry of world.case addressed through the other organisation's case (or the reverse).
MISMATCH_WRITE = {
    **CASE_WRITE_PAGE,
    "mediator": 404,
    "colleague": 404,
    "administrator": 404,
    "other_mediator": 404,
}


def _entry(case, creditor, by, **extra):
    data = ContactData(
        creditor=creditor,
        date=date(2023, 1, 10),
        channel=Channel.PHONE,
        summary="Proposition de plan de 50 € par mois.",
        outcome=Outcome.COUNTER_PROPOSAL,
        follow_up_on=date(2023, 2, 1),
        **extra,
    )
    return contact_record(case=case, data=data, by=by)


def objects(world) -> dict:
    creditor = claims_services.creditor_create(
        organisation=world.org, data=claims_services.ContactData(name="Partena Professional")
    )
    other_creditor = claims_services.creditor_create(
        organisation=world.other_org, data=claims_services.ContactData(name="Engie Electrabel")
    )
    entry = _entry(world.case, creditor, world.mediator)
    done_entry = _entry(world.case, creditor, world.mediator)
    follow_up_mark_done(entry=done_entry, by=world.mediator)
    other_entry = _entry(world.other_case, other_creditor, world.other_mediator)
    party = third_party_create(
        case=world.case,
        data=ThirdPartyData("bank", "Belfius", "Bd Pachéco 44\n1000 Bruxelles"),
        by=world.mediator,
    )
    other_party = third_party_create(
        case=world.other_case,
        data=ThirdPartyData("employer", "Brasserie Mosane", "Rue Haute 1\n4000 Liège"),
        by=world.other_mediator,
    )
    return {
        "contact_entry": entry,
        "done_entry": done_entry,
        "other_entry": other_entry,
        "case_third_party": party,
        "other_third_party": other_party,
    }


MATRIX = {
    "contacts:case_contacts": ("get", lambda o: [o["case"].pk], CASE_READ),
    "contacts:creditor_search": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    # the case's third parties (issue 17): read by the organisation; an empty form posted comes
    # back with its errors (200) for whoever edits the case, 403 for the others
    "contacts:third_parties": ("get", lambda o: [o["case"].pk], CASE_READ),
    "contacts:entry_edit": (
        "get",
        lambda o: [o["case"].pk, o["contact_entry"].pk],
        CASE_WRITE_PAGE,
    ),
    # a third party changed, removed (deleted or deactivated), reactivated (issue 17): whoever
    # edits the case; a reactivation of an active party is refused with a message (302)
    "contacts:third_party_edit": (
        "get",
        lambda o: [o["case"].pk, o["case_third_party"].pk],
        CASE_WRITE_PAGE,
    ),
    "contacts:third_party_remove": (
        "post",
        lambda o: [o["case"].pk, o["case_third_party"].pk],
        CASE_WRITE_POST,
    ),
    "contacts:third_party_reactivate": (
        "post",
        lambda o: [o["case"].pk, o["case_third_party"].pk],
        CASE_WRITE_POST,
    ),
    "contacts:follow_up_done": (
        "post",
        lambda o: [o["case"].pk, o["contact_entry"].pk],
        CASE_WRITE_POST,
    ),
    "contacts:follow_up_reopen": (
        "post",
        lambda o: [o["case"].pk, o["done_entry"].pk],
        CASE_WRITE_POST,
    ),
    "contacts:todo": ("get", lambda o: [], TODO),
    "contacts:overdue_overview": ("get", lambda o: [], OVERDUE),
}

EXTRA = [
    # recording a contact: the designated mediator and the administrator only
    ("contacts:case_contacts", "post", lambda o: [o["case"].pk], CASE_CONTACTS_POST),
    # the other organisation's negotiation tab: 404 for organisation A
    (
        "contacts:case_contacts",
        "get",
        lambda o: [o["other_case"].pk],
        {
            **CASE_READ,
            "mediator": 404,
            "colleague": 404,
            "supervisor": 404,
            "administrator": 404,
            "other_mediator": 200,
            "other_supervisor": 200,
        },
    ),
    # the other organisation's contact entry, through its own case: 404, never 403
    (
        "contacts:entry_edit",
        "get",
        lambda o: [o["other_case"].pk, o["other_entry"].pk],
        OTHER_ORG_WRITE_PAGE,
    ),
    (
        "contacts:follow_up_done",
        "post",
        lambda o: [o["other_case"].pk, o["other_entry"].pk],
        OTHER_ORG_WRITE_POST,
    ),
    # the other organisation's entry addressed through world.case's URL
    (
        "contacts:entry_edit",
        "get",
        lambda o: [o["case"].pk, o["other_entry"].pk],
        {**CASE_WRITE_PAGE, "mediator": 404, "colleague": 404, "administrator": 404},
    ),
    (
        "contacts:follow_up_done",
        "post",
        lambda o: [o["case"].pk, o["other_entry"].pk],
        {**CASE_WRITE_PAGE, "mediator": 404, "colleague": 404, "administrator": 404},
    ),
    (
        "contacts:follow_up_reopen",
        "post",
        lambda o: [o["case"].pk, o["other_entry"].pk],
        {**CASE_WRITE_PAGE, "mediator": 404, "colleague": 404, "administrator": 404},
    ),
    # world.case's entry addressed through the other organisation's case
    (
        "contacts:entry_edit",
        "get",
        lambda o: [o["other_case"].pk, o["contact_entry"].pk],
        MISMATCH_WRITE,
    ),
    ("contacts:third_parties", "post", lambda o: [o["case"].pk], CASE_CONTACTS_POST),
    # the other organisation's third party, through its own case: 404, never 403
    (
        "contacts:third_party_edit",
        "get",
        lambda o: [o["other_case"].pk, o["other_third_party"].pk],
        OTHER_ORG_WRITE_PAGE,
    ),
    (
        "contacts:third_party_remove",
        "post",
        lambda o: [o["other_case"].pk, o["other_third_party"].pk],
        OTHER_ORG_WRITE_POST,
    ),
    # the other organisation's third party addressed through world.case's URL
    (
        "contacts:third_party_edit",
        "get",
        lambda o: [o["case"].pk, o["other_third_party"].pk],
        {**CASE_WRITE_PAGE, "mediator": 404, "administrator": 404},
    ),
    (
        "contacts:third_party_remove",
        "post",
        lambda o: [o["case"].pk, o["other_third_party"].pk],
        {**CASE_WRITE_PAGE, "mediator": 404, "administrator": 404},
    ),
    (
        "contacts:third_parties",
        "get",
        lambda o: [o["other_case"].pk],
        {**OTHER_ORG_WRITE_PAGE, "supervisor": 404, "other_supervisor": 200},
    ),
]
