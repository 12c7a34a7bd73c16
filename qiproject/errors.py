"""The server-error page, rendered so that it cannot fail in turn.

Django's own 400, 403 and 404 handlers render our templates (templates/400.html...). The 500
page is plain HTML with no request context (the database or a context processor may be what
failed); should even that template fail to render, a fixed page answers instead.
"""

from django.http import HttpResponseServerError
from django.views import defaults

FALLBACK = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Something went wrong · qiproject</title></head><body><main>"
    "<h1>Something went wrong</h1><p>The problem has been logged. Please try again in a few "
    'minutes, or <a href="/">return to the start page</a>.</p></main></body></html>'
)


def server_error(request, template_name="500.html"):
    """The styled 500 page, or a fixed one if rendering the styled page fails too."""
    try:
        return defaults.server_error(request, template_name=template_name)
    except Exception:  # noqa: BLE001 - an error page must answer whatever broke
        return HttpResponseServerError(FALLBACK)
