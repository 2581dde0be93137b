from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.roles import Role

from .selectors import badge_count


def agenda_nav(request):
    """The navigation's agenda link and its badge (overdue + due today), counted only when a
    page actually renders it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.organisation_id):
        return {}
    if user.role == Role.SUPERVISOR:
        return {"nav_agenda_overview": True}
    if user.role not in (Role.MEDIATOR, Role.ADMINISTRATOR):
        return {}
    return {
        "nav_agenda": True,
        "nav_agenda_count": SimpleLazyObject(lambda: badge_count(user, timezone.localdate())),
    }
