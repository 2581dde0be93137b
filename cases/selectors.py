"""Read selectors for cases. Every query is scoped to what the user may see (object-level
access): another organisation's case is simply not in the queryset, hence a 404."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import User
from core.dates import add_years, years_between
from core.roles import Role

from .models import Applicant, Case
from .status import ACTIVE_STATUSES, CaseStatus, allowed_next
from .validators import looks_like_national_number, national_number_hash

SORTABLE = {
    "reference": "reference",
    "applicant": "first_applicant_name",
    "division": "division",
    "status": "status",
    "admissibility": "admissibility_date",
    "mediator": "mediator__last_name",
}

MAX_PLAN_YEARS = 7  # law of 26.03.2012 (domain/README.md, "Amicable phase")


def case_queryset_for(user: User) -> QuerySet[Case]:
    """Cases the user may open: their organisation's for mediators, supervisors and
    administrators; none for clerks (they see filed documents only) or anonymous users."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.role in (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR) and user.organisation_id:
        return Case.objects.filter(organisation_id=user.organisation_id)
    return Case.objects.none()


def case_get_for_user(user: User, pk: int) -> Case:
    case = (
        case_queryset_for(user)
        .select_related("organisation", "mediator")
        .prefetch_related("applicants")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def can_edit_case(user: User, case: Case) -> bool:
    """The designated mediator works on the case; the organisation's administrator too.
    Supervisors are read-only; other mediators of the organisation see but do not edit."""
    if not user.is_authenticated or case.organisation_id != user.organisation_id:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.MEDIATOR and case.mediator_id == user.pk


def can_create_case(user: User) -> bool:
    return (
        user.is_authenticated
        and user.organisation_id is not None
        and user.role in (Role.MEDIATOR, Role.ADMINISTRATOR)
    )


def can_see_full_national_number(user: User, case: Case) -> bool:
    """The national register number is shown unmasked only to the case's mediator."""
    return user.is_authenticated and case.mediator_id == user.pk


def mediators_of(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(
        organisation_id=organisation_id,
        role__in=[Role.MEDIATOR, Role.ADMINISTRATOR],
        is_active=True,
    ).order_by("last_name", "first_name")


@dataclass
class CaseFilters:
    status: str = ""
    division: str = ""
    mediator: int | None = None
    q: str = ""
    sort: str = "-admissibility"


def caseload_list(user: User, filters: CaseFilters) -> QuerySet[Case]:
    first_applicant = Applicant.objects.filter(case=OuterRef("pk"), position=1).values("last_name")[
        :1
    ]
    qs = (
        case_queryset_for(user)
        .select_related("mediator")
        .prefetch_related(Prefetch("applicants", queryset=Applicant.objects.order_by("position")))
        .annotate(first_applicant_name=Subquery(first_applicant))
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.division:
        qs = qs.filter(division=filters.division)
    if filters.mediator:
        qs = qs.filter(mediator_id=filters.mediator)
    if filters.q:
        term = filters.q.strip()
        found = (
            Q(reference__icontains=term)
            | Q(role_number__icontains=term)
            | Q(applicants__last_name__icontains=term)
            | Q(applicants__first_name__icontains=term)
        )
        if looks_like_national_number(term):  # encrypted: an exact search through its hash
            found |= Q(applicants__national_number_hash=national_number_hash(term))
        qs = qs.filter(found).distinct()
    key = filters.sort.lstrip("-")
    column = SORTABLE.get(key, "admissibility_date")
    descending = filters.sort.startswith("-") if key in SORTABLE else True
    return qs.order_by(f"-{column}" if descending else column, "reference")


def older_than_plan_limit(case: Case, today: date) -> bool:
    """Running case designated more than 7 years ago."""
    start = case.mediator_designation_date or case.admissibility_date
    return case.status in ACTIVE_STATUSES and years_between(start, today) >= MAX_PLAN_YEARS


@dataclass
class MediatorCaseload:
    mediator: User
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    over_seven_years: list[Case] = field(default_factory=list)


def supervisor_overview(user: User, today: date) -> list[MediatorCaseload]:
    """The organisation's caseload per mediator: counts by status, running cases older than 7
    years since designation. (The annual reports due and overdue are the ``reports`` app's
    section of the page: ``cases.registry``.)"""
    cases = case_queryset_for(user)
    rows: dict[int, MediatorCaseload] = {
        m.pk: MediatorCaseload(mediator=m, by_status=dict.fromkeys(CaseStatus.values, 0))
        for m in mediators_of(user.organisation_id)
    }
    counts = cases.values("mediator_id", "status").annotate(n=Count("id"))
    for row in counts:
        entry = rows.get(row["mediator_id"])
        if entry is None:  # a former member still holding cases
            mediator = User.objects.get(pk=row["mediator_id"])
            entry = rows[mediator.pk] = MediatorCaseload(
                mediator=mediator, by_status=dict.fromkeys(CaseStatus.values, 0)
            )
        entry.by_status[row["status"]] = row["n"]
        entry.total += row["n"]
    horizon_start = add_years(today, -MAX_PLAN_YEARS)
    running = (
        cases.filter(status__in=ACTIVE_STATUSES)
        .select_related("mediator")
        .prefetch_related("applicants")
        .order_by("admissibility_date")
    )
    for case in running:
        entry = rows[case.mediator_id]
        start = case.mediator_designation_date or case.admissibility_date
        if start <= horizon_start:
            entry.over_seven_years.append(case)
    return sorted(rows.values(), key=lambda e: (e.mediator.last_name, e.mediator.first_name))


def case_page_context(user: User, case: Case) -> dict:
    """What every page of a case shows besides its tabs (``core.case_views.case_context``)."""
    return {
        "can_edit": can_edit_case(user, case),
        "show_full_nn": can_see_full_national_number(user, case),
        "allowed_next": allowed_next(case.status),
    }
