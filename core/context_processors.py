from core.roles import Role


def navigation(request):
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user and user.is_authenticated else None
    context = {
        "nav_cases": role in (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_overview": role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_clerk": role == Role.CLERK,
        # Negotiation follow-ups: the to-do list (its badge: contacts.context_processors).
        "nav_todo": role in (Role.MEDIATOR, Role.ADMINISTRATOR),
        "nav_follow_ups": role == Role.SUPERVISOR,
    }
    return context
