"""The one rule for following a `next` parameter after a form is done."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback: str = "") -> str:
    """The `next` URL (POST, else GET) if it is a path on this site; otherwise `fallback`.

    Only a path starting with a single "/" is followed: a view name, a relative or
    scheme-relative link, or another host falls back, so a bad `next` can neither send
    the user off-site nor fail the request.
    """
    candidate = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback
