"""The site's URLs plus a page that crashes, to see the 500 page (with the site's handlers)."""

from django.urls import path

from qiproject.urls import handler500  # noqa: F401 - the handler
from qiproject.urls import urlpatterns as site_patterns


def crash(request):
    raise RuntimeError("A crash on purpose")


urlpatterns = [path("crash/", crash), *site_patterns]
