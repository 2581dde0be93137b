"""The agenda screens: the user's agenda (overdue, today, the next 7 days, the forecasts), a
case's "Agenda" tab, the supervisors' counts per mediator, the secret iCalendar address and its
feed. Views are thin: selectors read (scoped to what the user may see), services write."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_http_methods

from cases.models import Case
from cases.selectors import mediators_of
from core.access import role_required
from core.case_views import case_context, case_for_user, user_can_edit
from core.roles import CASE_ROLES, Role

from . import ical, selectors, services
from .forms import AgendaFilterForm

AGENDA_ROLES = (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR)
FEED_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)
SESSION_NEW_FEED = "agenda_new_feed_token"


FORECAST_PARAM = "previsions"


def _forecast_query(request) -> str:
    """The page's query string without ``previsions``: the forecast fragment applies the same
    filters as the page that loads it."""
    query = request.GET.copy()
    query.pop(FORECAST_PARAM, None)
    return query.urlencode()


def _agenda_scope(request):
    """The agenda's filters and cases, the same for the page and its forecast fragment: a
    mediator's own cases; a supervisor's or an administrator's organisation, or one
    mediator's cases; filtered by period and case."""
    user = request.user
    org_wide = user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)
    mediators = mediators_of(user.organisation_id) if org_wide else None
    form = AgendaFilterForm(
        request.GET or None, cases=selectors.agenda_cases_for(user), mediators=mediators
    )
    filters = form.cleaned_data if form.is_valid() else {}
    mediator = filters.get("mediateur")
    cases = selectors.agenda_cases_for(user, mediator_id=mediator.pk if mediator else None)
    if filters.get("dossier"):
        cases = cases.filter(pk=filters["dossier"].pk)
    # The forecasts call every kind's ``produce`` per case: for one mediator's cases or one
    # case, not for a whole organisation at once; and only with the coming week shown.
    forecast = (not org_wide or bool(mediator or filters.get("dossier"))) and filters.get(
        "periode", ""
    ) in ("", "semaine")
    return form, filters, mediator, cases, org_wide, forecast


@role_required(*AGENDA_ROLES)
def agenda(request):
    """A mediator's own cases; a supervisor's or an administrator's organisation, or one
    mediator's cases (the links of the overview); filters by period and case. The forecasts
    (every duty kind's ``produce`` on every case) are loaded after the page from
    ``agenda_forecast`` (issue 15); ``?previsions=1`` renders them in the page (no script)."""
    user = request.user
    today = timezone.localdate()
    form, filters, mediator, cases, org_wide, forecast = _agenda_scope(request)
    inline = forecast and request.GET.get(FORECAST_PARAM) == "1"
    return render(
        request,
        "agenda/agenda.html",
        {
            "agenda": selectors.agenda_of(
                cases, today=today, period=filters.get("periode", ""), forecast=inline
            ),
            "forecast_deferred": forecast and not inline,
            "forecast_url": reverse("agenda:forecast"),
            "forecast_query": _forecast_query(request),
            "form": form,
            "filtered": any(filters.values()),
            "mediator": mediator,
            "org_wide": org_wide,
            "today": today,
            "show_feed": user.role in FEED_ROLES,
            "read_only": user.role == Role.SUPERVISOR,
        },
    )


@role_required(*AGENDA_ROLES)
def agenda_forecast(request):
    """The agenda's "Prévisions des 7 prochains jours" rows alone (loaded by htmx after the
    page), with the page's filters and scope; nothing where the page shows no forecast."""
    today = timezone.localdate()
    _, filters, mediator, cases, org_wide, forecast = _agenda_scope(request)
    # the cases' mediator: the user's own agenda, or the one the agenda is filtered on
    known = [request.user] if request.user.role == Role.MEDIATOR else [mediator] if mediator else []
    items = []
    if forecast and known:  # one mediator's cases: read with their SQL compiled once
        case_list = selectors.agenda_case_list(
            request.user,
            mediator_id=mediator.pk if mediator else None,
            case_id=filters["dossier"].pk if filters.get("dossier") else None,
        )
        items = selectors.forecast_items(cases, today=today, case_list=case_list, mediators=known)
    elif forecast:
        items = selectors.forecast_items(cases, today=today)
    return render(
        request,
        "agenda/_forecast.html",
        {
            "items": items,
            "today": today,
            "show_case": True,
            "show_mediator": org_wide,
            "read_only": request.user.role == Role.SUPERVISOR,
        },
    )


@role_required(*CASE_ROLES)
def case_agenda(request, pk: int):
    """The case's "Agenda" tab: its open items, the forecasts of the coming week (loaded after
    the page from ``case_agenda_forecast``; ``?previsions=1`` renders them in the page), the
    duties settled lately."""
    case = case_for_user(request, pk)
    today = timezone.localdate()
    cases = Case.objects.filter(pk=case.pk)
    context = case_context(request, case, "agenda")
    inline = request.GET.get(FORECAST_PARAM) == "1"
    context.update(
        {
            "agenda": selectors.agenda_of(cases, today=today, forecast=inline),
            "forecast_deferred": not inline,
            "forecast_url": reverse("agenda:case_agenda_forecast", args=[case.pk]),
            "forecast_query": "",
            "settled": selectors.case_settled_duties(case),
            "read_only": not context["can_edit"],
            "today": today,
        }
    )
    return render(request, "agenda/case_agenda.html", context)


@role_required(*CASE_ROLES)
def case_agenda_forecast(request, pk: int):
    """The case agenda tab's forecast rows alone (loaded by htmx after the tab)."""
    case = case_for_user(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "agenda/_forecast.html",
        {
            "items": selectors.forecast_items(
                Case.objects.filter(pk=case.pk), today=today, case_list=[case]
            ),
            "today": today,
            "show_case": False,
            "read_only": not user_can_edit(request, case),
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)
def supervision(request):
    """Read-only: per mediator of the organisation, the open items overdue, due today and in
    the next 7 days; each number opens the list behind it."""
    today = timezone.localdate()
    rows = selectors.counts_by_mediator(request.user, today)
    return render(request, "agenda/supervision.html", {"rows": rows, "today": today})


@role_required(*FEED_ROLES)
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """The user's secret iCalendar address: make a new one (the old stops working) or revoke
    it. The address is shown once, right after it is made (only its hash is kept)."""
    user = request.user
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.calendar_feed_revoke(user=user):
                messages.success(request, _("L'adresse de l'agenda a été révoquée."))
        else:
            renewed = selectors.calendar_feed_of(user) is not None
            request.session[SESSION_NEW_FEED] = services.calendar_feed_renew(user=user)
            messages.success(
                request,
                _("Nouvelle adresse créée : l'ancienne ne fonctionne plus.")
                if renewed
                else _("Adresse de l'agenda créée."),
            )
        return redirect("agenda:feed_settings")
    token = request.session.pop(SESSION_NEW_FEED, "")
    new_url = request.build_absolute_uri(reverse("agenda:ical", args=[token])) if token else ""
    return render(
        request,
        "agenda/feed_settings.html",
        {"feed": selectors.calendar_feed_of(user), "new_url": new_url},
    )


def ical_feed(request, token: str):
    """The .ics of the token's user (no login: the address is the secret); 404 for a wrong or
    revoked token."""
    user = selectors.feed_user(token)
    if user is None:
        raise Http404
    today = timezone.localdate()
    with override("fr"):
        body = ical.calendar_bytes(
            selectors.feed_items(user, today),
            name=_("Agenda RCD"),
            legal_date_label=_("Échéance légale :"),
            absolute=request.build_absolute_uri,
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
