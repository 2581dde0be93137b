"""Access matrix rows of the agenda (agenda app): the user's agenda, a case's "Agenda" tab,
the supervisors' counts per mediator, the iCalendar address and its feed."""

from datetime import date

from agenda.models import Duty
from agenda.services import calendar_feed_renew

from . import CASE_READ, LOGIN, ROLES

# Every member of an organisation has an agenda (scoped: tests/test_agenda_views.py); clerks
# have none.
AGENDA = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN, "clerk": 403, "other_clerk": 403}
# The counts per mediator: supervisors and administrators, read-only.
SUPERVISION = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": LOGIN,
    "supervisor": 200,
    "administrator": 200,
    "other_supervisor": 200,
}
# The iCalendar address of one's own agenda: those who have duties (mediators, administrators).
FEED = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": LOGIN,
    "mediator": 200,
    "colleague": 200,
    "administrator": 200,
    "other_mediator": 200,
}
FEED_POST = {role: 302 if status == 200 else status for role, status in FEED.items()}
# The feed itself: no login, the address is the secret (the right token: 200 for anyone).
ICAL = dict.fromkeys(ROLES, 200)
# The other organisation's case: 404 for organisation A (never 403), read by organisation B.
OTHER_CASE_READ = {
    **CASE_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
    "other_mediator": 200,
    "other_supervisor": 200,
}


def objects(world) -> dict:
    Duty.objects.create(
        case=world.case, kind="access_test", due_date=date(2023, 3, 1), deadline=date(2023, 3, 31)
    )
    Duty.objects.create(
        case=world.other_case,
        kind="access_test",
        due_date=date(2023, 3, 1),
        deadline=date(2023, 3, 31),
    )
    return {"feed_token": calendar_feed_renew(user=world.mediator)}


MATRIX = {
    "agenda:agenda": ("get", lambda o: [], AGENDA),
    "agenda:supervision": ("get", lambda o: [], SUPERVISION),
    "agenda:feed_settings": ("get", lambda o: [], FEED),
    "agenda:ical": ("get", lambda o: [o["feed_token"]], ICAL),
    "agenda:case_agenda": ("get", lambda o: [o["case"].pk], CASE_READ),
    # the forecast rows loaded after the page and the tab: the same readers
    "agenda:forecast": ("get", lambda o: [], AGENDA),
    "agenda:case_agenda_forecast": ("get", lambda o: [o["case"].pk], CASE_READ),
}

EXTRA = [
    # making a new address / revoking it
    ("agenda:feed_settings", "post", lambda o: [], FEED_POST),
    # a wrong token: 404 for everyone, logged in or not
    ("agenda:ical", "get", lambda o: ["x" * 43], dict.fromkeys(ROLES, 404)),
    # the other organisation's case tab: 404 for organisation A, never 403
    (
        "agenda:case_agenda",
        "get",
        lambda o: [o["other_case"].pk],
        OTHER_CASE_READ,
    ),
    # the other organisation's case forecast: 404 for organisation A, never 403
    (
        "agenda:case_agenda_forecast",
        "get",
        lambda o: [o["other_case"].pk],
        OTHER_CASE_READ,
    ),
]
