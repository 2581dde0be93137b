"""The plan tab of a case: the plan and its versions, the form (with the fee estimate and a
preview), revisions, the court's decision, the proposal mailed to the creditors, the filing with
the court, the PDFs and the monitoring against the ledger. Views are thin: forms parse, services
write, selectors read."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from claims.models import Claim, Creditor
from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role
from documents.models import DocumentKind
from documents.registry import filing_check

from . import engine, estimates, pdf, selectors, services, tables, wording
from .forms import ApproveForm, PlanForm, ReviseForm, SendForm
from .models import FeeSource, PlanBasis, PlanKind, PlanState, PlanVersion

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)
TAB = "plan"


def _readable_case(request, pk: int):
    return case_for_user(request, pk)


def _context(request, case, **extra) -> dict:
    context = case_context(request, case, TAB)
    context.update(extra)
    return context


# Reading -----------------------------------------------------------------------------------


def _version_page(request, case, number: int | None):
    """The version ``number`` of the case's plan (the latest when None: 404 for a number the
    case does not have). The versions are read once: the history, the latest, the one shown and
    the one in force come from the same list (issue 15)."""
    today = timezone.localdate()
    versions = list(selectors.plan_versions_shown(case))
    for v in versions:
        v.case = case  # read once by the view; the basis and the checks read it again otherwise
    if number is None:
        version = versions[0] if versions else None
    else:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise Http404
    context = _context(request, case, versions=versions, today=today)
    if version is None:
        basis = selectors.live_basis(case, today)
        context.update({"basis": basis, "limit": selectors.duration_limit(case)})
        return render(request, "plans/empty.html", context)
    with selectors.computed_once():  # the filing check computes the plan in force again
        # the filing check finds the plan in force among these versions, and the basis, the
        # monitoring and the filing check read the dividends around the plan in one query
        selectors.read_once(case, versions=versions, start=version.start_date, end=today)
        return _version_detail(request, case, version, context, versions, today)


def _version_detail(request, case, version: PlanVersion, context, versions, today: date):
    view = selectors.compute(version)
    result = view.result
    chart, yearly, schedule = tables.drawn(result) if result else (None, None, None)
    in_force = selectors.version_in_force_of(versions)
    follow = None
    if in_force is not None and in_force.pk == version.pk and result is not None:
        _view, follow = selectors.monitoring(version, today)
    context.update(
        {
            "version": version,
            "view": view,
            "result": result,
            "ranked": selectors.ranked_lines(view),
            # the notes the version stores, in the reader's language (plans.wording)
            "available_note": wording.shown_note(version.available_note),
            "fee_estimate_note": wording.shown_note(version.fee_estimate_note),
            "latest": versions[0],
            "in_force": in_force,
            "follow": follow,
            "mailings": selectors.mailings_of(version),
            "chart": chart,
            "yearly": yearly,
            "schedule": schedule,
            "can_revise": version.pk == versions[0].pk and version.is_frozen,
            "can_file": (
                version.is_frozen
                and version.filed_document_id is None
                and case.status in selectors.PLAN_OPEN_STATUSES
            ),
            # what filing would meet (issue 12), shown before filing
            "court_check": filing_check(case=case, kind=DocumentKind.PLAN, today=today)
            if context["can_edit"]
            and version.is_frozen
            and version.filed_document_id is None
            and case.status in selectors.PLAN_OPEN_STATUSES
            else None,
            # what recording the court's decision would do to the case (writers only)
            "effect": selectors.approval_effect(version)
            if context["can_edit"] and version.state != PlanState.APPROVED
            else None,
        }
    )
    return render(request, "plans/version.html", context)


@role_required(*CASE_ROLES)
def case_plan(request, pk: int):
    case = _readable_case(request, pk)
    return _version_page(request, case, None)


@role_required(*CASE_ROLES)
def version_detail(request, pk: int, number: int):
    case = _readable_case(request, pk)
    return _version_page(request, case, number)


@role_required(*CASE_ROLES)
def monitoring(request, pk: int):
    case = _readable_case(request, pk)
    today = timezone.localdate()
    in_force = selectors.version_in_force(case)
    version = in_force or selectors.latest_version(case)
    context = _context(request, case, version=version, in_force=in_force, today=today)
    if version is not None:
        view, follow = selectors.monitoring(version, today)
        outside = selectors.creditor_names(p.creditor_key for p in follow.outside) if follow else {}
        context.update({"view": view, "follow": follow, "outside_names": outside})
    return render(request, "plans/monitoring.html", context)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(*CASE_ROLES)
def proposal_pdf(request, pk: int, number: int):
    case = _readable_case(request, pk)
    view = selectors.compute(selectors.version_get(case, number))
    content = pdf.render_proposal_pdf(
        view, addressees=None, sent_on=timezone.localdate(), registered=True
    )
    return _pdf_response(content, f"{case.reference}-proposition-plan-v{number}.pdf")


@role_required(*CASE_ROLES)
def court_pdf(request, pk: int, number: int):
    case = _readable_case(request, pk)
    view = selectors.compute(selectors.version_get(case, number))
    content = pdf.render_court_pdf(view, on=timezone.localdate())
    return _pdf_response(content, f"{case.reference}-plan-homologation-v{number}.pdf")


@role_required(*CASE_ROLES)
def mailing_pdf(request, pk: int, mailing_pk: int):
    case = _readable_case(request, pk)
    mailing = selectors.mailing_get(case, mailing_pk)
    if not mailing.pdf:
        raise Http404
    return FileResponse(
        mailing.pdf.open("rb"),
        as_attachment=False,
        filename=f"{case.reference}-plan-v{mailing.version.number}-envoi-{mailing.sent_on:%Y%m%d}.pdf",
        content_type="application/pdf",
    )


# The plan form -----------------------------------------------------------------------------


def _default_start(case, today: date) -> date:
    first_of_next = engine.add_months(today.replace(day=1), 1)
    return max(first_of_next, case.admissibility_date)


def _plan_creditors(case, start: date) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for line in selectors.live_basis(case, start).lines:
        seen.setdefault(line.creditor_key, line.name)
    return list(seen.items())


def _new_initial(case, start: date, budget: Decimal | None) -> dict:
    allowed = selectors.duration_limit(case).max_months_from(start)
    return {
        "kind": PlanKind.JUDICIAL
        if case.plan_basis and case.plan_basis != PlanBasis.AMICABLE
        else PlanKind.AMICABLE,
        "start_date": start,
        "duration_months": min(84, allowed) if allowed >= 1 else 12,
        "frequency_months": 1,
        "monthly_available": budget if budget is not None and budget >= 0 else None,
        "fee_provision": Decimal("0.00"),
        "fee_source": FeeSource.MANUAL,
        "legal_basis": case.plan_basis or PlanBasis.AMICABLE,
    }


def _posted_period(post, start: date) -> tuple[date, date | None]:
    """The plan's first day and end (exclusive) as posted, for the sales offered as one-offs;
    the given ``start`` and no end when unreadable (the plan's check refuses it on save)."""
    try:
        start = PlanForm.base_fields["start_date"].clean(post.get("start_date")) or start
        months = int(post.get("duration_months") or "")
    except (ValidationError, ValueError):
        return start, None
    if months < 1:
        return start, None
    return start, engine.add_months(start, min(months, engine.MAX_DURATION_MONTHS))


def _plan_form(request, case, version: PlanVersion | None):
    today = timezone.localdate()
    start = version.start_date if version else _default_start(case, today)
    figure = selectors.budget_available(case, start)
    budget = figure.amount if figure else None
    if version:
        initial = PlanForm.initial_from(version)
    else:
        initial = _new_initial(case, start, budget)
        # the asset sales after the plan's start are offered at once (docs/plan-rules.md, 3)
        end = engine.add_months(start, initial["duration_months"])
        initial.update(PlanForm.sums_initial(selectors.sale_one_offs(case, start, end)))
    creditors = _plan_creditors(case, initial["start_date"])
    action = request.POST.get("action", "save")
    if request.method == "POST" and action in ("add_one_off", "sale_proceeds"):
        # rows are added without saving nor checking anything: an unbound form, the posted
        # values as its initial values
        sums = ()
        if action == "sale_proceeds":
            start, end = _posted_period(request.POST, start)
            sums = selectors.sale_one_offs(case, start, end)
        values = PlanForm.values_with_rows(
            request.POST, extra_rows=1 if action == "add_one_off" else 0, sums=sums
        )
        form = PlanForm(creditors=creditors, initial=values, one_off_rows=values["one_off_count"])
        if action == "sale_proceeds" and not sums:
            messages.info(
                request,
                _("Aucune vente d'un bien datée pendant le plan : rien à reprendre."),
            )
    else:
        form = PlanForm(request.POST or None, creditors=creditors, initial=initial)
    estimate = preview = None
    if (
        request.method == "POST"
        and action not in ("add_one_off", "sale_proceeds")
        and (form.is_valid())
    ):
        if form.cleaned_data["start_date"] != start:  # the budget in force at the plan's start
            start = form.cleaned_data["start_date"]
            figure = selectors.budget_available(case, start)
            budget = figure.amount if figure else None
        data = form.to_data(budget=budget, budget_note=figure.explanation if figure else "")
        if action == "estimate":
            checked = services.check_plan(
                case=case, data=replace(data, fee_provision=Decimal("0.00"), shares=None)
            )
            if checked.errors:
                apply_errors(ValidationError(checked.errors), form)
            else:
                estimate = estimates.fee_estimate(
                    case=case,
                    terms=checked.terms,
                    allowance=form.cleaned_data.get("allowance") or estimates.ALLOWANCE_MONTHLY,
                )
                if estimate.amount is not None:
                    values = request.POST.copy()
                    values["fee_provision"] = f"{estimate.amount:.2f}".replace(".", ",")
                    values["fee_source"] = FeeSource.ESTIMATE
                    values["fee_estimate_amount"] = str(estimate.amount)
                    values["fee_estimate_note"] = estimate.note
                    form = PlanForm(values, creditors=creditors, initial=initial)
                    form.is_valid()
        elif action == "preview":
            checked = services.check_plan(case=case, data=data)
            if checked.errors:
                apply_errors(ValidationError(checked.errors), form)
            else:
                preview = checked.result
        else:
            try:
                if version is None:
                    version = services.plan_create(case=case, data=data, by=request.user)
                    messages.success(request, _("Projet de plan enregistré."))
                else:
                    services.plan_update(version=version, data=data, by=request.user)
                    messages.success(request, _("Projet de plan mis à jour."))
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                return redirect("plans:version_detail", pk=case.pk, number=version.number)
    context = _context(
        request,
        case,
        form=form,
        version=version,
        budget=figure,
        today=today,
        limit=selectors.version_limit(version) if version else selectors.duration_limit(case),
        sales_before_start=selectors.sales_in_opening_balance(case, start),
        has_sales=bool(selectors.sale_one_offs(case, case.admissibility_date)),
        estimate=estimate,
        preview=preview,
        preview_yearly=tables.yearly(preview) if preview else None,
    )
    return render(request, "plans/form.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def plan_create(request, pk: int):
    case = case_for_edit(request, pk)
    existing = selectors.latest_version(case)
    if existing is not None:
        messages.info(request, _("Ce dossier a déjà un plan : modifiez le projet ou révisez-le."))
        return redirect("plans:version_detail", pk=case.pk, number=existing.number)
    return _plan_form(request, case, None)


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def version_edit(request, pk: int, number: int):
    case = case_for_edit(request, pk)
    version = selectors.version_get(case, number)
    if not version.is_draft:
        messages.warning(
            request, _("Cette version est figée : créez une révision pour modifier le plan.")
        )
        return redirect("plans:version_detail", pk=case.pk, number=number)
    return _plan_form(request, case, version)


# Revision, decision, sending ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def version_revise(request, pk: int, number: int):
    case = case_for_edit(request, pk)
    version = selectors.version_get(case, number)
    form = ReviseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.plan_revise(
                version=version, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request,
                _("Révision créée : version %(n)s (projet). La version %(old)s reste consultable.")
                % {"n": new.number, "old": version.number},
            )
            return redirect("plans:version_edit", pk=case.pk, number=new.number)
    return render(request, "plans/revise.html", _context(request, case, form=form, version=version))


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def version_approve(request, pk: int, number: int):
    case = case_for_edit(request, pk)
    version = selectors.version_get(case, number)
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_approve(
                version=version,
                decision_date=form.cleaned_data["decision_date"],
                decision_reference=form.cleaned_data["decision_reference"],
                by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Décision du tribunal enregistrée : la version est figée."))
            return redirect("plans:version_detail", pk=case.pk, number=number)
    context = _context(
        request, case, form=form, version=version, effect=selectors.approval_effect(version)
    )
    return render(request, "plans/approve.html", context)


@require_POST
@role_required(*WRITE_ROLES)
def version_file(request, pk: int, number: int):
    """File the court version of the plan with the court (``services.plan_file``)."""
    case = case_for_edit(request, pk)
    version = selectors.version_get(case, number)
    try:
        services.plan_file(version=version, by=request.user, today=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Plan déposé au greffe : le greffe de la division peut le télécharger."),
        )
    return redirect("plans:version_detail", pk=case.pk, number=number)


def _send_choices(case, plan_keys: set[str]) -> list[tuple[int, str]]:
    ids = Claim.objects.filter(case=case).values_list("creditor_id", flat=True)
    choices = []
    for creditor in Creditor.objects.filter(pk__in=ids).order_by("name", "pk"):
        label = creditor.name
        if str(creditor.pk) not in plan_keys:
            label += " — " + _("hors plan")
        if not creditor.address.strip():
            label += " — " + _("adresse manquante")
        choices.append((creditor.pk, label))
    return choices


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def version_send(request, pk: int, number: int):
    case = case_for_edit(request, pk)
    version = selectors.version_get(case, number)
    if version.state == PlanState.APPROVED:
        messages.warning(
            request, _("Cette version est approuvée par le tribunal : elle ne s'envoie plus.")
        )
        return redirect("plans:version_detail", pk=case.pk, number=number)
    view = selectors.compute(version)
    plan_keys = {line.creditor_key for line in view.basis.lines}
    choices = _send_choices(case, plan_keys)
    today = timezone.localdate()
    form = SendForm(
        request.POST or None,
        creditor_choices=choices,
        initial={
            "creditors": [pk_ for pk_, _label in choices if str(pk_) in plan_keys],
            "sent_on": today,
        },
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            mailing = services.plan_send(
                version=version,
                creditor_ids=c["creditors"],
                copy_to_applicants=c["copy_to_applicants"],
                sent_on=c["sent_on"],
                registered=c["registered"],
                postage=c.get("postage"),
                by=request.user,
                today=today,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            service = mailing.service
            messages.success(
                request,
                _(
                    "Proposition envoyée à %(n)s destinataire(s) ; prestation enregistrée : "
                    "%(service)s × %(q)s."
                )
                % {
                    "n": mailing.addressee_count,
                    "service": service.get_kind_display(),
                    "q": service.quantity,
                },
            )
            return redirect("plans:version_detail", pk=case.pk, number=number)
    return render(
        request,
        "plans/send.html",
        _context(request, case, form=form, version=version, view=view),
    )
