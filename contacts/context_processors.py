from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.roles import Role

from .selectors import todo_badge_count


def todo_badge(request):
    """The navigation's to-do badge (overdue + today's follow-ups), counted only when a page
    actually renders it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.role in (Role.MEDIATOR, Role.ADMINISTRATOR)):
        return {}
    return {
        "nav_todo_count": SimpleLazyObject(lambda: todo_badge_count(user, timezone.localdate()))
    }
