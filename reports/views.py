"""The case's annual report page: choose the period, write the evolution, preview the PDF
(report and annexes), file it with the court. Thin: the form parses, the service checks and
files, the selectors read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user, user_can_edit
from core.dates import format_date
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role
from documents.models import DocumentKind

from . import court_checks, due, pdf_jobs, selectors, services
from .forms import AnnualReportForm
from .models import DraftBatch

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)


def _initial(case, today, chosen: str | None):
    """The default period, or the follow-up year starting on ``?annee=<ISO date>``."""
    periods = {p.start.isoformat(): p for p in selectors.anniversary_periods(case, today)}
    period = periods.get(chosen or "") or selectors.default_period(case, today)
    return {"period_from": period.start, "last_day": min(period.last_day, today)}


@role_required(*CASE_ROLES)
def annual_report(request, pk: int):
    """GET: the form with the default period and what the report will contain. POST
    ``action=preview``: the PDF, nothing saved; ``action=file``: filed with the court."""
    user = request.user
    case = case_for_user(request, pk)
    can_edit = user_can_edit(request, case) and user.role in WRITE_ROLES
    today = timezone.localdate()
    form = AnnualReportForm(
        request.POST or None, initial=_initial(case, today, request.GET.get("annee"))
    )
    action = request.POST.get("action", "preview")
    period = None
    if request.method == "POST":
        if action == "file" and not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.to_data()
            try:
                # A long report (issue 15): checked now, made in the background.
                job = _in_background(request, case, data, action, today)
                if job is not None:
                    return redirect("documents:pdf_job", pk=case.pk, job_pk=job.pk)
                if action == "file":
                    filed = services.report_file(
                        case=case, data=data, by=user, today=today, now=timezone.now()
                    )
                else:
                    content = services.report_preview(
                        case=case, data=data, today=today, now=timezone.now()
                    )
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                if action == "file":
                    messages.success(
                        request,
                        _(
                            "Rapport déposé au greffe (%(title)s). Envoyez-en une copie au "
                            "requérant."
                        )
                        % {"title": filed.document.title},
                    )
                    return redirect("reports:annual_report", pk=case.pk)
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'inline; filename="rapport-{case.pk}-{data.period_from:%Y%m%d}.pdf"'
                )
                return response
    if form.is_bound:
        if not form.errors:
            period = _period_or_none(case, form.to_data(), today)
    elif "period_from" in request.GET:  # the dates being typed (htmx): what they would give
        typed = AnnualReportForm(request.GET)
        if typed.is_valid():
            period = _period_or_none(case, typed.to_data(), today)
    else:
        initial = form.initial
        period = _period_or_none(
            case,
            services.ReportData(initial["period_from"], initial["last_day"]),
            today,
        )
    context = case_context(request, case, "documents")
    context.update(
        {
            "form": form,
            "can_file": can_edit,
            "report": selectors.annual_report(case, period) if period else None,
            # what filing this period would meet (issue 12), shown before filing
            "court_check": court_checks.filing_check(
                case=case,
                kind=DocumentKind.ANNUAL_REPORT,
                today=today,
                period_start=period.start,
                period_end=period.end,
            )
            if period and can_edit
            else None,
            "periods": selectors.anniversary_periods(case, today),
            "filed": selectors.filed_reports(case),
        }
    )
    if request.headers.get("HX-Request"):
        return render(request, "reports/_report_summary.html", context)
    return render(request, "reports/annual_report.html", context)


@require_POST
@role_required(*WRITE_ROLES)
def report_copy_send(request, pk: int, report_pk: int):
    """Send the applicant the copy of a filed report (issue 17): recorded as a letter."""
    case = case_for_edit(request, pk)
    filed = get_object_or_404(selectors.filed_reports(case), pk=report_pk)
    try:
        letter = services.report_copy_send(
            filed=filed, sent_on=timezone.localdate(), by=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Copie du rapport envoyée au requérant (courrier du %(d)s).")
            % {"d": format_date(letter.sent_on)},
        )
    return redirect("reports:annual_report", pk=case.pk)


def _in_background(request, case, data, action, today):
    """The background job of a long report (None: short enough to be made at once)."""
    period = services.check_report(case=case, data=data, today=today)
    if not pdf_jobs.in_background(case, period):
        return None
    if action == "file":
        return pdf_jobs.report_file_request(
            case=case, data=data, by=request.user, today=today, language=request.LANGUAGE_CODE
        )
    return pdf_jobs.report_preview_request(
        case=case, data=data, period=period, by=request.user, language=request.LANGUAGE_CODE
    )


def _period_or_none(case, data, today):
    try:
        return services.check_report(case=case, data=data, today=today)
    except ValidationError:
        return None


@role_required(*CASE_ROLES)
def reports_due(request):
    """The annual reports due, overdue and coming (30 days) of the user's cases (a mediator's
    own; the organisation's for a supervisor or an administrator), and the bulk drafting."""
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "reports/due.html",
        {
            "today": today,
            "items": due.reports_due(due.scope_for(user), today),
            "can_draft": user.role in WRITE_ROLES,
            "month_items": due.due_in_month(user, today) if user.role in WRITE_ROLES else [],
            "batches": DraftBatch.objects.filter(requested_by=user)[:5],
        },
    )


@require_POST
@role_required(*WRITE_ROLES)
def draft_batch_request(request):
    batch = services.draft_batch_request(
        user=request.user, today=timezone.localdate(), language=request.LANGUAGE_CODE
    )
    return redirect("reports:draft_batch", pk=batch.pk)


@role_required(*WRITE_ROLES)
def draft_batch(request, pk: int):
    """The batch's progress (htmx polls the fragment until it is done), then its drafts."""
    batch = get_object_or_404(DraftBatch, pk=pk, requested_by=request.user)
    template = (
        "reports/_draft_progress.html"
        if request.headers.get("HX-Request")
        else "reports/draft_batch.html"
    )
    return render(request, template, {"batch": batch})
