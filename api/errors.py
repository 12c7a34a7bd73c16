"""A 404 under /api/ is JSON, as the API's own 404s are, even for a URL no route matches."""

from django.http import JsonResponse
from django.views import defaults


def not_found(request, exception):
    """The site's 404 page, or for /api/ the REST framework's JSON answer."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
