"""Template context shared by every page."""

from practices.access import request_roles
from qiproject.users import is_signed_in


def navigation(request):
    """The signed-in user's roles, so the navigation shows only what they can reach."""
    user = getattr(request, "user", None)
    if not is_signed_in(user):
        return {}
    return {"roles": request_roles(request)}
