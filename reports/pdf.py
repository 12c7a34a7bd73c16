"""PDFs of the report pages, drawn by WeasyPrint from the same templates as the pages.

The template is rendered with `pdf` set: it then extends reports/pdf_base.html (A4, the print
stylesheet, page numbers, the date and "Contains no patient-identifiable data" in every
footer) instead of base.html. Headings are tagged (`pdf_tags`), so the PDF has a structure a
screen reader can follow. Nothing is fetched over the network: the only URLs the renderer may
open are our own static files.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A made-up origin: the static URLs of the page resolve under it, and nothing else is served.
BASE_URL = "https://qiproject.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


class StaticFilesOnly(URLFetcher):
    """Serves our static files (found as `collectstatic` would); refuses every other URL."""

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIX):
            raise ValueError(f"Reports fetch only their own static files, not {url}")
        relative = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
        found = None
        if ".." not in relative and relative:
            # Found where the development server finds it, or as collectstatic stored it
            # (production's hashed names).
            found = finders.find(relative)
            collected = Path(settings.STATIC_ROOT) / relative
            if not found and collected.is_file():
                found = collected
        if not found:
            raise ValueError(f"No static file {relative}")
        kind = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": kind}
        )


def pdf_bytes(html: str) -> bytes:
    """The PDF of a page rendered for print (tagged, A4 from its stylesheet)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly())
    return document.write_pdf(pdf_tags=True)


def render_pdf(request, template_name: str, context: dict, *, filename: str) -> HttpResponse:
    """The page's template rendered as a PDF download."""
    context = {**context, "pdf": True, "printed_on": timezone.localdate()}
    html = render_to_string(template_name, context, request=request)
    response = HttpResponse(pdf_bytes(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
