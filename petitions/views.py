"""The case's "Requêtes" tab: the requests to the court, drafted from the case's data, previewed,
filed (then visible to the clerks of the case's division), the court's answer and, for an
authorised expense, its payment. Thin: ``petitions.services`` decides, ``petitions.selectors``
reads through the case the user may see (``core.case_views``: another organisation's case or
request is a 404, a reader who may not change the case gets a 403 on the forms)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role

from . import pdf, selectors, services
from .forms import DecisionForm, PaymentForm, petition_form_class
from .models import PetitionKind

WRITERS = (Role.MEDIATOR, Role.ADMINISTRATOR)


@role_required(*CASE_ROLES)
def case_petitions(request, pk: int):
    case = case_for_user(request, pk)
    context = case_context(request, case, "petitions")
    context.update({"petitions": list(selectors.petitions_of(case)), "kinds": PetitionKind.choices})
    return render(request, "petitions/petitions.html", context)


def _form_page(request, case, form, *, kind: str, petition=None):
    context = case_context(request, case, "petitions")
    context.update(
        {"form": form, "kind_label": PetitionKind(kind).label, "petition": petition, "kind": kind}
    )
    return render(request, "petitions/form.html", context)


def _save(request, case, kind: str, form, petition=None):
    try:
        petition = services.petition_draft(
            case=case,
            kind=kind,
            data=form.cleaned_data,
            by=request.user,
            today=timezone.localdate(),
            petition=petition,
        )
    except ValidationError as exc:
        apply_errors(exc, form)
        return None
    messages.success(
        request,
        _("Projet de requête enregistré : vérifiez l'aperçu, puis déposez-la au greffe."),
    )
    return redirect("petitions:case_petitions", pk=case.pk)


@role_required(*WRITERS)
def petition_create(request, pk: int, kind: str):
    case = case_for_edit(request, pk)
    if kind not in PetitionKind.values:
        raise Http404
    form = petition_form_class(kind, selectors.saleable_assets(case))(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _save(request, case, kind, form)
        if response is not None:
            return response
    return _form_page(request, case, form, kind=kind)


@role_required(*WRITERS)
def petition_edit(request, pk: int, petition_pk: int):
    case = case_for_edit(request, pk)
    petition = selectors.petition_get(case, petition_pk)
    form_class = petition_form_class(petition.kind, selectors.saleable_assets(case))
    form = form_class(request.POST or None, initial=selectors.form_initial(petition))
    if request.method == "POST" and form.is_valid():
        response = _save(request, case, petition.kind, form, petition)
        if response is not None:
            return response
    return _form_page(request, case, form, kind=petition.kind, petition=petition)


@role_required(*CASE_ROLES)
def petition_preview(request, pk: int, petition_pk: int):
    """The request as it would be filed today (not filed: the filed copy is in Documents)."""
    case = case_for_user(request, pk)
    petition = selectors.petition_get(case, petition_pk)
    content = pdf.render_petition_pdf(petition, on=timezone.localdate())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{case.reference}-{petition.kind}-{petition.pk}-apercu.pdf"'
    )
    return response


@role_required(*WRITERS)
@require_POST
def petition_file(request, pk: int, petition_pk: int):
    case = case_for_edit(request, pk)
    petition = selectors.petition_get(case, petition_pk)
    try:
        petition = services.petition_file(
            petition=petition, by=request.user, today=timezone.localdate()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Requête déposée au greffe."))
        if petition.plan_version_id:
            messages.info(
                request,
                _(
                    "La phase judiciaire est ouverte : la version %(n)s du plan est votre "
                    "proposition de plan judiciaire (onglet « Plan »)."
                )
                % {"n": petition.plan_version.number},
            )
    return redirect("petitions:case_petitions", pk=case.pk)


@role_required(*WRITERS)
def petition_decide(request, pk: int, petition_pk: int):
    case = case_for_edit(request, pk)
    petition = selectors.petition_get(case, petition_pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_record_decision(
                petition=petition, by=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Décision du tribunal enregistrée."))
            return redirect("petitions:case_petitions", pk=case.pk)
    context = case_context(request, case, "petitions")
    context.update({"form": form, "petition": petition, "title": _("Décision du tribunal")})
    return render(request, "petitions/decide.html", context)


@role_required(*WRITERS)
def petition_pay(request, pk: int, petition_pk: int):
    case = case_for_edit(request, pk)
    petition = selectors.petition_get(case, petition_pk)
    form = PaymentForm(request.POST or None, initial={"value_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_pay_expense(
                petition=petition,
                value_date=form.cleaned_data["value_date"],
                by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Dépense autorisée payée depuis le compte de médiation."))
            return redirect("petitions:case_petitions", pk=case.pk)
    context = case_context(request, case, "petitions")
    context.update(
        {"form": form, "petition": petition, "title": _("Paiement de la dépense autorisée")}
    )
    return render(request, "petitions/decide.html", context)
