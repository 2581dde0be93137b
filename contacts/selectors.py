"""Read selectors for the negotiation log and the mediator's to-do list.

Every read is scoped: an entry is reached only through a case the user may see
(``cases.selectors.case_queryset_for``), so another organisation's entry is a 404. The to-do
list holds the open follow-ups of the cases the user works on: the cases where they are the
designated mediator, or every case of the organisation for its administrator.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agenda.registry import AgendaItem
from cases.models import Applicant, Case
from cases.selectors import case_queryset_for, mediators_of
from claims.models import Claim, Creditor, Representation
from core.roles import Role

from .models import ContactEntry, ThirdParty

OVERDUE, TODAY, UPCOMING, DONE = "overdue", "today", "upcoming", "done"


def follow_up_state(entry: ContactEntry, today: date) -> str:
    """'' (no follow-up), 'done', 'overdue', 'today' or 'upcoming'."""
    if entry.follow_up_on is None:
        return ""
    if entry.follow_up_done_at is not None:
        return DONE
    if entry.follow_up_on < today:
        return OVERDUE
    return TODAY if entry.follow_up_on == today else UPCOMING


def _with_state(entries, today: date) -> list[ContactEntry]:
    entries = list(entries)
    for entry in entries:
        _set_state(entry, today)
    return entries


def _set_state(entry: ContactEntry, today: date) -> None:
    """Attach what the templates show: the state and the days late / left."""
    entry.follow_up_state = follow_up_state(entry, today)
    delta = (entry.follow_up_on - today).days if entry.follow_up_on else 0
    entry.days_late = max(0, -delta)
    entry.days_left = max(0, delta)


# --- one case -------------------------------------------------------------------------------


def entry_get_for_user(user: User, pk: int, case_pk: int) -> ContactEntry:
    """An entry of a case the user may see, addressed through that case's URL; else 404."""
    entry = (
        ContactEntry.objects.filter(pk=pk, case__in=case_queryset_for(user))
        .select_related("case", "creditor", "applicant", "representative")
        .first()
    )
    if entry is None or entry.case_id != case_pk:
        raise Http404
    return entry


def declared_creditor_ids(case: Case) -> set[int]:
    return set(Claim.objects.filter(case=case).order_by().values_list("creditor_id", flat=True))


def case_creditor_ids(case: Case) -> set[int]:
    """Creditors that belong to the case: they declared a claim, a representative acts for
    them in the case, or the mediator already logged a contact with them (one query)."""
    declared = Claim.objects.filter(case=case).order_by().values_list("creditor_id", flat=True)
    represented = (
        Representation.objects.filter(case=case).order_by().values_list("creditor_id", flat=True)
    )
    contacted = (
        ContactEntry.objects.filter(case=case, creditor__isnull=False)
        .order_by()
        .values_list("creditor_id", flat=True)
    )
    return set(declared.union(represented, contacted))


@dataclass
class CreditorChoices:
    of_case: list[Creditor]
    directory: list[Creditor]


DIRECTORY_SEARCH_LIMIT = 20


@dataclass
class CaseCreditors:
    """The case's creditors (:func:`case_creditor_ids`, by name) and representations, read once
    for the contacts tab's record form, filter and history (issue 15: each read them)."""

    ids: set[int]
    of_case: list[Creditor]
    representations: list[Representation]


def case_creditors(case: Case) -> CaseCreditors:
    ids = case_creditor_ids(case)
    of_case = list(
        Creditor.objects.filter(organisation_id=case.organisation_id, pk__in=ids).order_by("name")
    )
    return CaseCreditors(
        ids=ids, of_case=of_case, representations=list(representations_of_case(case))
    )


def creditor_choices(
    case: Case, extra_ids: Iterable[int] = (), *, known: CaseCreditors | None = None
) -> CreditorChoices:
    """The creditors a contact may concern: the case's, and ``extra_ids`` of the
    organisation's directory (the one chosen through the search, a creditor that has not
    declared yet). Never the whole directory (issue 15: it was listed whole in the form):
    the rest is found with :func:`directory_search`. ``known``: the case's creditors when the
    caller read them already."""
    directory = Creditor.objects.filter(organisation_id=case.organisation_id).order_by("name")
    if known is not None:
        ids, of_case = known.ids, list(known.of_case)
    else:
        ids = case_creditor_ids(case)
        of_case = list(directory.filter(pk__in=ids))
    extra = {pk for pk in extra_ids if pk not in ids}
    others = list(directory.filter(pk__in=extra)) if extra else []
    return CreditorChoices(of_case=of_case, directory=others)


def directory_has_creditors(case: Case) -> bool:
    return Creditor.objects.filter(organisation_id=case.organisation_id).exists()


def directory_search(case: Case, term: str, limit: int = DIRECTORY_SEARCH_LIMIT) -> list[Creditor]:
    """Creditors of the case's organisation whose name contains ``term`` (two characters at
    least), the case's own creditors excepted (they are in the form already)."""
    term = term.strip()
    if len(term) < 2:
        return []
    return list(
        Creditor.objects.filter(organisation_id=case.organisation_id, name__icontains=term)
        .exclude(pk__in=case_creditor_ids(case))
        .order_by("name")[:limit]
    )


def creditor_of_case_organisation(case: Case, pk) -> Creditor | None:
    return Creditor.objects.filter(organisation_id=case.organisation_id, pk=pk).first()


def representations_of_case(case: Case) -> QuerySet[Representation]:
    return (
        Representation.objects.filter(case=case)
        .select_related("creditor", "representative")
        .order_by("creditor__name", "representative__name", "file_reference")
    )


@dataclass
class CreditorHistory:
    """The negotiation history of one creditor in a case, newest first."""

    creditor: Creditor
    entries: list[ContactEntry] = field(default_factory=list)
    representations: list[Representation] = field(default_factory=list)
    declared: bool = False

    @property
    def last(self) -> ContactEntry | None:
        return self.entries[0] if self.entries else None

    @property
    def open_follow_ups(self) -> list[ContactEntry]:
        return sorted(
            (e for e in self.entries if e.follow_up_open), key=lambda e: (e.follow_up_on, e.pk)
        )

    @property
    def next_follow_up(self) -> ContactEntry | None:
        pending = self.open_follow_ups
        return pending[0] if pending else None

    @property
    def overdue_count(self) -> int:
        return sum(1 for e in self.entries if e.follow_up_state == OVERDUE)

    @property
    def representatives(self) -> list:
        """Each representative once, with the file references it holds for the creditor."""
        seen: dict[int, tuple] = {}
        for r in self.representations:
            rep, refs = seen.get(r.representative_id, (r.representative, []))
            if r.file_reference:
                refs.append(r.file_reference)
            seen[r.representative_id] = (rep, refs)
        return list(seen.values())


@dataclass
class HistoryFilters:
    creditor: int | None = None
    outcome: str = ""
    # "applicant": the contacts with the applicant only (issue 17); "creditors": theirs only
    party: str = ""

    @property
    def active(self) -> bool:
        return bool(self.creditor or self.outcome or self.party)


def applicant_log(case: Case, today: date, filters: HistoryFilters | None = None):
    """The debtor side of the case's log (issue 17): the contacts with its applicants (visits,
    calls, documents received), newest first; none when the filters ask for a creditor."""
    filters = filters or HistoryFilters()
    if filters.creditor or filters.party == "creditors":
        return []
    entries = (
        ContactEntry.objects.filter(case=case, applicant__isnull=False)
        .select_related("applicant", "recorded_by", "follow_up_done_by")
        .order_by("-date", "-id")
    )
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    return _with_state(entries, today)


def case_negotiation_history(
    case: Case,
    today: date,
    filters: HistoryFilters | None = None,
    *,
    known: CaseCreditors | None = None,
) -> list[CreditorHistory]:
    """The case's contacts grouped per creditor, contacts newest first; the creditors with
    the most recent contact come first, then those not contacted yet (by name).

    Without filters every creditor of the case appears, even one not contacted yet, so that
    the mediator sees whom they have not reached. With filters only matching contacts (and,
    for a creditor filter, that creditor) remain."""
    filters = filters or HistoryFilters()
    if filters.party == "applicant":
        return []
    entries = (
        ContactEntry.objects.filter(case=case, creditor__isnull=False)
        .select_related("creditor", "representative", "recorded_by", "follow_up_done_by")
        .order_by("-date", "-id")
    )
    if filters.creditor:
        entries = entries.filter(creditor_id=filters.creditor)
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    declared = declared_creditor_ids(case)
    groups: dict[int, CreditorHistory] = {}
    for entry in _with_state(entries, today):
        group = groups.setdefault(entry.creditor_id, CreditorHistory(creditor=entry.creditor))
        group.entries.append(entry)
    if not filters.outcome:
        wanted = set(known.ids) if known is not None else case_creditor_ids(case)
        if filters.creditor:
            wanted &= {filters.creditor}
        missing = wanted - set(groups)
        if known is not None:  # the case's creditors of the organisation, read already
            found = [c for c in known.of_case if c.pk in missing]
        else:
            found = Creditor.objects.filter(pk__in=missing, organisation_id=case.organisation_id)
        for creditor in found:
            groups[creditor.pk] = CreditorHistory(creditor=creditor)
    representations = known.representations if known is not None else representations_of_case(case)
    for representation in representations:
        group = groups.get(representation.creditor_id)
        if group is not None:
            group.representations.append(representation)
    for group in groups.values():
        group.declared = group.creditor.pk in declared
    by_name = sorted(groups.values(), key=lambda g: g.creditor.name.lower())
    contacted = sorted(
        (g for g in by_name if g.entries), key=lambda g: (g.last.date, g.last.pk), reverse=True
    )
    return contacted + [g for g in by_name if not g.entries]


@dataclass
class CaseContactsSummary:
    """The case overview's "at a glance" card: per creditor, the last contact and the open
    follow-ups."""

    rows: list[CreditorHistory]
    open_follow_ups: int
    overdue: int


def case_contacts_summary(case: Case, today: date) -> CaseContactsSummary:
    rows = sorted(case_negotiation_history(case, today), key=lambda g: g.creditor.name.lower())
    return CaseContactsSummary(
        rows=rows,
        open_follow_ups=sum(len(r.open_follow_ups) for r in rows),
        overdue=sum(r.overdue_count for r in rows),
    )


# --- the to-do list --------------------------------------------------------------------------


def follow_ups_queryset_for(user: User) -> QuerySet[ContactEntry]:
    """Open follow-ups of the cases the user works on: the designated mediator's own cases;
    every case of the organisation for its administrator; nothing for other roles."""
    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return ContactEntry.objects.none()
    open_ = ContactEntry.objects.filter(
        follow_up_on__isnull=False,
        follow_up_done_at__isnull=True,
        case__organisation_id=user.organisation_id,
    )
    if user.role == Role.ADMINISTRATOR:
        return open_
    if user.role == Role.MEDIATOR:
        return open_.filter(case__mediator=user)
    return ContactEntry.objects.none()


def _todo_rows(qs: QuerySet[ContactEntry]) -> QuerySet[ContactEntry]:
    return qs.select_related(
        "case", "case__mediator", "creditor", "applicant", "representative", "recorded_by"
    ).prefetch_related(
        Prefetch("case__applicants", queryset=Applicant.objects.order_by("position"))
    )


@dataclass
class TodoCounts:
    overdue: int = 0
    today: int = 0
    upcoming: int = 0

    @property
    def urgent(self) -> int:
        """What the navigation badge shows: overdue and due today."""
        return self.overdue + self.today


@dataclass
class TodoList:
    overdue: list[ContactEntry]
    today: list[ContactEntry]
    upcoming: list[ContactEntry]

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.upcoming)

    @property
    def urgent(self) -> int:
        return len(self.overdue) + len(self.today)

    @property
    def counts(self) -> TodoCounts:
        return TodoCounts(len(self.overdue), len(self.today), len(self.upcoming))


def todo_list(user: User, today: date) -> TodoList:
    """Open follow-ups, overdue first (the oldest on top), then today's, then upcoming."""
    entries = _with_state(
        _todo_rows(follow_ups_queryset_for(user)).order_by("follow_up_on", "case__reference", "id"),
        today,
    )
    return TodoList(
        overdue=[e for e in entries if e.follow_up_state == OVERDUE],
        today=[e for e in entries if e.follow_up_state == TODAY],
        upcoming=[e for e in entries if e.follow_up_state == UPCOMING],
    )


def todo_counts(user: User, today: date) -> TodoCounts:
    """The to-do list's counts in one query (refreshed after an htmx "done")."""
    counts = follow_ups_queryset_for(user).aggregate(
        overdue=Count("id", filter=Q(follow_up_on__lt=today)),
        today=Count("id", filter=Q(follow_up_on=today)),
        upcoming=Count("id", filter=Q(follow_up_on__gt=today)),
    )
    return TodoCounts(**counts)


def todo_badge_count(user: User, today: date) -> int:
    """The navigation badge: open follow-ups due today or overdue."""
    return follow_ups_queryset_for(user).filter(follow_up_on__lte=today).count()


@dataclass
class MediatorOverdue:
    mediator: User
    entries: list[ContactEntry]


def overdue_by_mediator(user: User, today: date) -> list[MediatorOverdue]:
    """For a supervisor or an administrator: the organisation's overdue follow-ups, per
    designated mediator (read-only)."""
    if (
        not user.is_authenticated
        or user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR)
        or not user.organisation_id
    ):
        return []
    entries = _with_state(
        _todo_rows(
            ContactEntry.objects.filter(
                case__organisation_id=user.organisation_id,
                follow_up_on__lt=today,
                follow_up_done_at__isnull=True,
            )
        ).order_by("case__mediator__last_name", "case__mediator__first_name", "follow_up_on", "id"),
        today,
    )
    rows: dict[int, MediatorOverdue] = {
        m.pk: MediatorOverdue(mediator=m, entries=[]) for m in mediators_of(user.organisation_id)
    }
    for entry in entries:  # a former member may still hold cases: listed too
        rows.setdefault(
            entry.case.mediator_id, MediatorOverdue(mediator=entry.case.mediator, entries=[])
        ).entries.append(entry)
    return sorted(
        rows.values(),
        key=lambda r: (-len(r.entries), r.mediator.last_name, r.mediator.first_name),
    )


def todo_entry(user: User, pk: int, today: date) -> ContactEntry:
    """One entry of a case the user may see, with what a to-do row shows (after an htmx swap)."""
    entry = _todo_rows(ContactEntry.objects.filter(pk=pk, case__in=case_queryset_for(user))).first()
    if entry is None:
        raise Http404
    _set_state(entry, today)
    return entry


# --- the agenda (agenda.registry.register_agenda_source) -------------------------------------


def _open_follow_ups(cases: QuerySet[Case], start: date | None, end: date):
    entries = ContactEntry.objects.filter(
        case__in=cases,
        follow_up_on__isnull=False,
        follow_up_done_at__isnull=True,
        follow_up_on__lte=end,
    )
    if start is not None:
        entries = entries.filter(follow_up_on__gt=start)
    return entries


def agenda_follow_ups_count(cases: QuerySet[Case], start: date | None, end: date) -> int:
    """How many items ``agenda_follow_ups`` gives, counted by the database (the badge)."""
    return _open_follow_ups(cases, start, end).count()


def agenda_follow_ups(cases: QuerySet[Case], start: date | None, end: date) -> list[AgendaItem]:
    """The open follow-ups of ``cases`` (already scoped by the agenda to what the user may see)
    dated start < d <= end, as agenda items: one query, whatever the number of cases."""
    entries = _open_follow_ups(cases, start, end)
    return [
        AgendaItem(
            kind="follow_up",
            label=_("Rappel de négociation"),
            case=entry.case,
            due_date=entry.follow_up_on,
            deadline=entry.follow_up_on,
            url=reverse("contacts:case_contacts", args=[entry.case_id]) + f"#contact-{entry.pk}",
            uid=f"follow-up-{entry.pk}",
            detail=entry.party_name,
        )
        for entry in entries.select_related(
            "case", "case__mediator", "creditor", "applicant"
        ).order_by("follow_up_on", "pk")
    ]


def third_parties_of_case(case: Case) -> QuerySet[ThirdParty]:
    """The case's third parties (issue 17), the active ones first, by kind and name."""
    return ThirdParty.objects.filter(case=case).order_by("-active", "kind", "name", "pk")


def third_party_get(case: Case, pk: int) -> ThirdParty:
    """A third party of ``case`` (404 otherwise: the case was already scoped to the user)."""
    return get_object_or_404(ThirdParty, case=case, pk=pk)
