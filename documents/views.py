"""Documents: the case's documents tab (mediators), and the clerk's screen of filed documents."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_download
from core.access import role_required
from core.case_views import case_context, case_for_user, require_edit, user_can_edit
from core.divisions import Division
from core.forms import apply_errors
from core.pagination import ReversiblePaginator
from core.roles import CASE_ROLES, Role

from . import registry, selectors, services
from .forms import ClerkFilterForm, DocumentUploadForm
from .models import fileable_kinds_label

DIVISIONS = dict(Division.choices)

CLERK_PAGE_SIZE = 50


@role_required(*CASE_ROLES)
def case_documents(request, pk: int):
    user = request.user
    case = case_for_user(request, pk)
    can_edit = user_can_edit(request, case)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.document_upload(
                    case=case,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    uploaded_by=user,
                )
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, _("Document ajouté."))
                return redirect("documents:case_documents", pk=case.pk)
    context = case_context(request, case, "documents")
    context.update(
        {
            "documents": selectors.documents_of_case(case),
            "form": form,
            "fileable_kinds": fileable_kinds_label(),
        }
    )
    return render(request, "documents/case_documents.html", context)


def _download(document):
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )


@role_required(*CASE_ROLES)
def case_document_download(request, pk: int, doc_pk: int):
    document = selectors.document_get_for_user(request.user, doc_pk, case_pk=pk)
    audit_download(request, obj=document, case=document.case, detail=document.original_name)
    return _download(document)


@require_POST
@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def case_document_file(request, pk: int, doc_pk: int):
    user = request.user
    document = selectors.document_get_for_user(user, doc_pk, case_pk=pk)
    require_edit(request, document.case)
    try:
        services.document_file(document=document, filed_by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Document déposé : le greffe de la division peut le consulter.")
        )
    return redirect("documents:case_documents", pk=pk)


@require_POST
@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def case_document_delete(request, pk: int, doc_pk: int):
    user = request.user
    document = selectors.document_get_for_user(user, doc_pk, case_pk=pk)
    require_edit(request, document.case)
    try:
        services.document_delete(document=document)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Document supprimé."))
    return redirect("documents:case_documents", pk=pk)


@role_required(Role.CLERK)
def clerk_list(request):
    form = ClerkFilterForm(request.GET or None)
    filters = selectors.ClerkFilters(sort=request.GET.get("sort", "-date"))
    if form.is_valid():
        data = form.cleaned_data
        filters.filed_from = data.get("filed_from")
        filters.filed_to = data.get("filed_to")
        filters.kind = data.get("kind") or ""
        filters.case = data.get("case") or ""
        filters.taxation = data.get("taxation") or ""
    divisions = selectors.clerk_divisions(request.user)  # read once: the list's and the page's
    documents = selectors.clerk_documents(request.user, filters, divisions)
    paginator = ReversiblePaginator(selectors.clerk_listed(documents), CLERK_PAGE_SIZE)
    paginator.count = selectors.clerk_count(documents)  # without the listed columns' joins
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.clerk_page_rows(page.object_list)  # the names: one query
    context = {
        "form": form,
        "page": page,
        "sort": filters.sort,
        "divisions": [DIVISIONS.get(code, code) for code in divisions],  # get_division_display
        "columns": [
            ("date", _("Déposé le")),
            ("kind", _("Document")),
            ("case", _("N° de rôle")),
        ],
    }
    template = (
        "documents/_clerk_table.html"
        if request.headers.get("HX-Request")
        else "documents/clerk_list.html"
    )
    return render(request, template, context)


@role_required(Role.CLERK)
def clerk_download(request, doc_pk: int):
    document = selectors.document_get_for_user(request.user, doc_pk)
    audit_download(request, obj=document, case=document.case, detail=document.original_name)
    return _download(document)


# -- long PDFs made in the background (issue 15) -------------------------------------------

JOB_PHASES = {
    "": _("Préparation…"),
    "layout": _("Mise en page…"),
    "write": _("Écriture du PDF…"),
}


@role_required(*CASE_ROLES)
def pdf_job(request, pk: int, job_pk: int):
    """A long PDF being made in the background: its phase and a progress bar that htmx
    refreshes every second; once done, the link to download it (or to the filed document)."""
    case = case_for_user(request, pk)
    job = selectors.pdf_job_get(case, job_pk)
    progress = selectors.pdf_job_progress(job)
    try:
        back = registry.pdf_job_kind(job.kind).back(job)
    except KeyError:
        back = ""
    context = {
        "job": job,
        "progress": progress.percent,
        "phase": str(JOB_PHASES.get(progress.phase, JOB_PHASES[""])),
        "back": back,
    }
    if request.headers.get("HX-Request"):
        return render(request, "documents/_pdf_job_progress.html", context)
    context.update(case_context(request, case, "documents"))
    return render(request, "documents/pdf_job.html", context)


@role_required(*CASE_ROLES)
def pdf_job_download(request, pk: int, job_pk: int):
    """The PDF a background job made: the filed document, or the preview kept on the job."""
    case = case_for_user(request, pk)
    job = selectors.pdf_job_get(case, job_pk)
    if job.state != job.State.DONE:
        raise Http404
    if job.document is not None:
        audit_download(request, obj=job.document, case=case, detail=job.document.original_name)
        return _download(job.document)
    if not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename or "document.pdf",
        content_type="application/pdf",
    )
