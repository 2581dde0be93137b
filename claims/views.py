"""Creditor directory, the claims tab of a case, and the claims list exports. Views are thin:
they parse input with forms, call services and selectors."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role
from core.uploads import size_label

from . import exports, selectors, services
from .forms import (
    ClaimForm,
    CreditorForm,
    JoinForm,
    KnownCreditorForm,
    ReminderForm,
    RepresentationForm,
    RepresentativeForm,
    SearchForm,
    TimeBarForm,
)

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)
PAGE_SIZE = 50


def _next_url(request) -> str:
    """The page to go back to after an inline creation (same host only)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _with_param(url: str, **params) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def _tab_url(case, creditor_id: int | None = None) -> str:
    url = reverse("claims:case_claims", args=[case.pk])
    return f"{url}#creditor-{creditor_id}" if creditor_id else url


# Directory: creditors and representatives -------------------------------------------------

KINDS = {
    "creditor": {
        "form": CreditorForm,
        "search": selectors.creditor_search,
        "get": selectors.creditor_get_for_user,
        "create": lambda user, data: services.creditor_create(
            organisation=user.organisation, data=data
        ),
        "update": lambda obj, data: services.creditor_update(creditor=obj, data=data),
        "param": "creditor",
        "list_url": "claims:creditor_list",
        "detail_url": "claims:creditor_detail",
    },
    "representative": {
        "form": RepresentativeForm,
        "search": selectors.representative_search,
        "get": selectors.representative_get_for_user,
        "create": lambda user, data: services.representative_create(
            organisation=user.organisation, data=data
        ),
        "update": lambda obj, data: services.representative_update(representative=obj, data=data),
        "param": "representative",
        "list_url": "claims:representative_list",
        "detail_url": "claims:representative_detail",
    },
}


def _directory_list(request, kind: str):
    form = SearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = Paginator(KINDS[kind]["search"](request.user, q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "claims/directory_list.html",
        {
            "kind": kind,
            "form": form,
            "q": q,
            "page": page,
            "can_write": request.user.role in WRITE_ROLES,
        },
    )


def _directory_form(request, kind: str, pk: int | None = None):
    config = KINDS[kind]
    instance = config["get"](request.user, pk) if pk else None
    next_url = _next_url(request)
    initial = config["form"].initial_from(instance) if instance else None
    form = config["form"](request.POST or None, initial=initial)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            if instance:
                saved = config["update"](instance, form.to_data())
            else:
                saved = config["create"](request.user, form.to_data())
        except services.DuplicateContact as exc:
            existing = exc.existing
            apply_errors(exc, form)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("« %(name)s » enregistré.") % {"name": saved.name})
            if next_url:
                return redirect(_with_param(next_url, **{config["param"]: saved.pk}))
            return redirect(config["detail_url"], pk=saved.pk)
    return render(
        request,
        "claims/directory_form.html",
        {
            "kind": kind,
            "form": form,
            "object": instance,
            "existing": existing,
            "use_existing_url": (
                _with_param(next_url, **{config["param"]: existing.pk})
                if existing and next_url
                else ""
            ),
            "next": next_url,
        },
    )


@role_required(*CASE_ROLES)
def creditor_list(request):
    return _directory_list(request, "creditor")


@role_required(*WRITE_ROLES)
def creditor_create(request):
    return _directory_form(request, "creditor")


@role_required(*WRITE_ROLES)
def creditor_edit(request, pk: int):
    return _directory_form(request, "creditor", pk)


@role_required(*CASE_ROLES)
def creditor_detail(request, pk: int):
    creditor = selectors.creditor_get_for_user(request.user, pk)
    return render(
        request,
        "claims/creditor_detail.html",
        {
            "object": creditor,
            "kind": "creditor",
            "cases": selectors.creditor_cases(request.user, creditor),
            "can_write": request.user.role in WRITE_ROLES,
        },
    )


@role_required(*CASE_ROLES)
def representative_list(request):
    return _directory_list(request, "representative")


@role_required(*WRITE_ROLES)
def representative_create(request):
    return _directory_form(request, "representative")


@role_required(*WRITE_ROLES)
def representative_edit(request, pk: int):
    return _directory_form(request, "representative", pk)


@role_required(*CASE_ROLES)
def representative_detail(request, pk: int):
    representative = selectors.representative_get_for_user(request.user, pk)
    return render(
        request,
        "claims/representative_detail.html",
        {
            "object": representative,
            "kind": "representative",
            "files": selectors.representative_cases(request.user, representative),
            "can_write": request.user.role in WRITE_ROLES,
        },
    )


# The claims tab of a case ---------------------------------------------------------------


@role_required(*CASE_ROLES)
def case_claims(request, pk: int):
    case = case_for_user(request, pk)
    context = case_context(request, case, "claims")
    applicant_count = len(case.applicants.all())
    context.update(
        {
            "table": selectors.claims_table(case, debtors=applicant_count > 1),
            "representations": selectors.representations_of_case(case),
            # one applicant: every claim is theirs, the debtors column would only repeat it
            "show_debtors": applicant_count > 1,
            "applicant_count": applicant_count,
            "columns": 14 if applicant_count > 1 else 13,
        }
    )
    return render(request, "claims/case_claims.html", context)


def _claim_form_page(request, case, form, claim=None):
    context = case_context(request, case, "claims")
    context.update(
        {
            "form": form,
            "claim": claim,
            "max_upload": size_label(settings.DOCUMENT_MAX_UPLOAD_BYTES),
        }
    )
    return render(request, "claims/claim_form.html", context)


@role_required(*WRITE_ROLES)
def claim_create(request, pk: int):
    case = case_for_edit(request, pk)
    initial = {"debtors": list(case.applicants.all())}
    for name in ("creditor", "representation"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    form = ClaimForm(request.POST or None, request.FILES or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_create(
                case=case,
                data=form.to_data(),
                by=request.user,
                declaration=form.cleaned_data.get("declaration_file") or None,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Créance enregistrée."))
            return redirect(_tab_url(case, claim.creditor_id))
    return _claim_form_page(request, case, form)


@role_required(*WRITE_ROLES)
def claim_edit(request, pk: int, claim_pk: int):
    case = case_for_edit(request, pk)
    claim = selectors.claim_get_for_case(case, claim_pk)
    initial = ClaimForm.initial_from(claim)
    if request.GET.get("representation", "").isdigit():
        initial["representation"] = int(request.GET["representation"])
    form = ClaimForm(request.POST or None, request.FILES or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_update(
                claim=claim,
                data=form.to_data(),
                declaration=form.cleaned_data.get("declaration_file") or None,
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Créance enregistrée."))
            return redirect(_tab_url(case, claim.creditor_id))
    return _claim_form_page(request, case, form, claim)


@require_POST
@role_required(*WRITE_ROLES)
def claim_delete(request, pk: int, claim_pk: int):
    case = case_for_edit(request, pk)
    claim = selectors.claim_get_for_case(case, claim_pk)
    try:
        services.claim_delete(claim=claim, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("claims:claim_edit", pk=case.pk, claim_pk=claim.pk)
    messages.success(request, _("Créance supprimée."))
    return redirect(_tab_url(case))


@role_required(*CASE_ROLES)
def claim_declaration(request, pk: int, claim_pk: int):
    case = case_for_user(request, pk)
    claim = selectors.claim_get_for_case(case, claim_pk)
    if not claim.declaration_file:
        raise Http404
    suffix = "." + claim.declaration_file.name.rsplit(".", 1)[-1].lower()
    content_type = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}
    return FileResponse(
        claim.declaration_file.open("rb"),
        as_attachment=False,
        filename=f"{case.reference}-declaration-{claim.pk}{suffix}",
        content_type=content_type.get(suffix, "application/octet-stream"),
    )


@role_required(*WRITE_ROLES)
def representation_create(request, pk: int):
    case = case_for_edit(request, pk)
    initial = {
        name: int(request.GET[name])
        for name in ("creditor", "representative")
        if request.GET.get(name, "").isdigit()
    }
    next_url = _next_url(request)
    form = RepresentationForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            representation = services.representation_add(
                case=case,
                creditor=form.cleaned_data["creditor"],
                representative=form.cleaned_data["representative"],
                file_reference=form.cleaned_data.get("file_reference") or "",
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Intermédiaire ajouté au dossier."))
            if next_url:
                return redirect(_with_param(next_url, representation=representation.pk))
            return redirect(_tab_url(case, representation.creditor_id))
    context = case_context(request, case, "claims")
    context.update({"form": form, "next": next_url})
    return render(request, "claims/representation_form.html", context)


@require_POST
@role_required(*WRITE_ROLES)
def representation_delete(request, pk: int, representation_pk: int):
    case = case_for_edit(request, pk)
    representation = selectors.representation_get_for_case(case, representation_pk)
    services.representation_remove(representation=representation)
    messages.success(request, _("Intermédiaire retiré du dossier."))
    return redirect(_tab_url(case))


@role_required(*WRITE_ROLES)
def position_join(request, pk: int):
    case = case_for_edit(request, pk)
    data = request.POST if request.method == "POST" else None
    form = JoinForm(data, case=case, initial={"claims": request.GET.getlist("claims")})
    if request.method == "POST" and form.is_valid():
        try:
            position = services.position_join(
                case=case,
                claims=list(form.cleaned_data["claims"]),
                label=form.cleaned_data.get("label") or "",
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request, _("Position jointe « %(label)s » créée.") % {"label": position.label}
            )
            return redirect(_tab_url(case, position.creditor_id))
    context = case_context(request, case, "claims")
    context.update({"form": form, "table": selectors.claims_table(case)})
    return render(request, "claims/position_join.html", context)


@require_POST
@role_required(*WRITE_ROLES)
def position_dissolve(request, pk: int, position_pk: int):
    case = case_for_edit(request, pk)
    position = selectors.position_get_for_case(case, position_pk)
    creditor_id = position.creditor_id
    services.position_dissolve(position=position)
    messages.success(request, _("Position jointe dissoute : les créances sont à nouveau séparées."))
    return redirect(_tab_url(case, creditor_id))


# Exports --------------------------------------------------------------------------------


def _export(request, pk: int, extension: str, content_type: str, build):
    case = case_for_user(request, pk)
    today = timezone.localdate()
    content = build(case, selectors.claims_table(case), today)
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if extension == "pdf" else "attachment"
    filename = exports.export_filename(case, extension, today)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@role_required(*CASE_ROLES)
def export_pdf(request, pk: int):
    return _export(
        request,
        pk,
        "pdf",
        "application/pdf",
        lambda case, table, today: exports.claims_pdf(
            case, table, today, language=request.LANGUAGE_CODE
        ),
    )


@role_required(*CASE_ROLES)
def export_csv(request, pk: int):
    return _export(
        request,
        pk,
        "csv",
        "text/csv; charset=utf-8",
        lambda case, table, today: exports.claims_csv(case, table),
    )


@role_required(*CASE_ROLES)
def export_xlsx(request, pk: int):
    return _export(
        request,
        pk,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.claims_xlsx,
    )


# Declarations: known creditors, registered reminders, forclusions ---------------------------


def _declarations_url(case, known_pk: int | None = None) -> str:
    url = reverse("claims:declarations", args=[case.pk])
    return f"{url}#known-{known_pk}" if known_pk else url


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@role_required(*CASE_ROLES)
def declarations(request, pk: int):
    case = case_for_user(request, pk)
    context = case_context(request, case, "claims")
    context.update(
        {
            "rows": selectors.declaration_rows(case),
            "add_form": KnownCreditorForm(case=case),
            "reminder_form": ReminderForm(),
            "time_bar_form": TimeBarForm(),
        }
    )
    return render(request, "claims/declarations.html", context)


def _form_errors(form) -> ValidationError:
    """A form's field errors as one refusal shown in a message ("Label : error")."""
    found = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        found.extend(f"{label} : {error}" if label else str(error) for error in errors)
    return ValidationError(found)


@require_POST
@role_required(*WRITE_ROLES)
def known_creditor_add(request, pk: int):
    case = case_for_edit(request, pk)
    form = KnownCreditorForm(request.POST, case=case)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        known = services.known_creditor_add(
            case=case, creditor=form.cleaned_data["creditor"], by=request.user
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(_declarations_url(case))
    messages.success(request, _("Créancier ajouté aux créanciers connus du dossier."))
    return redirect(_declarations_url(case, known.pk))


@require_POST
@role_required(*WRITE_ROLES)
def reminder_record(request, pk: int, known_pk: int):
    case = case_for_edit(request, pk)
    known = selectors.known_creditor_get_for_case(case, known_pk)
    form = ReminderForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        known = services.reminder_record(
            known=known,
            sent_on=form.cleaned_data["sent_on"],
            received_on=form.cleaned_data.get("received_on"),
            by=request.user,
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(_declarations_url(case, known.pk))
    if known.time_barred_on:
        messages.warning(
            request, _("Rappel enregistré : le dernier délai est passé, créancier forclos.")
        )
    else:
        messages.success(request, _("Rappel recommandé enregistré."))
    return redirect(_declarations_url(case, known.pk))


@require_POST
@role_required(*WRITE_ROLES)
def time_bar_record(request, pk: int, known_pk: int):
    case = case_for_edit(request, pk)
    known = selectors.known_creditor_get_for_case(case, known_pk)
    form = TimeBarForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        services.time_bar_record(
            known=known,
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Forclusion enregistrée."))
    return redirect(_declarations_url(case, known.pk))


@require_POST
@role_required(*WRITE_ROLES)
def time_bar_lift(request, pk: int, known_pk: int):
    case = case_for_edit(request, pk)
    known = selectors.known_creditor_get_for_case(case, known_pk)
    try:
        services.time_bar_lift(known=known, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Forclusion levée : les créances participent à nouveau."))
    return redirect(_declarations_url(case, known.pk))
