"""Case screens. Views are thin: they parse input with forms, call services and selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record
from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user, overview_sections
from core.csv import BOM
from core.forms import apply_errors
from core.pagination import ReversiblePaginator
from core.roles import CASE_ROLES, EDIT_ROLES, Role

from . import exports, registry, selectors, services
from .forms import (
    ApplicantForm,
    CaseFilterForm,
    CaseForm,
    ReplaceMediatorForm,
    StatusChangeForm,
    applicant_formset,
)
from .models import CaseloadExport
from .status import CaseStatus

PAGE_SIZE = 25

# Tabs announced on the case page before their module is delivered: ``cases:tab`` says so
# plainly. Every tab is delivered today; a new module registers its tab in core.case_views.
PENDING_TABS: frozenset[str] = frozenset()


def _applicant_keys(formset) -> dict:
    """A case service's errors about applicants show above the applicants' forms."""
    return dict.fromkeys(["applicants", *ApplicantForm.base_fields], formset)


def _audit_national_numbers_shown(request, case, applicants) -> None:
    """A page that shows national register numbers in full is recorded in the audit trail."""
    shown = [a for a in applicants if a.national_number]
    if shown:
        audit_record(
            action=AuditAction.NATIONAL_NUMBER_REVEALED,
            request=request,
            case=case,
            detail=", ".join(a.full_name for a in shown),
        )


@role_required(*CASE_ROLES)
def case_list(request):
    user = request.user
    form = CaseFilterForm(request.GET or None, organisation_id=user.organisation_id)
    filters = selectors.CaseFilters(sort=request.GET.get("sort", "-admissibility"))
    if form.is_valid():
        data = form.cleaned_data
        filters.q = data.get("q") or ""
        filters.status = data.get("status") or ""
        filters.division = data.get("division") or ""
        filters.mediator = data["mediator"].pk if data.get("mediator") else None
        filters.flag = data.get("flag") or ""
    queryset = selectors.caseload_listed(user, filters)
    # Searched, the first page comes with the number of matching cases: the trigram search
    # runs once, not twice (core.pagination).
    paginator = ReversiblePaginator(queryset, PAGE_SIZE, count_with_rows=bool(filters.q))
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.attach_listed_applicants(list(page.object_list))
    context = {
        "form": form,
        "page": page,
        "sort": filters.sort,
        "can_create": selectors.can_create_case(user),
        "flag": registry.supervisor_count(filters.flag) if filters.flag else None,
        "columns": [
            ("reference", _("Référence")),
            ("applicant", _("Requérant(s)")),
            ("division", _("Division")),
            ("status", _("Statut")),
            ("admissibility", _("Admissibilité")),
            ("mediator", _("Médiateur")),
        ],
    }
    template = "cases/_case_table.html" if request.headers.get("HX-Request") else "cases/list.html"
    return render(request, template, context)


@role_required(*EDIT_ROLES)
def case_create(request):
    user = request.user
    form = CaseForm(
        request.POST or None,
        organisation_id=user.organisation_id,
        initial={"mediator": user.pk if user.role == Role.MEDIATOR else None},
    )
    formset = applicant_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            case = services.case_create(
                organisation=user.organisation,
                mediator=form.cleaned_data["mediator"],
                data=form.to_data(),
                applicants=formset.applicants(),
                created_by=user,
            )
        except ValidationError as exc:
            apply_errors(exc, form, formsets=_applicant_keys(formset))
        else:
            messages.success(request, _("Dossier %(ref)s créé.") % {"ref": case.reference})
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/form.html",
        {"form": form, "formset": formset, "title": _("Nouveau dossier"), "case": None},
    )


@role_required(*CASE_ROLES)
def case_detail(request, pk: int):
    case = case_for_user(request, pk)
    today = timezone.localdate()
    context = case_context(request, case, "overview")
    sections, sections_context = overview_sections(case, today)
    context.update(sections_context)
    context.update(
        {
            "applicants": list(case.applicants.all()),
            "assignments": case.assignments.select_related("mediator").order_by("start_date", "id"),
            "status_changes": case.status_changes.select_related("recorded_by"),
            "overview_sections": sections,
        }
    )
    if context.get("show_full_nn"):
        _audit_national_numbers_shown(request, case, context["applicants"])
    return render(request, "cases/detail.html", context)


@role_required(*CASE_ROLES)
def case_tab(request, pk: int, tab: str):
    case = case_for_user(request, pk)
    if tab not in PENDING_TABS:
        raise Http404
    return render(request, "cases/tab_pending.html", case_context(request, case, tab))


@role_required(*EDIT_ROLES)
def case_edit(request, pk: int):
    user = request.user
    case = case_for_edit(request, pk)
    applicants = list(case.applicants.all())
    form = CaseForm(
        request.POST or None,
        organisation_id=user.organisation_id,
        editing=True,
        initial=CaseForm.initial_from(case),
    )
    formset = applicant_formset(
        request.POST or None, initial=[ApplicantForm.initial_from(a) for a in applicants]
    )
    if request.method == "GET":  # the form shows the national numbers in full
        _audit_national_numbers_shown(request, case, applicants)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.case_update(
                case=case, data=form.to_data(), applicants=formset.applicants(), updated_by=user
            )
        except ValidationError as exc:
            apply_errors(exc, form, formsets=_applicant_keys(formset))
        else:
            messages.success(request, _("Dossier enregistré."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/form.html",
        {"form": form, "formset": formset, "title": _("Modifier le dossier"), "case": case},
    )


@role_required(*EDIT_ROLES)
def case_status(request, pk: int):
    user = request.user
    case = case_for_edit(request, pk)
    form = StatusChangeForm(request.POST or None, current_status=case.status)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_change_status(
                case=case,
                to_status=form.cleaned_data["to_status"],
                decision_date=form.cleaned_data["decision_date"],
                note=form.cleaned_data.get("note") or "",
                by=user,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Statut du dossier mis à jour."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/status_form.html",
        {"form": form, "case": case, "current": CaseStatus(case.status)},
    )


@role_required(*EDIT_ROLES)
def case_replace_mediator(request, pk: int):
    user = request.user
    case = case_for_edit(request, pk)
    form = ReplaceMediatorForm(request.POST or None, organisation_id=user.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_replace_mediator(
                case=case,
                new_mediator=form.cleaned_data["new_mediator"],
                replacement_date=form.cleaned_data["replacement_date"],
                reason=form.cleaned_data["reason"],
                by=user,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Remplacement du médiateur enregistré."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/replace_form.html", {"form": form, "case": case})


@role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)
def supervisor_overview(request):
    today = timezone.localdate()
    rows = selectors.supervisor_overview(request.user, today)
    sections, context = registry.supervisor_sections(request.user, today)
    counts = registry.supervisor_counts()
    context.update(
        {
            "rows": rows,
            "today": today,
            "statuses": CaseStatus.choices,
            "counts": counts,
            "colspan": len(CaseStatus.choices) + len(counts) + 2,
            "sections": sections,
            "exports": CaseloadExport.objects.filter(requested_by=request.user)[:5],
        }
    )
    return render(request, "cases/overview.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)
def supervisor_overview_export(request, fmt: str):
    """The supervisor's overview as it is on the page, in CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    rows = selectors.supervisor_overview(request.user, today)
    if fmt == "csv":
        response = HttpResponse(exports.overview_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.overview_xlsx(rows, today), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="supervision-{today:%Y-%m-%d}.{fmt}"'
    return response


@require_POST
@role_required(*CASE_ROLES)
def export_request(request):
    export = services.caseload_export_request(user=request.user, language=request.LANGUAGE_CODE)
    return redirect("cases:export_status", pk=export.pk)


@role_required(*CASE_ROLES)
def export_status(request, pk: int):
    export = get_object_or_404(CaseloadExport, pk=pk, requested_by=request.user)
    template = (
        "cases/_export_progress.html" if request.headers.get("HX-Request") else "cases/export.html"
    )
    return render(request, template, {"export": export})


@role_required(*CASE_ROLES)
def export_download(request, pk: int):
    export = get_object_or_404(
        CaseloadExport, pk=pk, requested_by=request.user, state=CaseloadExport.State.DONE
    )
    response = HttpResponse(BOM + export.content, content_type="text/csv; charset=utf-8")
    stamp = export.requested_at.strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="dossiers-{stamp}.csv"'
    return response
