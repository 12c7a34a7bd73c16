"""What a token may do beyond reading: the person's own rights decide what is seen (404)."""

from rest_framework import permissions

from api.models import ApiToken


class TokenScope(permissions.BasePermission):
    """A signed-in token; only a write token may write (a read token writing is a 403)."""

    message = "This token may only read: create a write token to send data."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        return request.method in permissions.SAFE_METHODS or token.can_write
