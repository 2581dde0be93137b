"""Document selectors. Clerks see only *filed* documents of the fileable kinds (taxation
statements, annual reports, settlement plans) filed in their own divisions (the division the
document was filed in, not the case's current one); nothing else about a case."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from cases.models import Case
from cases.selectors import case_queryset_for
from core.roles import Role

from .models import FILEABLE_KINDS, Document


def clerk_divisions(user: User) -> list[str]:
    if not user.is_authenticated or user.role != Role.CLERK:
        return []
    return list(user.clerk_divisions.values_list("division", flat=True))


def filed_documents_for_clerk(user: User) -> QuerySet[Document]:
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
