"""Middleware the whole site shares."""

from django.utils.cache import patch_cache_control


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in person are never kept by a browser or a shared cache.

    They carry private notes and names; without this, the back button on a shared
    computer after signing out, or a proxy, could show them to someone else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
