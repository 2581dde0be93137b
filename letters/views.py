"""Letters: the case's letters tab, composing and sending a letter, downloading its PDF, and the
organisation's letter templates (administrator only). Views are thin: forms parse, services
write, selectors read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases.selectors import case_queryset_for
from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role
from fees.models import ServiceKind

from . import selectors, services
from .forms import ComposeForm, LetterTemplateForm, LivePreviewForm
from .models import LetterKind
from .placeholders import FIELDS, GROUPS, legacy_marks

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)
# The template is a hidden field of the compose form: its refusal (a template to review) shows
# above the form.
TEMPLATE_ON_TOP = {"template": "__all__"}


@role_required(*CASE_ROLES)
def case_letters(request, pk: int):
    case = case_for_user(request, pk)
    context = case_context(request, case, "letters")
    context.update(
        {
            "letters": selectors.letters_of_case(case),
            "is_org_admin": request.user.role == Role.ADMINISTRATOR,
        }
    )
    return render(request, "letters/case_letters.html", context)


@role_required(*CASE_ROLES)
def letter_download(request, pk: int, letter_pk: int):
    case = case_for_user(request, pk)
    letter = selectors.letter_get(case, letter_pk)
    if not letter.pdf:
        raise Http404
    filename = f"{case.reference}-courrier-{letter.sent_on:%Y%m%d}-{letter.pk}.pdf"
    return FileResponse(
        letter.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


def _service_summary(count: int, registered: bool, postage) -> str:
    kind, quantity = services.billable_service_for(count)
    label = ServiceKind(kind).label
    text = _("%(kind)s, quantité %(quantity)s") % {"kind": label, "quantity": quantity}
    if registered and postage is not None:
        text += " " + _("+ port recommandé de %(postage)s € par lettre") % {
            "postage": f"{postage:.2f}".replace(".", ",")
        }
    return text


def _already_declared(template, addressees, options) -> list[str]:
    """For the reminder of art. 1675/9 §3: the addressees whose creditor has already declared
    (a warning in the preview; the mediator decides)."""
    if template is None or template.kind != LetterKind.REMINDER:
        return []
    declared = {o.creditor_id for o in options if o.declared}
    return [a.name for a in addressees if a.creditor_id in declared]


def _field_menu() -> list[tuple[str, list]]:
    """The editor's menu of insertable fields, grouped (applicant, addressee, amounts, dates,
    court, mediator)."""
    return [
        (label, [field for field in FIELDS if field.group == key]) for key, label in GROUPS.items()
    ]


def _editor_context() -> dict:
    return {"field_menu": _field_menu(), "all_fields": FIELDS}


@role_required(*WRITE_ROLES)
def letter_compose(request, pk: int):
    user = request.user
    case = case_for_edit(request, pk)
    # Opening the page writes nothing: the organisation's templates were created with it
    # (letters.apps). Should it have none, the built-in ones are offered, unsaved.
    templates = selectors.templates_of_organisation(case.organisation)
    choices = selectors.compose_templates(case.organisation)
    options = selectors.addressee_options(case)
    directory = selectors.directory_options(case, exclude={o.creditor_id for o in options})
    others = selectors.third_party_options(case)

    chosen = None
    template_key = request.POST.get("template") or request.GET.get("modele")
    if template_key:
        chosen = next((t for t in choices if selectors.template_key(t) == template_key), None)
    if chosen is None and request.method == "GET" and choices:
        # the first template in the case's procedure language (a Dutch case: a Dutch letter)
        chosen = selectors.prefer_language(choices, case)[0]
    initial = {}
    if chosen is not None:
        initial = {
            "template": chosen.pk,
            "subject": chosen.subject,
            "body": chosen.body,
            "registered": chosen.registered,
        }
    form = ComposeForm(
        request.POST or None,
        templates=templates,
        options=options + directory + others,
        initial=initial,
    )
    preview = None
    if request.method == "POST" and not form.is_valid():
        # Every error at once: the service checks what the form could read.
        data = form.cleaned_data
        errors, _copies = services.letter_check(
            case=case,
            template=data.get("template"),
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
            addressee_keys=request.POST.getlist("addressees"),
            registered=bool(data.get("registered")),
            postage=data.get("postage"),
            sent_on=data.get("sent_on"),
        )
        if errors:
            apply_errors(
                ValidationError(errors), form, rename=TEMPLATE_ON_TOP, skip_fields_in_error=True
            )
    elif request.method == "POST":
        data = form.cleaned_data
        action = request.POST.get("action", "preview")
        try:
            if action == "send":
                letter = services.letter_send(
                    case=case,
                    template=data["template"],
                    subject=data["subject"],
                    body=data["body"],
                    addressee_keys=data["addressees"],
                    registered=data["registered"],
                    postage=data["postage"],
                    sent_on=data["sent_on"],
                    by=user,
                )
            else:
                errors, copies = services.letter_check(
                    case=case,
                    template=data["template"],
                    subject=data["subject"],
                    body=data["body"],
                    addressee_keys=data["addressees"],
                    registered=data["registered"],
                    postage=data["postage"],
                    sent_on=data["sent_on"],
                )
                if errors:
                    raise ValidationError(errors)
                addressees = [copy.addressee for copy in copies]
                preview = {
                    "copies": copies,
                    "service": _service_summary(
                        len(addressees), data["registered"], data["postage"]
                    ),
                    "already_declared": _already_declared(data["template"], addressees, options),
                }
        except ValidationError as exc:
            apply_errors(exc, form, rename=TEMPLATE_ON_TOP)
        else:
            if action == "send":
                count = letter.addressees.count()
                messages.success(
                    request,
                    ngettext(
                        "Courrier envoyé à %(count)s destinataire et enregistré dans les "
                        "honoraires : %(service)s.",
                        "Courrier envoyé à %(count)s destinataires et enregistré dans les "
                        "honoraires : %(service)s.",
                        count,
                    )
                    % {
                        "count": count,
                        "service": _service_summary(count, letter.registered, letter.postage),
                    },
                )
                return redirect("letters:case_letters", pk=case.pk)
    selected = set(form["addressees"].value() or [])
    context = case_context(request, case, "letters")
    context.update(
        {
            "form": form,
            "templates": choices,
            "chosen": chosen,
            "options": options,
            "directory": directory,
            "others": others,
            "selected": selected,
            "directory_open": bool(selected & {o.key for o in directory}),
            "preview": preview,
            **_editor_context(),
        }
    )
    return render(request, "letters/compose.html", context)


def _live_preview(request, preview, *, subject: str, body: str, over: str):
    return render(
        request,
        "letters/_live_preview.html",
        {
            "preview": preview,
            "over": over,
            "legacy": legacy_marks(subject + "\n" + body),
        },
    )


@require_POST
@role_required(*WRITE_ROLES)
def compose_preview(request, pk: int):
    """The live preview of the compose page (htmx): the text over the case and the first
    addressee chosen (sample values for the addressee's fields when none is)."""
    case = case_for_edit(request, pk)
    form = LivePreviewForm(request.POST)
    form.is_valid()
    subject = form.cleaned_data.get("subject") or ""
    body = form.cleaned_data.get("body") or ""
    addressee = None
    keys = request.POST.getlist("addressees")
    if keys:
        try:
            addressee = selectors.resolve_addressees(case=case, keys=keys[:1])[0]
        except ValidationError:
            addressee = None  # shown by the full preview and refused when sending
    template = None
    if form.cleaned_data.get("template"):
        template = (
            selectors.templates_of_organisation(case.organisation)
            .filter(pk=form.cleaned_data["template"])
            .first()
        )
    preview = selectors.preview_render(
        subject=subject,
        body=body,
        case=case,
        addressee=addressee,
        sent_on=form.cleaned_data.get("sent_on"),
        language=template.language if template is not None else None,
    )
    return _live_preview(request, preview, subject=subject, body=body, over="case")


# --- templates (the organisation's administrator) -----------------------------------------


@role_required(Role.ADMINISTRATOR)
def template_list(request):
    organisation = request.user.organisation
    return render(
        request,
        "letters/template_list.html",
        {"templates": selectors.templates_of_organisation(organisation)},
    )


PREVIEW_CASES = 200  # the most recent cases offered to preview a template over


def _template_page(request, form, template=None):
    cases = case_queryset_for(request.user).order_by("-admissibility_date", "-pk")[:PREVIEW_CASES]
    return render(
        request,
        "letters/template_form.html",
        {"form": form, "template": template, "preview_cases": cases, **_editor_context()},
    )


def _template_form_errors(form) -> None:
    """Every error at once: the service checks what the form could not read too."""
    errors = services.template_errors(form.raw_data())
    if errors:
        apply_errors(ValidationError(errors), form, skip_fields_in_error=True)


@role_required(Role.ADMINISTRATOR)
def template_create(request):
    form = LetterTemplateForm(request.POST or None, initial={"kind": "other"})
    if request.method == "POST" and not form.is_valid():
        _template_form_errors(form)
    elif request.method == "POST":
        try:
            template = services.letter_template_create(
                organisation=request.user.organisation, data=form.to_data(), by=request.user
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Modèle « %(name)s » créé.") % {"name": template.name})
            return redirect("letters:template_edit", tpl_pk=template.pk)
    return _template_page(request, form)


@role_required(Role.ADMINISTRATOR)
def template_edit(request, tpl_pk: int):
    template = selectors.template_get_for_user(request.user, tpl_pk)
    form = LetterTemplateForm(
        request.POST or None, initial=LetterTemplateForm.initial_from(template)
    )
    if request.method == "POST" and not form.is_valid():
        _template_form_errors(form)
    elif request.method == "POST":
        try:
            template = services.letter_template_update(
                template=template, data=form.to_data(), by=request.user
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request, _("Modèle « %(name)s » enregistré.") % {"name": template.name}
            )
            return redirect("letters:template_edit", tpl_pk=template.pk)
    return _template_page(request, form, template)


@require_POST
@role_required(Role.ADMINISTRATOR)
def template_preview(request):
    """The live preview of the template editor (htmx): the text over the sample values, or over
    a case of the organisation chosen in the editor (another organisation's case: 404)."""
    form = LivePreviewForm(request.POST)
    form.is_valid()
    subject = form.cleaned_data.get("subject") or ""
    body = form.cleaned_data.get("body") or ""
    case = None
    addressee = None
    if form.cleaned_data.get("preview_case"):
        case = case_for_user(request, form.cleaned_data["preview_case"])
        options = selectors.addressee_options(case)
        addressee = options[0] if options else None
    preview = selectors.preview_render(
        subject=subject,
        body=body,
        case=case,
        addressee=addressee,
        language=form.cleaned_data.get("language") or None,
    )
    return _live_preview(
        request, preview, subject=subject, body=body, over="case" if case else "sample"
    )
