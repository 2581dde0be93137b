"""Negotiation log screens: the case's "Négociations" tab, the correction of a contact, the
follow-up buttons, the mediator's to-do list and the supervisors' overdue follow-ups. Views
are thin: forms parse, services write, selectors read (and scope: 404 outside the user's
organisation)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import role_required
from core.case_views import (
    case_context,
    case_for_edit,
    case_for_user,
    require_edit,
    user_can_edit,
)
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role

from . import selectors, services
from .forms import ContactEntryForm, HistoryFilterForm, ThirdPartyForm

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)


def _tab_url(case_pk: int, anchor: str = "") -> str:
    url = reverse("contacts:case_contacts", args=[case_pk])
    return f"{url}#{anchor}" if anchor else url


@role_required(*CASE_ROLES)
def case_contacts(request, pk: int):
    """The case's negotiation history per creditor, its filters, and the form to record a
    contact (for the designated mediator and the organisation's administrator)."""
    user = request.user
    case = case_for_user(request, pk)
    can_edit = user_can_edit(request, case)
    today = timezone.localdate()
    form = None
    # the case's creditors and representations, read once for the form, filter and history
    # (issue 15); a contact recorded redirects, a refused one writes nothing
    known = selectors.case_creditors(case)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ContactEntryForm(request.POST, case=case, known=known)
        if form.is_valid():
            data = form.to_data()
            try:
                entry = services.contact_record(
                    case=case,
                    data=data,
                    by=user,
                    close_open_follow_ups=form.cleaned_data.get("close_open_follow_ups", False),
                )
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(
                    request,
                    _("Contact avec %(creditor)s enregistré.") % {"creditor": entry.party_name},
                )
                return redirect(_tab_url(case.pk, entry.party_anchor))
        messages.error(request, _("Le contact n'a pas été enregistré : corrigez le formulaire."))
    elif can_edit:
        initial = {"date": today, "close_open_follow_ups": True}
        preset = request.GET.get("pour", "")
        if preset.isdigit() or (preset[:1] == "a" and preset[1:].isdigit()):
            initial["creditor"] = preset  # a creditor, or "a<pk>": the applicant (issue 17)
        form = ContactEntryForm(case=case, initial=initial, known=known)
    filter_form = HistoryFilterForm(request.GET or None, case=case, known=known)
    filters = filter_form.filters()
    context = case_context(request, case, "contacts")
    history = selectors.case_negotiation_history(case, today, filters, known=known)
    applicant_entries = selectors.applicant_log(case, today, filters)
    context.update(
        {
            "contacted": [g for g in history if g.entries],
            "not_contacted": [g for g in history if not g.entries],
            "applicant_entries": applicant_entries,
            "filters": filters,
            "filter_form": filter_form,
            "form": form,
            "today": today,
        }
    )
    return render(request, "contacts/case_contacts.html", context)


@role_required(*WRITE_ROLES)
def creditor_search(request, pk: int):
    """The directory's search of the record form (htmx): creditors of the case's organisation
    whose name contains the term, each a link that presets the form (issue 15: the form no
    longer lists the whole directory)."""
    case = case_for_edit(request, pk)
    found = selectors.directory_search(case, request.GET.get("q", ""))
    return render(
        request,
        "contacts/_creditor_search.html",
        {"case": case, "found": found, "term": request.GET.get("q", "").strip()},
    )


@role_required(*WRITE_ROLES)
def entry_edit(request, pk: int, entry_pk: int):
    user = request.user
    case = case_for_user(request, pk)
    entry = selectors.entry_get_for_user(user, entry_pk, case_pk=case.pk)
    require_edit(request, case)
    form = ContactEntryForm(
        request.POST or None,
        case=case,
        entry=entry,
        initial=ContactEntryForm.initial_from(entry),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(entry=entry, data=form.to_data(), by=request.user)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Contact corrigé."))
            return redirect(_tab_url(case.pk, f"contact-{entry.pk}"))
    context = case_context(request, case, "contacts")
    context.update({"form": form, "entry": entry})
    return render(request, "contacts/entry_form.html", context)


def _follow_up_action(request, pk: int, entry_pk: int, action, success: str):
    """Run ``action(entry)`` on a follow-up; answer an htmx request with the refreshed to-do
    row (and the navigation badge, out of band), any other with a redirect."""
    user = request.user
    case = case_for_user(request, pk)
    entry = selectors.entry_get_for_user(user, entry_pk, case_pk=case.pk)
    require_edit(request, case)
    error = ""
    try:
        action(entry)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.headers.get("HX-Request"):
        today = timezone.localdate()
        counts = selectors.todo_counts(user, today)
        return render(
            request,
            "contacts/_todo_row.html",
            {
                "entry": selectors.todo_entry(user, entry.pk, today),
                "today": today,
                "show_mediator": user.role == Role.ADMINISTRATOR,
                "error": error,
                "swap_oob": True,
                "counts": counts,
                "nav_todo_count": counts.urgent,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(_tab_url(case.pk, f"contact-{entry.pk}"))


@require_POST
@role_required(*WRITE_ROLES)
def follow_up_done(request, pk: int, entry_pk: int):
    return _follow_up_action(
        request,
        pk,
        entry_pk,
        lambda entry: services.follow_up_mark_done(entry=entry, by=request.user),
        _("Rappel marqué comme fait."),
    )


@require_POST
@role_required(*WRITE_ROLES)
def follow_up_reopen(request, pk: int, entry_pk: int):
    return _follow_up_action(
        request,
        pk,
        entry_pk,
        lambda entry: services.follow_up_reopen(entry=entry),
        _("Rappel remis dans la liste « À faire »."),
    )


@role_required(*WRITE_ROLES)
def todo(request):
    """The open follow-ups of the cases the user works on: overdue, today, upcoming."""
    today = timezone.localdate()
    todo_list = selectors.todo_list(request.user, today)
    return render(
        request,
        "contacts/todo.html",
        {
            "todo": todo_list,
            "counts": todo_list.counts,
            "today": today,
            "show_mediator": request.user.role == Role.ADMINISTRATOR,
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)
def overdue_overview(request):
    """Read-only: the organisation's overdue follow-ups per mediator."""
    today = timezone.localdate()
    rows = selectors.overdue_by_mediator(request.user, today)
    return render(
        request,
        "contacts/overdue_overview.html",
        {"rows": rows, "today": today, "total": sum(len(r.entries) for r in rows)},
    )


@role_required(*CASE_ROLES)
def third_parties(request, pk: int):
    """The case's third parties (employer, benefit payers, bank, bailiff: issue 17), the
    addressees of the letters to third parties; the form to add one for whoever edits the
    case."""
    case = case_for_user(request, pk)
    can_edit = user_can_edit(request, case)
    form = ThirdPartyForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                party = services.third_party_create(case=case, data=form.to_data(), by=request.user)
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, _("Tiers « %(name)s » ajouté.") % {"name": party.name})
                return redirect("contacts:third_parties", pk=case.pk)
    context = case_context(request, case, "letters")
    context.update(
        {
            "parties": selectors.third_parties_of_case(case),
            "form": form if can_edit else None,
        }
    )
    return render(request, "contacts/third_parties.html", context)


@role_required(*WRITE_ROLES)
def third_party_edit(request, pk: int, party_pk: int):
    """Change a third party of the case (404 outside the user's organisation, 403 for whoever
    may not edit the case)."""
    case = case_for_edit(request, pk)
    party = selectors.third_party_get(case, party_pk)
    initial = {
        "kind": party.kind,
        "name": party.name,
        "reference": party.reference,
        "address": party.address,
    }
    form = ThirdPartyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            party = services.third_party_update(party=party, data=form.to_data(), by=request.user)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Tiers « %(name)s » modifié.") % {"name": party.name})
            return redirect("contacts:third_parties", pk=case.pk)
    context = case_context(request, case, "letters")
    context.update({"form": form, "party": party})
    return render(request, "contacts/third_party_edit.html", context)


@require_POST
@role_required(*WRITE_ROLES)
def third_party_remove(request, pk: int, party_pk: int):
    """Remove a third party: deleted, or deactivated if a letter was sent to it."""
    case = case_for_edit(request, pk)
    party = selectors.third_party_get(case, party_pk)
    name = party.name
    if services.third_party_remove(party=party, by=request.user):
        messages.success(request, _("Tiers « %(name)s » supprimé.") % {"name": name})
    else:
        messages.info(
            request,
            _(
                "Des courriers ont été envoyés à « %(name)s » : le tiers est gardé mais "
                "désactivé (plus aucun courrier ne lui est adressé)."
            )
            % {"name": name},
        )
    return redirect("contacts:third_parties", pk=case.pk)


@require_POST
@role_required(*WRITE_ROLES)
def third_party_reactivate(request, pk: int, party_pk: int):
    case = case_for_edit(request, pk)
    party = selectors.third_party_get(case, party_pk)
    try:
        services.third_party_reactivate(party=party, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tiers « %(name)s » réactivé.") % {"name": party.name})
    return redirect("contacts:third_parties", pk=case.pk)
