"""The closure page of a case (issue 17): the end-of-plan checklist, the final report, the
letters that end the procedure and the closure itself. Thin: forms parse, services decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import role_required
from core.case_views import case_context, case_for_user, user_can_edit
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role
from reports.forms import AnnualReportForm

from . import selectors, services
from .forms import CloseForm, ClosureLettersForm

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)
ACTIONS = ("final_report", "letters", "close")


@role_required(*CASE_ROLES)
def case_closure(request, pk: int):
    """GET: the checklist and the forms. POST ``action``: ``final_report`` (file it),
    ``letters`` (send the closure letters), ``close`` (close the case)."""
    user = request.user
    case = case_for_user(request, pk)
    can_edit = user_can_edit(request, case) and user.role in WRITE_ROLES
    today = timezone.localdate()
    # Read once on a GET (the letters it reads are the form's too); a POST reads it after acting.
    checklist = None if request.method == "POST" else selectors.closure_checklist(case, today)
    needed = (
        list(checklist.letters_needed)
        if checklist is not None
        else selectors.closure_letters_needed(case)
    )
    start, last_day = (
        checklist.report_period if checklist is not None else None
    ) or selectors.final_report_period(case, today)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and (not can_edit or action not in ACTIONS):
        raise PermissionDenied
    report_form = AnnualReportForm(
        request.POST if action == "final_report" else None,
        initial={"period_from": start, "last_day": last_day},
    )
    letters_form = ClosureLettersForm(
        request.POST if action == "letters" else None,
        initial={"kinds": needed, "sent_on": today},
    )
    close_form = CloseForm(
        request.POST if action == "close" else None, initial={"decision_date": today}
    )
    form = {"final_report": report_form, "letters": letters_form, "close": close_form}.get(
        action or ""
    )
    if form is not None and form.is_valid():
        try:
            if action == "final_report":
                filed = services.final_report_file(
                    case=case, data=form.to_data(), by=user, today=today, now=timezone.now()
                )
                messages.success(
                    request, _("Rapport final déposé (%(t)s).") % {"t": filed.document.title}
                )
            elif action == "letters":
                sent = services.closure_letters_send(case=case, data=form.to_data(), by=user)
                messages.success(
                    request,
                    _("%(n)s courrier(s) de fin de procédure envoyé(s).") % {"n": len(sent)},
                )
            else:
                services.case_close(case=case, data=form.to_data(), by=user, today=today)
                messages.success(request, _("Dossier clôturé."))
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect("closure:case_closure", pk=case.pk)
    if checklist is None:  # a POST refused: the checklist as it stands after it
        checklist = selectors.closure_checklist(case, today)
    context = case_context(request, case, "closure")
    context.update(
        {
            "checklist": checklist,
            "sent_letters": checklist.letters_sent,
            "can_edit": can_edit and case.status not in ("closed", "revoked"),
            "report_form": report_form,
            "letters_form": letters_form,
            "close_form": close_form,
        }
    )
    return render(request, "closure/case_closure.html", context)
