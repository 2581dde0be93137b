"""The iCalendar feed of a user's agenda (RFC 5545, through the ``icalendar`` library).

Minimal personal data: each event says the case's reference and the kind of item, nothing of
the applicants (never a national register number).
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from core.dates import format_date

from .registry import AgendaItem


def calendar_bytes(
    items: Iterable[AgendaItem],
    *,
    name: str,
    legal_date_label: str,
    absolute: Callable[[str], str],
    now: datetime | None = None,
) -> bytes:
    """An all-day event per item, on the day it must be settled by (its deadline)."""
    stamp = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//RCD//Agenda du mediateur//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@rcd")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.deadline)
        event.add("dtend", item.deadline + timedelta(days=1))
        event.add("summary", f"{item.case.reference} · {item.label}")
        event.add("description", f"{legal_date_label} {format_date(item.due_date)}")
        event.add("url", absolute(item.url))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
