"""Template context shared by every page."""

from practices.access import roles_for


def navigation(request):
    """The signed-in user's roles, so the navigation shows only what they can reach."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "_qi_roles"):
        request._qi_roles = roles_for(user)
    return {"roles": request._qi_roles}
