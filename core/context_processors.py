from accounts.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user and user.is_authenticated else None
    return {
        "nav_cases": role in (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_overview": role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_clerk": role == Role.CLERK,
    }
