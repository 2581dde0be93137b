"""Case bundles in the browser: download a case as ``rcd-case-bundle/1`` JSON, upload one to
create a case in the user's organisation. Thin views over ``bundles.exporter`` and
``bundles.importer``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import selectors
from core.access import role_required
from core.roles import Role

from .exporter import dumps, export_case
from .forms import BundleUploadForm
from .importer import BundleInvalid, bundle_import, load_document


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def case_export(request, pk: int):
    """The whole case, national numbers included: for those who work on it (the designated
    mediator, the organisation's administrator), like the unmasked national number."""
    case = selectors.case_get_for_user(request.user, pk)
    if not selectors.can_edit_case(request.user, case):
        raise PermissionDenied
    response = HttpResponse(
        dumps(export_case(case)).encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in case.reference)
    response["Content-Disposition"] = f'attachment; filename="dossier-{safe}.json"'
    return response


@role_required(Role.MEDIATOR, Role.ADMINISTRATOR)
def case_import(request):
    """Upload a bundle: the case is created in the user's organisation, or nothing and every
    problem is listed with its JSON path."""
    user = request.user
    if not selectors.can_create_case(user):
        raise PermissionDenied
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            case = bundle_import(
                document=load_document(form.cleaned_data["file"].read()),
                organisation=user.organisation,
                uploaded_by=user,
            )
        except BundleInvalid as exc:
            problems = exc.problems
        else:
            messages.success(request, _("Dossier %(ref)s importé.") % {"ref": case.reference})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "bundles/import.html", {"form": form, "problems": problems})
