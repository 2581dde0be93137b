"""The case's "Honoraires" tab: the billable services (prestations) of the case, recorded by the
app (letters) or by hand, with totals per kind; adding and deleting a service; the fee statements
(états de frais et honoraires): compute and preview, save as a draft, recompute, file with the
court, download as PDF and JSON; the taxation orders; the SPF Economie intervention requests.

Views are thin: the form parses, ``fees.services`` writes and checks the rules, ``fees.facts``
and ``fees.selectors`` read. Every read is scoped by the case, itself obtained through
``cases.selectors`` (another organisation's case, service, statement or request is a 404).
Clerks never reach these screens (403): they download filed statements through ``documents``."""

import json
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user, require_edit, user_can_edit
from core.dates import format_date
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role
from documents.models import DocumentKind
from documents.registry import filing_check
from fees.engine import FeeEngineError

from . import selectors, services
from .facts import compute_case_statement
from .forms import (
    InterventionForm,
    InterventionStatusForm,
    JustRestartPaymentForm,
    ServiceForm,
    StatementForm,
    TaxationOrderForm,
)
from .models import DraftBatch, InterventionStatus, RemissionType
from .pdf import intervention_pdf, statement_filename, statement_pdf
from .presentation import identity_of, present
from .services import pdf_jobs

ZERO = Decimal("0")


# --- views ---------------------------------------------------------------------------------


def _page(request, case, form):
    # the totals count every service, the statements give the filed periods (issue 15)
    totals = selectors.service_totals_of_case(case)
    count = sum(row.records for row in totals.rows)
    page = selectors.services_page(case, request.GET.get("page"), count=count)
    statements = list(selectors.statements_of_case(case))
    interventions = list(selectors.interventions_of_case(case))
    context = case_context(request, case, "fees")
    context.update(
        {
            "services": page.object_list,
            "services_page": page,
            "totals": totals,
            "form": form,
            "statements": statements,
            "position": selectors.fee_position(case, statements, interventions),
            "interventions": interventions,
            "untaxed_in_filed": selectors.untaxed_services_in_filed_periods(case, statements),
            "justrestart_invoices": list(selectors.justrestart_invoices_listed(case)),
            "today": timezone.localdate(),
        }
    )
    return render(request, "fees/case_services.html", context)


@role_required(*CASE_ROLES)
def case_services(request, pk: int):
    case = case_for_user(request, pk)
    form = None
    if user_can_edit(request, case):
        form = ServiceForm(
            mediators=selectors.case_mediators(case), initial={"mediator": case.mediator_id}
        )
    return _page(request, case, form)


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def service_add(request, pk: int):
    user = request.user
    case = case_for_edit(request, pk)
    form = ServiceForm(
        request.POST or None,
        mediators=selectors.case_mediators(case),
        initial={"mediator": case.mediator_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = services.service_record(
                case=case,
                kind=data["kind"],
                service_date=data["date"],
                mediator=data["mediator"],
                by=user,
                quantity=data["quantity"],
                km=data["km"],
                amount=data["amount"],
                registered_postage=data["registered_postage"],
                note=data["note"],
                origin="manual",
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request,
                _("Prestation enregistrée : %(service)s.") % {"service": str(service)},
            )
            return redirect("fees:case_services", pk=case.pk)
    return _page(request, case, form)


@require_POST
@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def service_delete(request, pk: int, service_pk: int):
    case = case_for_user(request, pk)
    service = selectors.service_get(case, service_pk)
    require_edit(request, case)
    try:
        services.service_delete(service=service)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Prestation supprimée : %(service)s.") % {"service": str(service)}
        )
    return redirect("fees:case_services", pk=case.pk)


# --- fee statements ----------------------------------------------------------------------------


def _presented(statement, lines):
    return present(
        lines,
        pricing_method=statement.pricing_method,
        reference_anniversary=statement.reference_anniversary,
        entries=selectors.payees(statement.case, statement.period_from, statement.period_to),
    )


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def statement_new(request, pk: int):
    """Compute a statement for a period and an occasion: the preview shows every line with its
    explanation (nothing is saved); "save as draft" posts the same form."""
    user = request.user
    case = case_for_edit(request, pk)
    preview = None
    if request.method == "POST":
        form = StatementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                statement = services.statement_create(
                    case=case,
                    period_from=data["period_from"],
                    period_to=data["period_to"],
                    occasion=data["occasion"],
                    reason=data["reason"],
                    by=user,
                )
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, _("Brouillon d'état de frais enregistré."))
                return redirect("fees:statement_detail", pk=case.pk, statement_pk=statement.pk)
    elif "period_from" in request.GET:
        form = StatementForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            try:
                computed = compute_case_statement(case, data["period_from"], data["period_to"])
            except FeeEngineError as exc:
                apply_errors(services.engine_error(exc), form)
            else:
                statement, lines = services.build_statement(
                    case=case,
                    computed=computed,
                    occasion=data["occasion"],
                    reason=data["reason"],
                    by=user,
                )
                overlap = selectors.filed_overlapping(case, data["period_from"], data["period_to"])
                preview = {
                    "statement": statement,
                    "presented": _presented(statement, lines),
                    "justrestart_mismatches": selectors.justrestart_mismatches(statement, lines),
                    "identity": identity_of(statement),
                    "overlap": overlap,
                }
    else:
        start, end = selectors.suggested_period(case, timezone.localdate())
        form = StatementForm(
            initial={"period_from": start, "period_to": end, "occasion": "annual_report"}
        )
    context = case_context(request, case, "fees")
    context.update({"form": form, "preview": preview})
    return render(request, "fees/statement_new.html", context)


@role_required(*CASE_ROLES)
def statement_detail(request, pk: int, statement_pk: int):
    case = case_for_user(request, pk)
    statement = selectors.statement_get(case, statement_pk)
    lines = list(statement.lines.order_by("position"))
    order = getattr(statement, "taxation_order", None)
    reductions = {}
    if order is not None:
        reductions = {r.line_id: r.allowed_amount for r in order.lines.all()}
    context = case_context(request, case, "fees")
    context.update(
        {
            "statement": statement,
            "presented": _presented(statement, lines),
            "identity": identity_of(statement),
            "order": order,
            "reductions": reductions,
            "justrestart_mismatches": selectors.justrestart_mismatches(statement, lines),
            # what filing it would meet (issue 12), shown before filing
            "court_check": None
            if statement.is_filed
            else filing_check(
                case=case,
                kind=DocumentKind.TAXATION_STATEMENT,
                today=timezone.localdate(),
                period_start=statement.period_from,
                period_end=statement.period_to,
            ),
        }
    )
    return render(request, "fees/statement_detail.html", context)


def _statement_action(request, pk: int, statement_pk: int, action, success: str):
    case = case_for_user(request, pk)
    statement = selectors.statement_get(case, statement_pk)
    require_edit(request, case)
    try:
        action(statement)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return statement


@require_POST
@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def statement_recompute(request, pk: int, statement_pk: int):
    _statement_action(
        request,
        pk,
        statement_pk,
        lambda s: services.statement_recompute(statement=s, by=request.user),
        _("Brouillon recalculé sur les données actuelles du dossier."),
    )
    return redirect("fees:statement_detail", pk=pk, statement_pk=statement_pk)


@require_POST
@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def statement_file(request, pk: int, statement_pk: int):
    confirm_early = request.POST.get("confirm_early") == "1"
    case = case_for_user(request, pk)
    statement = selectors.statement_get(case, statement_pk)  # 404 first, as the other actions
    require_edit(request, case)
    if not statement.is_filed and pdf_jobs.in_background(statement):
        # A long statement (issue 15): checked now, printed and filed in the background.
        try:
            job = pdf_jobs.statement_file_request(
                statement=statement,
                by=request.user,
                confirm_early=confirm_early,
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("fees:statement_detail", pk=pk, statement_pk=statement_pk)
        return redirect("documents:pdf_job", pk=pk, job_pk=job.pk)
    _statement_action(
        request,
        pk,
        statement_pk,
        lambda s: services.statement_file(
            statement=s, by=request.user, confirm_early=confirm_early
        ),
        _(
            "État déposé : il est figé, ses prestations ne se modifient plus et le greffe de la "
            "division peut le télécharger. Les honoraires seront taxés par l'ordonnance du juge : "
            "encodez-la dès sa réception."
        ),
    )
    return redirect("fees:statement_detail", pk=pk, statement_pk=statement_pk)


@require_POST
@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def statement_delete(request, pk: int, statement_pk: int):
    statement = _statement_action(
        request,
        pk,
        statement_pk,
        lambda s: services.statement_delete(statement=s),
        _("Brouillon supprimé."),
    )
    if statement.is_filed:
        return redirect("fees:statement_detail", pk=pk, statement_pk=statement_pk)
    return redirect("fees:case_services", pk=pk)


@role_required(*CASE_ROLES)
def statement_pdf_download(request, pk: int, statement_pk: int):
    """A filed statement: exactly the PDF filed with the court. A draft: printed now, marked
    "PROJET"."""
    case = case_for_user(request, pk)
    statement = selectors.statement_get(case, statement_pk)
    filename = statement_filename(statement)
    if statement.is_filed:
        return FileResponse(
            statement.document.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )
    if pdf_jobs.in_background(statement):  # a long draft (issue 15): made in the background
        job = pdf_jobs.statement_preview_request(
            statement=statement, by=request.user, language=request.LANGUAGE_CODE
        )
        return redirect("documents:pdf_job", pk=pk, job_pk=job.pk)
    lines = list(statement.lines.order_by("position"))
    warnings = [m.message for m in selectors.justrestart_mismatches(statement, lines)]
    content = statement_pdf(statement, lines, warnings=warnings)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*CASE_ROLES)
def statement_json(request, pk: int, statement_pk: int):
    """The statement's ``rcd-taxation/1`` JSON, as computed (and, once filed, as filed)."""
    case = case_for_user(request, pk)
    statement = selectors.statement_get(case, statement_pk)
    body = json.dumps(statement.snapshot, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = statement_filename(statement, "json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def taxation_order_add(request, pk: int, statement_pk: int):
    case = case_for_user(request, pk)
    statement = selectors.statement_get(case, statement_pk)
    require_edit(request, case)
    lines = list(statement.lines.order_by("position"))
    form = TaxationOrderForm(
        request.POST or None,
        lines=lines,
        initial={"allowed_amount": statement.total},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.taxation_order_record(
                statement=statement,
                order_date=data["order_date"],
                allowed_amount=data["allowed_amount"],
                reference=data["reference"],
                judge_note=data["judge_note"],
                line_amounts=form.line_amounts(),
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request,
                _(
                    "Ordonnance de taxation enregistrée : les honoraires taxés peuvent être "
                    "prélevés sur le compte de médiation."
                ),
            )
            return redirect("fees:statement_detail", pk=case.pk, statement_pk=statement.pk)
    context = case_context(request, case, "fees")
    context.update({"statement": statement, "form": form})
    return render(request, "fees/taxation_order_form.html", context)


# --- the JustRestart fee invoices ----------------------------------------------------------


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def justrestart_pay(request, pk: int, invoice_pk: int):
    """Mark a JustRestart invoice paid by linking the journal entry that paid it."""
    case = case_for_user(request, pk)
    invoice = selectors.justrestart_invoice_get(case, invoice_pk)
    require_edit(request, case)
    form = JustRestartPaymentForm(
        request.POST or None, entries=selectors.justrestart_payment_entries(case)
    )
    if request.method == "POST" and form.is_valid():
        entry = selectors.entry_for_user(request.user, form.cleaned_data["entry"])
        try:
            if entry is None:
                raise ValidationError({"entry": _("Écriture inconnue.")})
            services.justrestart_invoice_mark_paid(invoice=invoice, entry=entry, by=request.user)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request,
                _("Redevance JustRestart de l'anniversaire du %(date)s marquée payée.")
                % {"date": format_date(invoice.anniversary)},
            )
            return redirect(reverse("fees:case_services", args=[case.pk]) + "#justrestart")
    context = case_context(request, case, "fees")
    context.update({"invoice": invoice, "form": form})
    return render(request, "fees/justrestart_pay.html", context)


# --- the draft fee statements of the year ended, in bulk ------------------------------------


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def draft_batches(request):
    return render(
        request,
        "fees/draft_batches.html",
        {"batches": selectors.draft_batches_of(request.user)[:10], "today": timezone.localdate()},
    )


@require_POST
@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def draft_batch_request(request):
    try:
        batch = services.draft_batch_request(
            user=request.user, on=timezone.localdate(), language=request.LANGUAGE_CODE
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("fees:draft_batches")
    return redirect("fees:draft_batch_status", batch_pk=batch.pk)


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def draft_batch_status(request, batch_pk: int):
    batch = get_object_or_404(DraftBatch, pk=batch_pk, requested_by=request.user)
    template = (
        "fees/_draft_batch_progress.html"
        if request.headers.get("HX-Request")
        else "fees/draft_batch.html"
    )
    return render(request, template, {"batch": batch})


# --- SPF Economie intervention ----------------------------------------------------------------


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def intervention_add(request, pk: int):
    case = case_for_edit(request, pk)
    position = selectors.fee_position(case)
    pending = selectors.open_intervention_amount(case)
    form = InterventionForm(
        request.POST or None,
        initial={
            "prepared_on": timezone.localdate(),
            "amount_requested": max(position.shortfall - pending, 0) or None,
            "remission_type": RemissionType.NONE,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intervention = services.intervention_prepare(case=case, by=request.user, **data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Demande d'intervention du SPF Economie préparée."))
            return redirect("fees:intervention_detail", pk=case.pk, intervention_pk=intervention.pk)
    cap = selectors.intervention_cap(timezone.localdate())
    context = case_context(request, case, "fees")
    context.update(
        {
            "form": form,
            "position": position,
            "pending": pending,
            "cap": cap,
            "capped_already": selectors.capped_amount_requested(case),
        }
    )
    return render(request, "fees/intervention_form.html", context)


def _status_choices(intervention):
    allowed = services.INTERVENTION_TRANSITIONS[InterventionStatus(intervention.status)]
    return [(s.value, s.label) for s in InterventionStatus if s in allowed]


@role_required(*CASE_ROLES)
def intervention_detail(request, pk: int, intervention_pk: int):
    case = case_for_user(request, pk)
    intervention = selectors.intervention_get(case, intervention_pk)
    choices = _status_choices(intervention)
    form = None
    if choices and user_can_edit(request, case):
        form = InterventionStatusForm(choices=choices, initial={"on": timezone.localdate()})
    return _intervention_page(request, case, intervention, form)


def _intervention_page(request, case, intervention, form):
    context = case_context(request, case, "fees")
    context.update({"intervention": intervention, "status_form": form})
    return render(request, "fees/intervention_detail.html", context)


@require_POST
@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def intervention_status(request, pk: int, intervention_pk: int):
    case = case_for_user(request, pk)
    intervention = selectors.intervention_get(case, intervention_pk)
    require_edit(request, case)
    form = InterventionStatusForm(request.POST, choices=_status_choices(intervention))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.intervention_set_status(
                intervention=intervention,
                status=data["status"],
                on=data["on"],
                amount=data["amount"],
                platform_reference=data["platform_reference"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Statut de la demande mis à jour."))
            return redirect("fees:intervention_detail", pk=pk, intervention_pk=intervention_pk)
    return _intervention_page(request, case, intervention, form)


@role_required(*CASE_ROLES)
def intervention_summary_pdf(request, pk: int, intervention_pk: int):
    case = case_for_user(request, pk)
    intervention = selectors.intervention_get(case, intervention_pk)
    content = intervention_pdf(intervention, position=selectors.fee_position(case))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="intervention-spf-{intervention.pk}.pdf"'
    )
    return response
