"""The closure page of a case (issue 17): the end-of-plan checklist, the final report, the
letters that end the procedure and the closure itself. Thin: forms parse, services decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.access import role_required
from core.case_views import case_context, case_for_user, user_can_edit
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role
from core.templatetags.bs_forms import bs_layout
from reports.forms import AnnualReportForm

from . import selectors, services
from .forms import CloseForm, ClosureLettersForm

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)
ACTIONS = ("final_report", "letters", "close")

# ``{% bs_layout %}`` of the page's forms left empty, kept per process by their complete terms
# (issue 15: some 0.7 ms a request to write three forms that change with the day and the case's
# period only). A bound form (a POST refused) is written afresh, with its data and errors.
_unbound: dict[tuple, SafeString] = {}
_UNBOUND_KEPT = 2000  # then forgotten at once: another day's forms are of no use


def _layout(form) -> SafeString:
    """``{% bs_layout form %}``. An unbound form of this page writes its class's fields (none
    of them changed by its ``__init__``) with its initial values only (no data, no errors, no
    CSRF token: ``helper.disable_csrf``), in the active language: the key."""
    if form.is_bound:
        return bs_layout(form)
    initial = tuple(
        (name, tuple(value) if isinstance(value, list | tuple) else value)
        for name, value in sorted(form.initial.items())
    )
    key = (type(form), form.prefix, form.auto_id, initial, get_language() or "fr")
    html = _unbound.get(key)
    if html is None:
        if len(_unbound) >= _UNBOUND_KEPT:
            _unbound.clear()
        html = _unbound[key] = bs_layout(form)
    return html


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
    shown = can_edit and case.status not in ("closed", "revoked")  # the forms with it
    context.update(
        {
            "checklist": checklist,
            "sent_letters": checklist.letters_sent,
            "can_edit": shown,
            "report_form": report_form,
            "letters_form": letters_form,
            "close_form": close_form,
        }
    )
    if shown:
        context.update(
            {
                "report_form_html": _layout(report_form),
                "letters_form_html": _layout(letters_form),
                "close_form_html": _layout(close_form),
            }
        )
    return render(request, "closure/case_closure.html", context)
