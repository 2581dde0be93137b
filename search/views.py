from django.shortcuts import render

from core.access import role_required
from core.roles import Role

from .selectors import search_everything

SEARCH_ROLES = (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR)


@role_required(*SEARCH_ROLES)
def results(request):
    found = search_everything(user=request.user, query=request.GET.get("q", ""), limit=25)
    return render(request, "search/results.html", {"results": found})


@role_required(*SEARCH_ROLES)
def suggestions(request):
    """The drop-down under the navigation's search box (htmx, as one types)."""
    found = search_everything(user=request.user, query=request.GET.get("q", ""), limit=5)
    return render(request, "search/_suggestions.html", {"results": found})
