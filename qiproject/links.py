"""Absolute links for emails, calendar files and anything else read outside the site.

Every link that leaves the site is built here from SITE_URL, so it follows the configured
address (and, locally, the port `make run` serves on).
"""

from django.conf import settings


def site_url() -> str:
    """The site's address without a trailing slash, e.g. https://qi.example.org."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str = "/") -> str:
    """The absolute URL of a path on this site, e.g. absolute_url("/messages/")."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url() takes a path starting with '/', not {path!r}.")
    return site_url() + path
