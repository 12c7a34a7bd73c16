"""Template context shared by every page."""

from practices.access import request_roles


def navigation(request):
    """The signed-in user's roles, so the navigation shows only what they can reach."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"roles": request_roles(request)}
