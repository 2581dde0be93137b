"""Bank screens: the organisation's "Banque" page (statement imports, the queue of movements to
assign, the saved rules) and the case's "Paiements" page (SEPA payments out). Views are thin:
forms parse, services write, selectors read (scoped by organisation)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user, require_edit, user_can_edit
from core.forms import apply_errors
from core.money import format_eur
from core.roles import CASE_ROLES, Role
from ledger.selectors import account_of

from . import selectors, services, tasks
from .forms import (
    BatchApproveForm,
    CaseCommunicationForm,
    MovementAssignForm,
    MovementIgnoreForm,
    PaymentForm,
    StatementUploadForm,
)
from .models import MovementStatus

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)


def _bank_context(request, section: str) -> dict:
    user = request.user
    return {
        "section": section,
        "can_import": selectors.can_import(user),
        "queue_count": selectors.unmatched_queue(user).count(),
    }


# Organisation: imports, queue, rules -----------------------------------------------------------


@role_required(*CASE_ROLES)
def bank(request):
    """Imports of the organisation, and the upload form (mediators and administrators)."""
    user = request.user
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not selectors.can_import(user):
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            if services.movement_estimate(content) > services.BACKGROUND_FROM_MOVEMENTS:
                try:
                    background = services.statement_upload_request(
                        organisation=user.organisation,
                        content=content,
                        file_name=upload.name,
                        by=user,
                        enqueue=_enqueue_upload,
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error("file", message)
                else:
                    return redirect("banking:upload_status", pk=background.pk)
        if form.is_valid():
            try:
                result = services.statement_import(
                    organisation=user.organisation,
                    content=content,
                    file_name=upload.name,
                    by=user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                # One message (issue 16): "already imported on …, N new movements" for a file
                # seen before, else "imported". The parser's and the balances' warnings are on
                # the import's page (``import_detail``), not repeated as messages.
                if result.already_imported_at is not None:
                    messages.info(request, result.already_imported_message())
                else:
                    messages.success(request, _("Extrait importé."))
                return redirect("banking:import_detail", pk=result.statement_import.pk)
    context = _bank_context(request, "imports")
    context.update({"form": form, "imports": selectors.imports_for(user)[:100]})
    return render(request, "banking/bank.html", context)


def _enqueue_upload(upload_id: int, task_id: str) -> None:
    tasks.import_statement_upload.apply_async(args=[upload_id], task_id=task_id)


@role_required(*CASE_ROLES)
def upload_status(request, pk: int):
    """A large file being imported in the background: a progress bar that htmx refreshes every
    second; once done, the import's page."""
    upload = selectors.upload_get_for_user(request.user, pk)
    done = upload.state == upload.State.DONE and upload.statement_import_id
    if done:
        # the same one message as an import at once (issue 16)
        earlier = selectors.import_earlier_of_same_file(upload.statement_import)
        result = services.ImportResult(
            statement_import=upload.statement_import,
            already_imported_at=earlier.imported_at if earlier else None,
        )
        if earlier is not None:
            messages.info(request, result.already_imported_message())
        else:
            messages.success(request, _("Extrait importé."))
    if done and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse(
            "banking:import_detail", args=[upload.statement_import_id]
        )
        return response
    if done:
        return redirect("banking:import_detail", pk=upload.statement_import_id)
    context = {"upload": upload, "progress": selectors.upload_progress(upload)}
    if request.headers.get("HX-Request"):
        return render(request, "banking/_upload_progress.html", context)
    context.update(_bank_context(request, "imports"))
    return render(request, "banking/upload_status.html", context)


@role_required(*CASE_ROLES)
def import_detail(request, pk: int):
    statement_import = selectors.import_get_for_user(request.user, pk)
    context = _bank_context(request, "imports")
    context.update(
        {
            "imp": statement_import,
            "movements": selectors.movements_of_import(statement_import),
            "warnings": [w for w in statement_import.warnings.splitlines() if w],
        }
    )
    return render(request, "banking/import_detail.html", context)


@role_required(*CASE_ROLES)
def queue(request):
    context = _bank_context(request, "queue")
    context["movements"] = selectors.unmatched_queue(request.user)
    return render(request, "banking/queue.html", context)


@role_required(*CASE_ROLES)
def movement_detail(request, pk: int):
    """A movement; while it waits, the form that assigns it to a case (posting it)."""
    user = request.user
    movement = selectors.movement_get_for_user(user, pk)
    waiting = movement.status == MovementStatus.UNMATCHED
    form = None
    if waiting and selectors.can_import(user):
        form = MovementAssignForm(request.POST or None, user=user, movement=movement)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.to_data()
            require_edit(request, data.case)
            try:
                _movement, applied = services.movement_assign(
                    movement=movement, data=data, by=user, today=timezone.localdate()
                )
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(
                    request,
                    _("Mouvement comptabilisé au journal du dossier %(case)s.")
                    % {"case": data.case.reference},
                )
                if applied:
                    messages.info(
                        request,
                        _("La règle a aussi comptabilisé %(n)s autre(s) mouvement(s) en attente.")
                        % {"n": applied},
                    )
                return redirect("banking:queue")
    context = _bank_context(request, "queue")
    context.update(
        {"movement": movement, "form": form, "ignore_form": MovementIgnoreForm() if form else None}
    )
    return render(request, "banking/movement_detail.html", context)


@require_POST
@role_required(*WRITE_ROLES)
def movement_ignore(request, pk: int):
    movement = selectors.movement_get_for_user(request.user, pk)
    form = MovementIgnoreForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        services.movement_ignore(movement=movement, by=request.user, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Mouvement écarté de la file."))
    return redirect("banking:queue")


@role_required(*CASE_ROLES)
def rules(request):
    context = _bank_context(request, "rules")
    context["rules"] = selectors.rules_for(request.user)
    return render(request, "banking/rules.html", context)


@require_POST
@role_required(*WRITE_ROLES)
def rule_deactivate(request, pk: int):
    user = request.user
    rule = selectors.rule_get_for_user(user, pk)
    require_edit(request, rule.case)
    services.rule_deactivate(rule=rule)
    messages.success(
        request, _("Règle supprimée : elle ne s'applique plus aux prochains extraits.")
    )
    return redirect("banking:rules")


# Case: payments out ----------------------------------------------------------------------------


def _payments_context(request, case, payment_form=None, approve_form=None, comm_form=None):
    can_edit = user_can_edit(request, case)
    account = account_of(case)
    committed = selectors.committed_amount(case)
    context = case_context(request, case, "account")
    context.update(
        {
            "account": account,
            "committed": committed,
            "available_after": (account.available - committed) if account else None,
            "pending": selectors.pending_payments(case),
            "allowance_fixed": selectors.allowance_fixed(case),
            "allowance_months": selectors.allowance_months(case, timezone.localdate())
            if account
            else [],
            "batches": selectors.batches_of_case(case),
            "communication": case.bank_communication
            if hasattr(case, "bank_communication")
            else None,
            "payment_form": payment_form
            or (
                PaymentForm(
                    case=case,
                    initial=selectors.payment_again_initial(case, request.GET.get("a-nouveau")),
                )
                if can_edit
                else None
            ),
            "approve_form": approve_form or (BatchApproveForm(case=case) if can_edit else None),
            "comm_form": comm_form or (CaseCommunicationForm() if can_edit else None),
        }
    )
    return context


@role_required(*CASE_ROLES)
def case_payments(request, pk: int):
    """The case's payments: prepare (POST), approve in a batch, download, mark executed."""
    user = request.user
    case = case_for_user(request, pk)
    if request.method == "POST":
        if user.role not in WRITE_ROLES or not user_can_edit(request, case):
            raise PermissionDenied
        form = PaymentForm(request.POST, case=case)
        if form.is_valid():
            try:
                services.payment_prepare(case=case, data=form.to_data(), by=user)
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, _("Paiement préparé : approuvez-le dans un lot."))
                return redirect("banking:case_payments", pk=case.pk)
        return render(request, "banking/case_payments.html", _payments_context(request, case, form))
    return render(request, "banking/case_payments.html", _payments_context(request, case))


@require_POST
@role_required(*WRITE_ROLES)
def payment_cancel(request, pk: int, payment_pk: int):
    case = case_for_edit(request, pk)
    payment = selectors.payment_get_for_case(case, payment_pk)
    try:
        services.payment_cancel(payment=payment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Paiement retiré."))
    return redirect("banking:case_payments", pk=case.pk)


@require_POST
@role_required(*WRITE_ROLES)
def allowance_prepare(request, pk: int, year: int, month: int):
    """Prepare the living-allowance payments of a month (the current one, the next one, or the
    previous one for a late click) from the allowance's schedule."""
    case = case_for_edit(request, pk)
    today = timezone.localdate()
    current = (today.year, today.month)
    if (year, month) not in {
        selectors.previous_month(*current),
        current,
        selectors.next_month(*current),
    }:
        raise Http404
    try:
        payments = services.allowance_payments_prepare(
            case=case, year=year, month=month, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "%(n)s paiement(s) du pécule préparé(s), %(total)s : approuvez-les dans un lot "
                "à leur date d'échéance."
            )
            % {"n": len(payments), "total": format_eur(sum(p.amount for p in payments))},
        )
    return redirect("banking:case_payments", pk=case.pk)


@require_POST
@role_required(*WRITE_ROLES)
def batch_approve(request, pk: int):
    case = case_for_edit(request, pk)
    form = BatchApproveForm(request.POST, case=case)
    if form.is_valid():
        try:
            batch = services.batch_approve(
                case=case,
                payments=list(form.cleaned_data["payments"]),
                execution_date=form.cleaned_data["execution_date"],
                by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            if batch.has_file:
                messages.success(
                    request,
                    _(
                        "Lot approuvé : téléchargez le fichier pain.001 et chargez-le dans la "
                        "banque."
                    ),
                )
            else:
                messages.success(request, _("Lot approuvé (ordres permanents : aucun fichier)."))
            return redirect("banking:case_payments", pk=case.pk)
    return render(
        request, "banking/case_payments.html", _payments_context(request, case, approve_form=form)
    )


@role_required(*CASE_ROLES)
def batch_download(request, pk: int, batch_pk: int):
    case = case_for_user(request, pk)
    batch = selectors.batch_get_for_case(case, batch_pk)
    if not batch.has_file:
        messages.info(request, _("Ce lot ne contient que des ordres permanents : aucun fichier."))
        return redirect("banking:case_payments", pk=case.pk)
    response = HttpResponse(batch.pain_xml.encode("utf-8"), content_type="application/xml")
    filename = f"pain001-{case.reference}-{batch.execution_date:%Y%m%d}-{batch.pk}.xml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@role_required(*WRITE_ROLES)
def batch_execute(request, pk: int, batch_pk: int):
    case = case_for_edit(request, pk)
    batch = selectors.batch_get_for_case(case, batch_pk)
    try:
        entries = services.batch_execute(batch=batch, by=request.user, today=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Lot marqué exécuté : %(n)s écriture(s) passée(s) au journal.") % {"n": len(entries)},
        )
    return redirect("banking:case_payments", pk=case.pk)


@require_POST
@role_required(*WRITE_ROLES)
def batch_cancel(request, pk: int, batch_pk: int):
    case = case_for_edit(request, pk)
    batch = selectors.batch_get_for_case(case, batch_pk)
    try:
        services.batch_cancel(batch=batch, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Lot annulé : ses paiements ne seront pas comptabilisés."))
    return redirect("banking:case_payments", pk=case.pk)


@require_POST
@role_required(*WRITE_ROLES)
def case_communication(request, pk: int):
    case = case_for_edit(request, pk)
    form = CaseCommunicationForm(request.POST)
    if form.is_valid():
        try:
            services.case_communication_set(
                case=case, communication=form.cleaned_data["communication"]
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Communication structurée du dossier enregistrée."))
            return redirect("banking:case_payments", pk=case.pk)
    return render(
        request, "banking/case_payments.html", _payments_context(request, case, comm_form=form)
    )


@require_POST
@role_required(*WRITE_ROLES)
def case_communication_create(request, pk: int):
    case = case_for_edit(request, pk)
    record = services.case_communication(case=case)
    messages.success(
        request,
        _("Communication structurée du dossier : %(c)s.") % {"c": record.display},
    )
    return redirect("banking:case_payments", pk=case.pk)
