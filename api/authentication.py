"""`Authorization: Bearer <token>`: the API's only way in.

No session cookie opens the API, so a browser signed in to the site cannot be made to call it
(the cross-site request forgery the site's CSRF checks guard against needs a cookie).
"""

import hmac

from django.utils import timezone
from rest_framework import authentication, exceptions

from api import services
from api.models import ApiToken
from qiproject.users import is_signed_in

BAD_TOKEN = "The token is not valid: it may be mistyped, expired or revoked."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a personal API token; request.user is its person, request.auth the token."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send “Authorization: Bearer <token>”.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(BAD_TOKEN) from None
        return self._check(token)

    def _check(self, token: str):
        prefix = services.token_prefix(token)
        api_token = (
            ApiToken.objects.select_related("user").filter(prefix=prefix).first()
            if prefix
            else None
        )
        now = timezone.now()
        if (
            api_token is None
            or not hmac.compare_digest(api_token.secret_hash, services.token_hash(token))
            or not api_token.is_usable(now)
            or not is_signed_in(api_token.user)
        ):
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        services.token_touch(api_token=api_token, now=now)
        return api_token.user, api_token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
