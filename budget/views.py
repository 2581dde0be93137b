"""The case's "Budget et pécule" tab: the current budget version and its history, a new
version, the living allowance beside both legal floors, the exports (PDF for the annual
report, CSV, XLSX) and the applicant's agreement.

Views are thin: forms parse, ``budget.services`` writes and checks the rules,
``budget.selectors`` reads (through the case of ``cases.selectors.case_get_for_user``: another
organisation's case, version or decision is a 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user
from core.dates import format_date
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role

from . import exports, selectors, services
from .forms import (
    AllowanceForm,
    BudgetVersionForm,
    budget_data,
    charge_formset,
    income_formset,
)
from .models import Frequency, RisCategory

WRITERS = (Role.MEDIATOR, Role.ADMINISTRATOR)


def _persons(case) -> list[tuple[int, str]]:
    return [(a.position, a.full_name) for a in case.applicants.all()]


def _version_page(request, case, version, allowance_form=None):
    """The page of one version (the current one on the tab): lines, totals, both floors, the
    allowance decisions, and the history of versions."""
    context = case_context(request, case, "budget")
    versions = selectors.versions_of(case)
    context["versions"] = versions
    if version is None:
        return render(request, "budget/budget.html", context)
    current = versions[0]
    report = exports.budget_report(version)
    floors, error = report.floors, report.floors_error
    decisions = selectors.decisions_of(version)
    decision = decisions[0] if decisions else None
    is_current = version.pk == current.pk
    if allowance_form is None and context["can_edit"] and is_current and floors is not None:
        allowance_form = AllowanceForm(
            initial={
                "amount": decision.amount if decision else floors.minimum_without_agreement,
                "frequency": decision.frequency if decision else Frequency.STANDING_ORDER,
                "day_of_month": decision.day_of_month if decision else 1,
                "second_day_of_month": decision.second_day_of_month if decision else None,
            }
        )
    context.update(
        {
            "version": version,
            "is_current": is_current,
            "current": current,
            "report": report,
            "totals": report.totals,
            "two_applicants": len(report.applicants) > 1,
            "floors": floors,
            "floors_error": error,
            "decision": decision,
            "decisions": decisions,
            "allowance_form": allowance_form if is_current else None,
            "schedule": selectors.schedule_of(decision) if decision else None,
        }
    )
    return render(request, "budget/budget.html", context)


@role_required(*CASE_ROLES)
def case_budget(request, pk: int):
    case = case_for_user(request, pk)
    return _version_page(request, case, selectors.current_version(case))


@role_required(*CASE_ROLES)
def version_detail(request, pk: int, version_pk: int):
    case = case_for_user(request, pk)
    return _version_page(request, case, selectors.version_get(case, version_pk))


def _initial_from(case, version):
    """A new version starts as a copy of the current one (or of the case's household)."""
    if version is None:
        children = case.dependent_children
        adults = case.household_adults or 1
        category = (
            RisCategory.FAMILY
            if children
            else RisCategory.SINGLE
            if adults == 1
            else RisCategory.COHABITANT
        )
        header = {
            "date": timezone.localdate().replace(day=1),
            "reason": _("Budget initial"),
            "adults": adults,
            "dependent_children": children,
            "ris_category": category,
        }
        return header, [], []
    header = {
        "date": max(version.date, timezone.localdate().replace(day=1)),
        "adults": version.adults,
        "dependent_children": version.dependent_children,
        "partner_outside_case": version.partner_outside_case,
        "ris_category": version.ris_category,
    }
    incomes = [
        {
            "kind": li.kind,
            "label": li.label,
            "person": li.person,
            "amount": li.amount,
            "outside_case": li.outside_case,
        }
        for li in version.incomes.all()
    ]
    charges = [
        {
            "kind": li.kind,
            "label": li.label,
            "amount": li.amount,
            "paid_from_account": li.paid_from_account,
        }
        for li in version.charges.all()
    ]
    return header, incomes, charges


@role_required(*WRITERS)
def version_create(request, pk: int):
    case = case_for_edit(request, pk)
    current = selectors.current_version(case)
    header, income_rows, charge_rows = _initial_from(case, current)
    data = request.POST or None
    form = BudgetVersionForm(data, initial=header)
    persons = _persons(case)
    incomes = income_formset(data, initial=income_rows, persons=persons)
    charges = charge_formset(data, initial=charge_rows)
    if request.method == "POST" and form.is_valid() and incomes.is_valid() and charges.is_valid():
        try:
            version = services.budget_version_create(
                case=case, data=budget_data(form, incomes, charges), by=request.user
            )
        except ValidationError as exc:
            apply_errors(exc, form, formsets={"incomes": incomes, "charges": charges})
        else:
            messages.success(
                request,
                _(
                    "Budget n° %(n)s du %(date)s enregistré. Fixez maintenant le pécule de "
                    "médiation de cette version."
                )
                % {"n": version.number, "date": format_date(version.date)},
            )
            return redirect("budget:case_budget", pk=case.pk)
    context = case_context(request, case, "budget")
    context.update(
        {
            "form": form,
            "incomes": incomes,
            "charges": charges,
            "current": current,
            "two_applicants": len(persons) > 1,
        }
    )
    return render(request, "budget/version_form.html", context)


@role_required(*WRITERS)
def allowance_decide(request, pk: int, version_pk: int):
    case = case_for_edit(request, pk)
    version = selectors.version_get(case, version_pk)
    form = AllowanceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.allowance_decide(
                version=version,
                data=form.to_data(),
                agreement=form.cleaned_data.get("agreement_file") or None,
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request,
                _("Pécule de médiation fixé à %(amount)s par mois.")
                % {"amount": exports.money(decision.amount)},
            )
            return redirect("budget:version_detail", pk=case.pk, version_pk=version.pk)
    if request.method == "POST":
        messages.error(request, _("Le pécule n'a pas été enregistré : voyez le formulaire."))
    return _version_page(request, case, version, allowance_form=form)


@role_required(*CASE_ROLES)
def agreement_download(request, pk: int, decision_pk: int):
    case = case_for_user(request, pk)
    decision = selectors.decision_get(case, decision_pk)
    if not decision.agreement_file:
        raise Http404
    suffix = "." + decision.agreement_file.name.rsplit(".", 1)[-1].lower()
    content_type = {
        ".pdf": "application/pdf",
        ".png": "image/png",
        ".jpg": "image/jpeg",
    }.get(suffix, "application/octet-stream")
    return FileResponse(
        decision.agreement_file.open("rb"),
        as_attachment=True,
        filename=f"accord-pecule-{exports.safe_reference(case)}-{decision.pk}{suffix}",
        content_type=content_type,
    )


def _export(
    request, pk: int, version_pk: int, build, content_type: str, extension: str, disposition: str
):
    case = case_for_user(request, pk)
    version = selectors.version_get(case, version_pk)
    content = build(version=version, now=timezone.localtime())
    response = HttpResponse(content, content_type=content_type)
    filename = exports.export_filename(version, extension)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@role_required(*CASE_ROLES)
def export_pdf(request, pk: int, version_pk: int):
    return _export(request, pk, version_pk, exports.budget_pdf, "application/pdf", "pdf", "inline")


@role_required(*CASE_ROLES)
def export_csv(request, pk: int, version_pk: int):
    return _export(
        request, pk, version_pk, exports.budget_csv, "text/csv; charset=utf-8", "csv", "attachment"
    )


@role_required(*CASE_ROLES)
def export_xlsx(request, pk: int, version_pk: int):
    return _export(
        request,
        pk,
        version_pk,
        exports.budget_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "attachment",
    )
