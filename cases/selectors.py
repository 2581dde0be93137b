"""Read selectors for cases. Every query is scoped to what the user may see (object-level
access): another organisation's case is simply not in the queryset, hence a 404."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.compiled import filled, kept_sql, models_of
from core.roles import Role

from . import registry
from .models import Applicant, Case, applicant_full_name
from .status import CaseStatus, allowed_next
from .validators import looks_like_national_number, national_number_hash

SORTABLE = {
    "reference": "reference",
    "applicant": "applicant_sort_name",  # the first applicant's last name
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
    """The case ``pk`` with its organisation, mediator and applicants if ``user`` may open it
    (``case_queryset_for``); 404 otherwise. Every case page starts here: its two statements
    are compiled once per process (``core.compiled``), then run with this user's organisation
    and this case's id (issue 15: the ORM took some 2 ms to build them at each request)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    if user.role not in (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise Http404
    if not user.organisation_id:
        raise Http404
    pk = Case._meta.pk.get_prep_value(pk)  # as ``filter(pk=pk)``: a ValueError if not a number
    db = router.db_for_read(Case)
    low, high = connections[db].ops.integer_field_range(Case._meta.pk.get_internal_type())
    if not low <= pk <= high:  # as the ORM: a number no column holds matches nothing
        raise Http404
    cases = models_of(
        "cases.case_for_user",
        Case,
        lambda organisation, case: (
            Case.objects.filter(organisation_id=organisation, pk=case)
            .select_related("organisation", "mediator")
            .order_by()
        ),
        organisation=user.organisation_id,
        case=pk,
    )
    if not cases:
        raise Http404
    case = cases[0]
    # in their order: ``position`` is unique within a case (the model's ordering begins with
    # the case's own, which joins the case)
    applicants = models_of(
        "cases.applicants_of_case",
        Applicant,
        lambda case: Applicant.objects.filter(case_id=case).order_by("position"),
        case=case.pk,
    )
    for applicant in applicants:  # as a prefetch: each applicant knows its case
        _APPLICANT_CASE.set_cached_value(applicant, case)
    case._prefetched_objects_cache = {
        _APPLICANTS_CACHE: filled(case.applicants.get_queryset(), applicants)
    }
    return case


_APPLICANT_CASE = Applicant._meta.get_field("case")
_APPLICANTS_CACHE = _APPLICANT_CASE.remote_field.cache_name


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
    ).order_by("last_name", "first_name", "pk")


@dataclass
class CaseFilters:
    status: str = ""
    division: str = ""
    mediator: int | None = None
    q: str = ""
    sort: str = "-admissibility"
    flag: str = ""  # a count of the supervisor's overview (registry.register_supervisor_count)
    today: date | None = None  # the day the flag is read on (today by default)


def caseload_list(user: User, filters: CaseFilters) -> QuerySet[Case]:
    """The caseload, filtered, searched and sorted in the database (issue 15): the search is a
    ``UNION`` of the cases and the applicants that match, never a ``DISTINCT`` over every
    column; the sort by applicant reads the first applicant's last name kept on the case
    (``Case.applicant_sort_name``, indexed with the organisation and the reference), without
    joining the applicants. On PostgreSQL the ``icontains`` searches use the trigram indexes of
    ``cases.migrations.0006_caseload_indexes``."""
    qs = (
        case_queryset_for(user)
        .select_related("mediator")
        .prefetch_related(Prefetch("applicants", queryset=Applicant.objects.order_by("position")))
    )
    qs = _caseload_filtered(qs, filters)
    key = filters.sort.lstrip("-")
    column = SORTABLE.get(key, "admissibility_date")
    descending = filters.sort.startswith("-") if key in SORTABLE else True
    return qs.order_by(f"-{column}" if descending else column, "reference")


# The columns of the caseload's table (``cases:list``), and nothing else: the sort by applicant
# read 2,100-byte rows (every column of the case and of its mediator) to keep 25 of them.
LISTED_FIELDS = (
    "id",
    "reference",
    "role_number",
    "division",
    "status",
    "admissibility_date",
    "mediator__username",
    "mediator__first_name",
    "mediator__last_name",
)


def caseload_listed(user: User, filters: CaseFilters) -> QuerySet[Case]:
    """The caseload as its table lists it (``caseload_list``'s rows and order): the shown
    columns only, the applicants not prefetched (``attach_listed_applicants`` reads those of
    one page in one query)."""
    return caseload_list(user, filters).prefetch_related(None).only(*LISTED_FIELDS)


def attach_listed_applicants(cases: list[Case]) -> list[Case]:
    """Each case's applicants, in order, as ``case.listed_applicants`` (a list of full names),
    for the cases of one page: one query, two columns."""
    names: dict[int, list[str]] = {case.pk: [] for case in cases}
    if names:
        rows = (
            Applicant.objects.filter(case_id__in=names)
            .order_by("case_id", "position")
            .values_list("case_id", "last_name", "first_name")
        )
        for case_id, last_name, first_name in rows:
            names[case_id].append(applicant_full_name(last_name, first_name))
    for case in cases:
        case.listed_applicants = names[case.pk]
    return cases


def _caseload_filtered(qs: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.division:
        qs = qs.filter(division=filters.division)
    if filters.mediator:
        qs = qs.filter(mediator_id=filters.mediator)
    flag = registry.supervisor_count(filters.flag) if filters.flag else None
    if flag is not None:  # the list behind a number of the supervisor's overview
        qs = flag.matching(qs, filters.today or timezone.localdate())
    if filters.q:
        term = filters.q.strip()
        by_name = Q(last_name__icontains=term) | Q(first_name__icontains=term)
        if looks_like_national_number(term):  # encrypted: an exact search through its hash
            by_name |= Q(national_number_hash=national_number_hash(term))
        # The cases matching by reference or R.G. number, with those matching by applicant: a
        # UNION of two searches each on its own trigram indexes. Written as one condition
        # ``reference LIKE … OR role_number LIKE … OR EXISTS (applicant …)``, PostgreSQL could
        # use none of them and tested every case of the organisation (issue 15: 2.5 ms against
        # 23–41 ms on the 5,000-case benchmark, vacuumed).
        by_case = Q(reference__icontains=term) | Q(role_number__icontains=term)
        matching = (
            Case.objects.filter(by_case)
            .order_by()
            .values("pk")
            .union(Applicant.objects.filter(by_name).order_by().values("case_id"))
        )
        qs = qs.filter(pk__in=matching)
    return qs


@dataclass
class MediatorCaseload:
    mediator: User
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    # The registered counts (``registry.register_supervisor_count``), in their order.
    counts: list[tuple[registry.SupervisorCount, int]] = field(default_factory=list)

    def count(self, key: str) -> int:
        return next((n for spec, n in self.counts if spec.key == key), 0)

    @property
    def status_cells(self) -> list[tuple[str, int]]:
        return [(code, self.by_status.get(code, 0)) for code in CaseStatus.values]


def supervisor_overview(user: User, today: date) -> list[MediatorCaseload]:
    """The organisation's caseload per mediator: counts by status, then each registered count
    (older than 7 years, plan arrears, balances too low for the next allowance, overdue annual
    reports...). Every number comes from ONE query, a ``UNION ALL`` of aggregates over the
    organisation (``_overview_counts``: issue 15, the running cases were loaded into Python,
    then one query a count); none grows with the number of cases."""
    rows: dict[int, MediatorCaseload] = {
        m.pk: MediatorCaseload(mediator=m, by_status=dict.fromkeys(CaseStatus.values, 0))
        for m in mediators_of(user.organisation_id).only(*_MEDIATOR_FIELDS)
    }
    specs = registry.supervisor_counts()
    by_status, per_spec = _overview_counts(user, today, specs)
    former = {mediator_id for mediator_id, _status, _n in by_status} - rows.keys()
    if former:  # former members still holding cases
        for mediator in User.objects.filter(pk__in=former).only(*_MEDIATOR_FIELDS):
            rows[mediator.pk] = MediatorCaseload(
                mediator=mediator, by_status=dict.fromkeys(CaseStatus.values, 0)
            )
    for mediator_id, status, n in by_status:
        rows[mediator_id].by_status[status] = n
        rows[mediator_id].total += n
    for mediator_id, entry in rows.items():
        entry.counts = [
            (spec, found.get(mediator_id, 0)) for spec, found in zip(specs, per_spec, strict=True)
        ]
    # Two mediators of the same name keep one order (their id), page after page.
    return sorted(
        rows.values(), key=lambda e: (e.mediator.last_name, e.mediator.first_name, e.mediator.pk)
    )


_MEDIATOR_FIELDS = ("id", "username", "first_name", "last_name")


def _overview_counts(
    user: User, today: date, specs: list[registry.SupervisorCount]
) -> tuple[list[tuple[int, str, int]], list[dict[int, int]]]:
    """The overview's numbers in one query: the cases per mediator and status, then each
    registered count per mediator, as ``(slot, mediator, status, n)`` rows of a ``UNION ALL``
    (slot 0: by status; slot i: the i-th count). The SQL is compiled once per day and
    organisation (cases.registry, "Counts per mediator": a count's filter depends on the
    organisation and the day only) and run each time with its parameters: the numbers are
    always read afresh, never cached."""
    cases = case_queryset_for(user).order_by()
    if cases.query.is_empty():  # no organisation: nothing to count
        return [], [{} for _spec in specs]
    key = ("cases.overview", cases.db, user.organisation_id, today, *(s.key for s in specs))

    def make() -> tuple[str, list]:
        parts = [cases.values_list("mediator_id", "status").annotate(n=Count("id"))]
        parts += [
            spec.matching(cases, today)
            .order_by()
            .values_list("mediator_id")
            .annotate(n=Count("id"))
            for spec in specs
        ]
        selects, params = [], []
        for slot, part in enumerate(parts):
            try:
                sql, part_params = part.query.get_compiler(using=cases.db).as_sql()
            except EmptyResultSet:  # a filter that can match nothing (``pk__in=[]``): zero
                continue
            status = "p.status" if slot == 0 else "NULL"
            selects.append(
                f"SELECT {slot} AS slot, p.mediator_id, {status} AS status, p.n FROM ({sql}) p"
            )
            params.extend(part_params)
        return " UNION ALL ".join(selects), params

    sql, params = kept_sql(key, make, day=today)
    by_status: list[tuple[int, str, int]] = []
    per_spec: list[dict[int, int]] = [{} for _spec in specs]
    with connections[cases.db].cursor() as cursor:
        cursor.execute(sql, list(params))
        for slot, mediator_id, status, n in cursor.fetchall():
            if slot == 0:
                by_status.append((mediator_id, status, n))
            else:
                per_spec[slot - 1][mediator_id] = n
    return by_status, per_spec


def case_page_context(user: User, case: Case) -> dict:
    """What every page of a case shows besides its tabs (``core.case_views.case_context``)."""
    return {
        "can_edit": can_edit_case(user, case),
        "show_full_nn": can_see_full_national_number(user, case),
        "allowed_next": allowed_next(case.status),
    }
