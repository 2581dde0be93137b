"""Reads of the case's legal calendar (the agenda screens are built on these)."""

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from accounts.models import User
from cases.models import Case
from cases.selectors import mediators_of
from core.compiled import models_for_ids, rows_for_ids
from core.roles import Role

from . import registry
from .models import CalendarFeed, DailyRun, Duty

logger = logging.getLogger(__name__)


def last_successful_run() -> DailyRun | None:
    return DailyRun.objects.filter(state=DailyRun.State.SUCCEEDED).order_by("-run_date").first()


def cases_for_run(*, after: date) -> QuerySet[Case]:
    """Every case whose calendar may still hold a date after ``after``: not closed on or before
    it (closure ends every clock: fees.md §2, §4); and a case closed earlier that still has an
    open duty, for its kinds to settle it (a closure is recorded after its decision's date)."""
    open_duty = Duty.objects.filter(case=OuterRef("pk"), settled_on__isnull=True)
    return (
        Case.objects.filter(
            Q(closure_date__isnull=True) | Q(closure_date__gt=after) | Exists(open_duty)
        )
        .select_related("organisation", "mediator")
        .order_by("pk")
    )


def open_duties(*, case: Case, kind: str | None = None) -> list[Duty]:
    duties = Duty.objects.filter(case=case, settled_on__isnull=True)
    if kind is not None:
        duties = duties.filter(kind=kind)
    return list(duties.order_by("deadline", "due_date", "kind", "subject"))


def case_duties(*, case: Case, kind: str | None = None) -> QuerySet[Duty]:
    duties = Duty.objects.filter(case=case)
    if kind is not None:
        duties = duties.filter(kind=kind)
    return duties.order_by("due_date", "kind", "subject")


# --- the agenda screens, the badge, the feed and the digest ----------------------------------

WEEK_DAYS = 7  # "this week": the next seven days after today
FEED_DAYS = 366  # the iCalendar feed: open items up to a year ahead


def agenda_cases_for(user: User, *, mediator_id: int | None = None) -> QuerySet[Case]:
    """The cases whose agenda the user reads: a mediator, the cases they are the designated
    mediator of; a supervisor or an administrator, every case of their organisation (or one
    mediator's, ``mediator_id``); nobody else any (clerks have no agenda)."""
    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.MEDIATOR:
        return cases.filter(mediator_id=user.pk)
    if user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return cases.filter(mediator_id=mediator_id) if mediator_id else cases
    return Case.objects.none()


def _one_mediator_cases(ids: list[int]) -> QuerySet[Case]:
    """The cases of the organisation ``ids[0]`` whose mediator is ``ids[1]`` (and, with a third
    id, that case alone), by reference."""
    cases = Case.objects.filter(organisation_id=ids[0], mediator_id=ids[1])
    if len(ids) > 2:
        cases = cases.filter(pk=ids[2])
    return cases.order_by("reference")


def agenda_case_list(
    user: User, *, mediator_id: int | None = None, case_id: int | None = None
) -> list[Case]:
    """``agenda_cases_for(user, mediator_id=mediator_id)`` (that case alone with ``case_id``)
    by reference, as a list: for one mediator's cases (a mediator's own, or the one a
    supervisor chose) its SQL is compiled once per process (issue 15: the ORM took about 1 ms
    to build it at each forecast)."""
    cases = agenda_cases_for(user, mediator_id=mediator_id)
    if user.role == Role.MEDIATOR:
        mediator_id = user.pk
    one_mediator = (
        mediator_id
        and user.is_authenticated
        and user.is_active
        and user.organisation_id
        and user.role in (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR)
    )
    if not one_mediator:
        if case_id:
            cases = cases.filter(pk=case_id)
        return list(cases.order_by("reference"))
    ids = [user.organisation_id, mediator_id, *([case_id] if case_id else [])]
    return models_for_ids("agenda.one_mediator_cases", _one_mediator_cases, ids, Case)


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _kind_url(kind: registry.DutyKind | None, duty: Duty) -> str:
    """The screen that settles a duty: its kind's, else the case page (also when the kind's
    ``url`` fails: one kind's bug never takes the agenda down)."""
    if kind is not None and kind.url is not None:
        try:
            return kind.url(duty) or _case_url(duty.case)
        except Exception:
            logger.exception("Agenda: url of duty kind %s", kind.code)
    return _case_url(duty.case)


def duty_item(duty: Duty, *, forecast: bool = False) -> registry.AgendaItem:
    kind = registry.duty_kind(duty.kind)
    uid = (
        f"forecast-{duty.case_id}-{duty.kind}-{duty.due_date.isoformat()}-{duty.subject}"
        if forecast
        else f"duty-{duty.pk}"
    )
    return registry.AgendaItem(
        kind=duty.kind,
        label=kind.label if kind is not None else duty.kind,
        case=duty.case,
        due_date=duty.due_date,
        deadline=duty.deadline,
        url=_kind_url(kind, duty),
        uid=uid,
        forecast=forecast,
    )


def _sort_key(item: registry.AgendaItem):
    return (item.deadline, item.due_date, item.case.reference, str(item.label), item.uid)


def open_items(
    cases: QuerySet[Case], *, start: date | None, end: date
) -> list[registry.AgendaItem]:
    """The open items of ``cases`` whose deadline d is start < d <= end (start None: every
    overdue one too): recorded duties, then the registered sources. One query for the duties
    and one per source, whatever the number of cases."""
    duties = Duty.objects.filter(case__in=cases, settled_on__isnull=True, deadline__lte=end)
    if start is not None:
        duties = duties.filter(deadline__gt=start)
    items = [duty_item(d) for d in duties.select_related("case", "case__mediator")]
    for source in registry.agenda_sources():
        items.extend(source(cases, start, end))
    return sorted(items, key=_sort_key)


def chunks(iterable: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of at most ``size`` items."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def produce_batch(
    kind: registry.DutyKind, cases: Sequence[Case], start: date, end: date
) -> dict[int, list[registry.DutySpec]] | None:
    """The kind's specs for ``cases`` in one batch (``registry.produce_for_cases``); None when
    the batch fails (logged), for the caller to go case by case and single out the case whose
    data the kind cannot read."""
    try:
        return registry.produce_for_cases(kind, cases, start, end)
    except Exception:
        logger.exception("Agenda: batch of duty kind %s over %d cases", kind.code, len(cases))
        return None


def _attach_mediators(case_list: Sequence[Case], mediators: Sequence[User]) -> None:
    """Give each case its mediator (as ``select_related`` does): one of ``mediators``, else
    read (one query for all the others)."""
    known: dict[int | None, User | None] = {mediator.pk: mediator for mediator in mediators}
    known[None] = None
    missing = {case.mediator_id for case in case_list} - known.keys()
    if missing:
        known.update(User.objects.in_bulk(missing))
    field = Case._meta.get_field("mediator")
    for case in case_list:
        field.set_cached_value(case, known[case.mediator_id])


def _recorded(cases, after: date, end: date) -> QuerySet:
    """The keys of the duties of ``cases`` (ids or a query) due in (after, end]."""
    return Duty.objects.filter(case__in=cases, due_date__gt=after, due_date__lte=end).values_list(
        "case_id", "kind", "due_date", "subject"
    )


def forecast_items(
    cases: QuerySet[Case],
    *,
    today: date,
    case_list: Sequence[Case] | None = None,
    mediators: Sequence[User] = (),
) -> list[registry.AgendaItem]:
    """What the kinds' ``produce`` foresees in (today, today + 7], not recorded yet: a pure
    read (nothing is written). Each kind reads the cases in batches (``produce_many``): the
    query count does not grow with the number of cases (up to ``registry.BATCH_SIZE`` cases a
    batch), and the kinds that read the same rows share them (``registry.shared_reads``); a
    kind whose dates are never in the future (``DutyKind.forecast`` false) is not asked. A case
    whose data a kind cannot read is skipped (and logged). ``case_list``: the cases of
    ``cases`` when the caller holds them already (the case tab: its case), with their
    mediator. ``mediators``: the mediators of the cases when the caller knows them (the
    user's own agenda, one mediator's): the cases are read (or were) without them (issue 15:
    a join and a model instance less a case); a case of another mediator has its mediator
    read (one query)."""
    end = today + timedelta(days=WEEK_DAYS)
    kinds = [kind for kind in registry.duty_kinds() if kind.forecast]
    if not kinds:
        return []
    if case_list is None and mediators:
        case_list = list(cases.order_by("reference"))
    elif case_list is None:
        # with their mediator (the rows name it); no kind reads the organisation (issue 15:
        # one model instance less a case)
        case_list = list(cases.select_related("mediator").order_by("reference"))
    else:
        case_list = sorted(case_list, key=lambda case: case.reference)
    if mediators:
        _attach_mediators(case_list, mediators)
    if not case_list:
        return []
    if len(case_list) <= registry.BATCH_SIZE:  # by their ids: the SQL compiled once (issue 15)
        ids = [case.pk for case in case_list]
        recorded = set(rows_for_ids("agenda.recorded", _recorded, ids, Duty, days=(today, end)))
    else:
        recorded = set(_recorded(cases, today, end))
    items = []
    for batch in chunks(case_list, registry.BATCH_SIZE):
        with registry.shared_reads():  # the kinds reading the same rows read them once
            produced_by_kind = [(kind, produce_batch(kind, batch, today, end)) for kind in kinds]
        for kind, produced in produced_by_kind:
            for case in batch:
                if produced is not None:
                    specs = produced[case.pk]
                else:
                    try:
                        specs = list(kind.produce(case, today, end))
                    except Exception:
                        logger.exception("Agenda forecast: kind %s, case %s", kind.code, case.pk)
                        continue
                for spec in specs:
                    key = (case.pk, spec.kind, spec.due_date, spec.subject)
                    if (
                        spec.kind != kind.code
                        or not today < spec.due_date <= end
                        or key in recorded
                    ):
                        continue
                    duty = Duty(
                        case=case,
                        kind=spec.kind,
                        due_date=spec.due_date,
                        subject=spec.subject,
                        deadline=spec.deadline or spec.due_date,
                        data=spec.data,
                    )
                    items.append(duty_item(duty, forecast=True))
    return sorted(items, key=_sort_key)


@dataclass
class Agenda:
    today: date
    overdue: list[registry.AgendaItem] = field(default_factory=list)
    due_today: list[registry.AgendaItem] = field(default_factory=list)
    week: list[registry.AgendaItem] = field(default_factory=list)
    forecast: list[registry.AgendaItem] = field(default_factory=list)

    @property
    def urgent(self) -> int:
        return len(self.overdue) + len(self.due_today)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.week) + len(self.forecast)


PERIODS = ("retard", "aujourdhui", "semaine")


def agenda_of(
    cases: QuerySet[Case], *, today: date, period: str = "", forecast: bool = True
) -> Agenda:
    """Overdue, due today and due in the next seven days (``period`` keeps one of them), and
    the forecasts of the coming week."""
    agenda = Agenda(today=today)
    for item in open_items(cases, start=None, end=today + timedelta(days=WEEK_DAYS)):
        if item.deadline < today:
            agenda.overdue.append(item)
        elif item.deadline == today:
            agenda.due_today.append(item)
        else:
            agenda.week.append(item)
    if period in PERIODS:
        keep = {"retard": "overdue", "aujourdhui": "due_today", "semaine": "week"}[period]
        for name in ("overdue", "due_today", "week"):
            if name != keep:
                setattr(agenda, name, [])
    if forecast and period in ("", "semaine"):
        agenda.forecast = forecast_items(cases, today=today)
    return agenda


def case_settled_duties(case: Case, *, limit: int = 20) -> list[Duty]:
    """The case's latest settled duties (the agenda tab's history)."""
    duties = list(
        Duty.objects.filter(case=case, settled_on__isnull=False)
        .select_related("settled_by")
        .order_by("-settled_on", "-due_date")[:limit]
    )
    for duty in duties:
        kind = registry.duty_kind(duty.kind)
        duty.kind_label = kind.label if kind is not None else duty.kind
    return duties


def badge_count(user: User, today: date) -> int:
    """The navigation badge: the user's open items overdue or due today (one query for the
    duties, one per source)."""
    cases = agenda_cases_for(user)
    count = Duty.objects.filter(case__in=cases, settled_on__isnull=True, deadline__lte=today)
    total = count.count()
    for count_of in registry.agenda_source_counts():
        total += count_of(cases, None, today)
    return total


@dataclass
class MediatorCounts:
    mediator: User
    overdue: int = 0
    today: int = 0
    week: int = 0


def counts_by_mediator(user: User, today: date) -> list[MediatorCounts]:
    """For a supervisor or an administrator: per mediator of the organisation (and any former
    member still holding cases), the open items overdue, due today and in the next 7 days."""
    if user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return []
    cases = agenda_cases_for(user)
    rows = {m.pk: MediatorCounts(mediator=m) for m in mediators_of(user.organisation_id)}
    for item in open_items(cases, start=None, end=today + timedelta(days=WEEK_DAYS)):
        mediator = item.case.mediator
        row = rows.setdefault(mediator.pk, MediatorCounts(mediator=mediator))
        if item.deadline < today:
            row.overdue += 1
        elif item.deadline == today:
            row.today += 1
        else:
            row.week += 1
    return sorted(
        rows.values(),
        key=lambda r: (-(r.overdue + r.today), r.mediator.last_name, r.mediator.first_name),
    )


def feed_items(user: User, today: date) -> list[registry.AgendaItem]:
    """The iCalendar feed: the user's open items, overdue ones included, up to a year ahead."""
    return open_items(agenda_cases_for(user), start=None, end=today + timedelta(days=FEED_DAYS))


def feed_user(token: str) -> User | None:
    """The active user whose calendar address carries ``token``; None for a wrong or revoked
    token (only the token's SHA-256 is stored)."""
    if not token or len(token) > 200:
        return None
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    return feed.user if feed is not None else None


def calendar_feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def digest_recipients() -> QuerySet[User]:
    """Who receives the daily digest: every active mediator (or administrator) designated in
    at least one case, with an e-mail address."""
    return (
        User.objects.filter(
            is_active=True,
            role__in=[Role.MEDIATOR, Role.ADMINISTRATOR],
            organisation__isnull=False,
            cases__isnull=False,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def digest_items(user: User, today: date) -> list[registry.AgendaItem]:
    """A mediator's digest: the open items of the cases they are designated in, overdue or
    due today."""
    cases = Case.objects.filter(organisation_id=user.organisation_id, mediator_id=user.pk)
    return open_items(cases, start=None, end=today)
