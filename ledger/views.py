"""Mediation account screens."""

from django.shortcuts import render

from cases import selectors as case_selectors
from cases.views import CASE_ROLES, _case_context
from core.access import role_required

from .selectors import account_of, journal_with_running_balance


@role_required(*CASE_ROLES)
def journal(request, pk: int):
    case = case_selectors.case_get_for_user(request.user, pk)
    account = account_of(case)
    context = _case_context(request, case, "account")
    context.update(
        {
            "account": account,
            "lines": journal_with_running_balance(account) if account else [],
        }
    )
    return render(request, "ledger/journal.html", context)
