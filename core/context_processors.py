from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user and user.is_authenticated else None
    context = {
        "nav_cases": role in (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_overview": role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_clerk": role == Role.CLERK,
        # Negotiation follow-ups: the to-do list and its badge (overdue + today), counted only
        # when a page actually renders the navigation.
        "nav_todo": role in (Role.MEDIATOR, Role.ADMINISTRATOR),
        "nav_follow_ups": role == Role.SUPERVISOR,
    }
    if context["nav_todo"]:
        from contacts.selectors import todo_badge_count

        context["nav_todo_count"] = SimpleLazyObject(
            lambda: todo_badge_count(user, timezone.localdate())
        )
    return context
