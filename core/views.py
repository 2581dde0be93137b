from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect

from core.roles import Role


@login_required
def home(request):
    """Each role lands on its own screen."""
    role = request.user.role
    if role == Role.CLERK:
        return redirect("documents:clerk_list")
    if role == Role.SUPERVISOR:
        return redirect("cases:overview")
    if role in (Role.MEDIATOR, Role.ADMINISTRATOR):
        return redirect("cases:list")
    return redirect("admin:index")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
