"""Mediation account screens: the journal tab, opening the account, posting, reversing, and the
journal exports (PDF for the court, CSV). Thin views: forms parse, services write, selectors
read. Reads: the organisation's mediators, supervisors and administrators; writes: the case's
designated mediator and the organisation's administrator (``cases.selectors.can_edit_case``)."""

import threading
from collections import OrderedDict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user
from core.dates import format_date
from core.forms import apply_errors
from core.roles import CASE_ROLES, Role

from . import exports, selectors, services
from .charts import BalanceChart, balance_chart
from .forms import AccountOpenForm, EntryForm, JournalFilterForm, PeriodForm, ReverseForm
from .models import BILLABLE_PAYMENT_CATEGORIES, Direction

WRITE_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)


def _account_open_form(case, data=None) -> AccountOpenForm:
    return AccountOpenForm(
        data, initial={"iban": case.account_iban, "opened_on": case.admissibility_date}
    )


def _period_query(start, end) -> str:
    params = {}
    if start:
        params["start"] = format_date(start)
    if end:
        params["end"] = format_date(end)
    return urlencode(params)


CHARTS_KEPT = 32  # balance charts kept per process (a long journal's: some 30 kB of SVG)
_charts_kept: "OrderedDict[tuple, BalanceChart | None]" = OrderedDict()
_charts_lock = threading.Lock()


def _drawn(page: selectors.JournalPage, first_day, last_day) -> BalanceChart | None:
    chart = balance_chart(page.summary.opening, page.chart, first_day, last_day)
    if chart is not None:
        chart.svg = render_to_string("ledger/_balance_chart.html", {"chart": chart})
    return chart


def _balance_chart(page: selectors.JournalPage, first_day, last_day) -> BalanceChart | None:
    """The balance chart of the page's period and its SVG, in the active language. Drawn from
    the period's figures, it is kept with them (``selectors.period_figures``: by the journal's
    latest entry and the period) for the days it spans and the language (issue 15: some 2 ms
    of a long journal's tab, on every page of it). Read only."""
    if page.figures_key is None:
        return _drawn(page, first_day, last_day)
    key = (page.figures_key, first_day, last_day, get_language())
    with _charts_lock:
        if key in _charts_kept:
            _charts_kept.move_to_end(key)
            return _charts_kept[key]
    chart = _drawn(page, first_day, last_day)
    with _charts_lock:
        _charts_kept[key] = chart
        while len(_charts_kept) > CHARTS_KEPT:
            _charts_kept.popitem(last=False)
    return chart


@role_required(*CASE_ROLES)
def journal(request, pk: int):
    case = case_for_user(request, pk)
    account = selectors.account_for_journal(case)
    context = case_context(request, case, "account")
    if account is None:
        context.update({"account": None, "open_form": _account_open_form(case)})
        return render(request, "ledger/journal.html", context)
    today = timezone.localdate()
    form = JournalFilterForm(request.GET or None)
    start = end = None
    category = ""
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        category = form.cleaned_data["category"]
    page = selectors.journal_page(
        account, start=start, end=end, category=category, page=request.GET.get("page")
    )
    first_day = start or account.opened_on
    last_day = (end - timedelta(days=1)) if end else max([today] + [p.day for p in page.chart])
    export_start = start or account.opened_on
    export_end = end or selectors.default_export_end(account, today, journal=page)
    context.update(
        {
            "account": account,
            "form": form,
            "filtered": bool(start or end or category),
            "category": category,
            "journal": page,
            "summary": page.summary,
            "chart": _balance_chart(page, first_day, last_day),
            "export_query": _period_query(export_start, export_end),
            "export_start": export_start,
            "export_last_day": export_end - timedelta(days=1),
            "presets": [
                (preset, _period_query(preset.start, preset.end))
                for preset in selectors.anniversary_periods(case, account, today)
            ],
            "iban_differs": bool(case.account_iban) and case.account_iban != account.iban,
        }
    )
    return render(request, "ledger/journal.html", context)


@role_required(*WRITE_ROLES)
def account_open(request, pk: int):
    case = case_for_edit(request, pk)
    if selectors.account_of(case) is not None:
        messages.info(request, _("Le compte de médiation de ce dossier est déjà ouvert."))
        return redirect("ledger:journal", pk=case.pk)
    form = _account_open_form(case, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_open(
                case=case,
                iban=form.cleaned_data["iban"],
                opened_on=form.cleaned_data["opened_on"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Compte de médiation ouvert."))
            return redirect("ledger:journal", pk=case.pk)
    context = case_context(request, case, "account")
    context["form"] = form
    return render(request, "ledger/account_open.html", context)


@role_required(*WRITE_ROLES)
def entry_create(request, pk: int):
    user = request.user
    case = case_for_edit(request, pk)
    account = selectors.account_of(case)
    if account is None:
        messages.info(request, _("Ouvrez d'abord le compte de médiation du dossier."))
        return redirect("ledger:account_open", pk=case.pk)
    today = timezone.localdate()
    form = EntryForm(
        request.POST or None,
        creditors=selectors.dividend_creditors(case),
        initial={"value_date": today},
        ended=case.status in services.ENDED_STATUSES,
    )
    if form.is_bound and not form.is_valid() and form.cleaned_data.get("operation"):
        try:  # every error at once: what the form could read is checked by the service too
            services.entry_check(case=case, data=form.to_data(), today=today)
        except ValidationError as exc:
            form.apply_service_errors(exc, partial=True)
    elif request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_post(case=case, data=form.to_data(), by=user, today=today)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(
                request,
                _("Écriture n° %(n)s enregistrée : %(category)s, %(amount)s.")
                % {
                    "n": entry.sequence,
                    "category": entry.get_category_display(),
                    "amount": exports.money(entry.amount),
                },
            )
            if "another" in request.POST:
                return redirect("ledger:entry_create", pk=case.pk)
            return redirect("ledger:journal", pk=case.pk)
    account.refresh_from_db()
    context = case_context(request, case, "account")
    context.update({"form": form, "account": account})
    return render(request, "ledger/entry_form.html", context)


@role_required(*WRITE_ROLES)
def entry_reverse(request, pk: int, entry_pk: int):
    case = case_for_edit(request, pk)
    entry = selectors.entry_get_for_case(case, entry_pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.entry_reverse(
                entry=entry,
                by=request.user,
                today=timezone.localdate(),
                note=form.cleaned_data["note"],
                settlement_reason=form.cleaned_data["settlement_reason"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request,
                _("Écriture n° %(n)s extournée par l'écriture n° %(r)s.")
                % {"n": entry.sequence, "r": reversal.sequence},
            )
            return redirect("ledger:journal", pk=case.pk)
    context = case_context(request, case, "account")
    context.update(
        {
            "form": form,
            "entry": entry,
            "account": entry.account,
            "billable": entry.direction == Direction.OUT
            and entry.category in BILLABLE_PAYMENT_CATEGORIES,
        }
    )
    return render(request, "ledger/entry_reverse.html", context)


def _export_period(request, case, account):
    """The period ``[start, end)`` of an export; defaults: from the opening of the account to
    the last entry. ``None`` (and a message) when the dates are wrong."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return None
    today = timezone.localdate()
    start = form.cleaned_data["start"] or account.opened_on
    end = form.cleaned_data["end"] or selectors.default_export_end(account, today)
    if end <= start:
        messages.error(
            request, _("La fin de la période (exclue) doit être postérieure à son début.")
        )
        return None
    return start, end


def _export(request, pk: int, build, content_type: str, extension: str, disposition: str):
    case = case_for_user(request, pk)
    account = selectors.account_of(case)
    if account is None:
        messages.info(request, _("Aucun compte de médiation n'est encore ouvert pour ce dossier."))
        return redirect("ledger:journal", pk=case.pk)
    period = _export_period(request, case, account)
    if period is None:
        return redirect(reverse("ledger:journal", args=[case.pk]))
    start, end = period
    content = build(case=case, account=account, start=start, end=end, now=timezone.localtime())
    response = HttpResponse(content, content_type=content_type)
    filename = exports.export_filename(case, start, end, extension)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@role_required(*CASE_ROLES)
def export_pdf(request, pk: int):
    return _export(request, pk, exports.journal_pdf, "application/pdf", "pdf", "inline")


@role_required(*CASE_ROLES)
def export_csv(request, pk: int):
    return _export(request, pk, exports.journal_csv, "text/csv; charset=utf-8", "csv", "attachment")
