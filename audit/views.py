from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from core.access import role_required

from . import selectors
from .forms import AuditFilterForm

PAGE_SIZE = 50


@role_required(*selectors.AUDIT_ROLES)
def audit_list(request):
    user = request.user
    if not selectors.can_read_audit(user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, members=selectors.audit_members(user))
    filters = selectors.AuditFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters.case = data.get("case") or ""
        filters.actor = data.get("actor") or None
        filters.action = data.get("action") or ""
    events = selectors.audit_events_for(user, filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})
