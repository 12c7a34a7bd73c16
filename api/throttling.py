"""A rate limit per token: a runaway script slows itself down, not the site."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """At most settings.API_RATE_LIMIT requests per token ("120/min"); then 429 + Retry-After."""

    scope = "api_token"

    def get_rate(self):
        # Read on each request (not once at import), so settings from the environment and
        # test overrides both apply.
        return settings.API_RATE_LIMIT

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
