"""Document selectors. Clerks see only *filed* documents of the fileable kinds (taxation
statements, annual reports, settlement plans) filed in their own divisions (the division the
document was filed in, not the case's current one); nothing else about a case."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from celery.result import AsyncResult
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Applicant, Case
from cases.selectors import attach_listed_applicants, case_queryset_for
from core.divisions import Division
from core.roles import Role

from .models import FILEABLE_KINDS, Document, DocumentKind, PdfJob


def clerk_divisions(user: User) -> list[str]:
    if not user.is_authenticated or user.role != Role.CLERK:
        return []
    return list(user.clerk_divisions.values_list("division", flat=True))


def filed_documents_for_clerk(user: User, divisions: list[str] | None = None) -> QuerySet[Document]:
    """``divisions``: the clerk's (``clerk_divisions``), when the caller has read them."""
    if divisions is None:
        divisions = clerk_divisions(user)
    if not divisions:
        return Document.objects.none()
    return (
        Document.objects.filter(
            filed_at__isnull=False, kind__in=FILEABLE_KINDS, filed_division__in=divisions
        )
        .select_related("case", "case__mediator", "case__organisation")
        .prefetch_related("case__applicants")
        .order_by("-filed_at")
    )


TAXED = "taxed"
AWAITING_TAXATION = "awaiting"

# The clerk's sorts: key -> columns (the case: its R.G. number, then its reference).
CLERK_SORTS = {
    "date": ("filed_at",),
    "case": ("case__role_number", "case__reference"),
    "kind": ("kind",),
}


@dataclass
class ClerkFilters:
    filed_from: date | None = None
    filed_to: date | None = None
    kind: str = ""
    case: str = ""  # an R.G. number (role number) or the case's reference, or a part of it
    taxation: str = ""  # TAXED, AWAITING_TAXATION or "" (any)
    sort: str = "-date"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def clerk_documents(
    user: User, filters: ClerkFilters, divisions: list[str] | None = None
) -> QuerySet[Document]:
    """The clerk's list: filtered and sorted in the database, to be paginated (issue 15: the
    list of 17,600 documents was built whole). Only the columns the list shows are read, the
    applicants' names included. ``divisions``: the clerk's, when the caller has read them (the
    page shows them: read once)."""
    qs = filed_documents_for_clerk(user, divisions)
    if filters.filed_from:
        qs = qs.filter(filed_at__gte=_day_start(filters.filed_from))
    if filters.filed_to:
        qs = qs.filter(filed_at__lt=_day_start(filters.filed_to + timedelta(days=1)))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    term = filters.case.strip()
    if term:
        qs = qs.filter(Q(case__role_number__icontains=term) | Q(case__reference__icontains=term))
    if filters.taxation == TAXED:
        qs = qs.filter(kind=DocumentKind.TAXATION_STATEMENT, taxed_on__isnull=False)
    elif filters.taxation == AWAITING_TAXATION:
        qs = qs.filter(kind=DocumentKind.TAXATION_STATEMENT, taxed_on__isnull=True)
    key = filters.sort.lstrip("-")
    columns = CLERK_SORTS.get(key, CLERK_SORTS["date"])
    descending = filters.sort.startswith("-") if key in CLERK_SORTS else True
    order = [f"-{c}" if descending else c for c in columns]
    return (
        qs.select_related(None)
        .prefetch_related(None)
        .select_related("case", "case__mediator", "case__organisation")
        .prefetch_related(
            Prefetch(
                "case__applicants",
                queryset=Applicant.objects.order_by("position").only(
                    "id", "case_id", "position", "last_name", "first_name"
                ),
            )
        )
        .only(
            "id",
            "case",
            "kind",
            "title",
            "filed_at",
            "uploaded_at",
            "filed_division",
            "period_start",
            "period_end",
            "taxed_on",
            "case__id",
            "case__mediator",
            "case__organisation",
            "case__reference",
            "case__role_number",
            "case__mediator__first_name",
            "case__mediator__last_name",
            "case__mediator__username",
            "case__organisation__name",
        )
        .order_by(*order, "-pk")
    )


def attach_clerk_applicants(documents: list) -> list:
    """The names of the applicants of each document's case (``case.listed_applicants``, which
    ``{% clerk_rows %}`` writes), for one page of the clerk's list: one query."""
    attach_listed_applicants([document.case for document in documents])
    return documents


# The clerk's page reads its rows as tuples, not models (issue 15: 50 documents, each with its
# case, mediator and organisation, were 200 model instances, a sixth of the page's time).
_KINDS = dict(DocumentKind.choices)
_DIVISIONS = dict(Division.choices)


@dataclass(slots=True)
class ClerkCase:
    pk: int
    reference: str
    role_number: str
    mediator: str  # as ``str(user)``: the full name, else the username
    organisation: str
    listed_applicants: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ClerkRow:
    """A row of the clerk's list, with what ``{% clerk_rows %}`` reads of a ``Document``."""

    pk: int
    kind: str
    title: str
    filed_at: datetime
    filed_division: str
    period_start: date | None
    period_end: date | None
    taxed_on: date | None
    case: ClerkCase

    def get_kind_display(self) -> str:
        return _KINDS.get(self.kind, self.kind)

    def get_filed_division_display(self) -> str:
        return _DIVISIONS.get(self.filed_division, self.filed_division)


CLERK_ROW_COLUMNS = (
    "pk",
    "kind",
    "title",
    "filed_at",
    "filed_division",
    "period_start",
    "period_end",
    "taxed_on",
    "case_id",
    "case__reference",
    "case__role_number",
    "case__mediator__first_name",
    "case__mediator__last_name",
    "case__mediator__username",
    "case__organisation__name",
)


def clerk_listed(documents: QuerySet[Document]) -> QuerySet:
    """``clerk_documents`` as the page lists it: the shown columns as tuples, in its order
    (``clerk_page_rows`` makes them rows)."""
    return documents.select_related(None).prefetch_related(None).values_list(*CLERK_ROW_COLUMNS)


def clerk_count(documents: QuerySet[Document]) -> int:
    """The number of documents of ``clerk_documents``, counted on the documents alone (joined
    to their case only when its number is searched): the count of ``clerk_listed`` joined every
    document's case, mediator and organisation for nothing (issue 15: 4.3 ms for the 3,183
    documents of a division; alone, 0.5 ms, an index-only scan of ``document_clerk_kind``)."""
    return documents.count()


def clerk_page_rows(tuples) -> list[ClerkRow]:
    """One page of ``clerk_listed``: its rows, the applicants' names attached (one query)."""
    rows = []
    for pk, kind, title, filed_at, division, start, end, taxed_on, case_id, *case in tuples:
        reference, role_number, first_name, last_name, username, organisation = case
        mediator = f"{first_name} {last_name}".strip() or username  # User.__str__
        rows.append(
            ClerkRow(
                pk=pk,
                kind=kind,
                title=title,
                filed_at=filed_at,
                filed_division=division,
                period_start=start,
                period_end=end,
                taxed_on=taxed_on,
                case=ClerkCase(case_id, reference, role_number, mediator, organisation),
            )
        )
    return attach_clerk_applicants(rows)


def documents_of_case(case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by", "filed_by").order_by("-uploaded_at")


def document_get_for_user(user: User, pk: int, case_pk: int | None = None) -> Document:
    """A document the user may download: any document of a case they can see, or a filed one
    of their divisions for a clerk. Anything else is a 404."""
    if user.is_authenticated and user.role == Role.CLERK:
        document = filed_documents_for_clerk(user).filter(pk=pk).first()
    else:
        document = (
            Document.objects.filter(pk=pk, case__in=case_queryset_for(user))
            .select_related("case")
            .first()
        )
    if document is None or (case_pk is not None and document.case_id != case_pk):
        raise Http404
    return document


def pdf_job_get(case: Case, pk: int) -> PdfJob:
    """A background PDF of the case (the case fetched for the user first: another
    organisation's case is already a 404); another case's job is a 404 too."""
    job = PdfJob.objects.filter(case=case, pk=pk).select_related("document").first()
    if job is None:
        raise Http404
    return job


@dataclass(frozen=True)
class JobProgress:
    percent: int
    phase: str  # "", "layout", "write"


def pdf_job_progress(job: PdfJob) -> JobProgress:
    """How far a background PDF is: the task reports its phase and percentage to Celery's
    result backend (0 while it waits, 100 once done)."""
    if job.state == PdfJob.State.DONE:
        return JobProgress(100, "")
    if job.state != PdfJob.State.RUNNING or not job.task_id:
        return JobProgress(0, "")
    info = AsyncResult(job.task_id).info
    if isinstance(info, dict) and "percent" in info:
        return JobProgress(max(0, min(99, int(info["percent"]))), str(info.get("phase", "")))
    return JobProgress(0, "")
