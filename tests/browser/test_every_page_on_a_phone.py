"""Every app page, as every persona, on a phone 390 px wide: no sideways scroll, no axe violation.

The demo programme is loaded once. Every URL pattern (one example each, from the site walker in
tests/qiproject/site.py) is asked for by every demo persona; each HTML page a persona is shown
(status 200, or 410 for an expired link's page; and the 404 and 403 pages) is opened in Chromium
at 390 x 844 and must be no wider than the window. axe-core (the copy bundled with
axe-playwright-python, run in the page: no network) checks each URL pattern once, as the first
persona shown it, and must find nothing.

Not crawled: Django's admin (site.py skips it), the API and its generated documentation under
/api/ (JSON and a third-party Swagger page, not our pages), exports and other files (CSV, ZIP,
calendar files: not pages), and what a persona is not shown (a redirect to sign in, a refused
POST-only URL). Each persona's 404 page is crawled, and the first 403 page it meets.

Each page is rendered once, by the test client (which says whether the persona is shown it);
Chromium is handed that response for the page's address and fetches the static files from the
live server, so the page runs under its real headers (the content security policy included).
"""

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.qiproject.site import PERSONAS, build_demo, client_for, examples

WIDTH, HEIGHT = 390, 844
NOT_CRAWLED = ("api/",)
MISSING = "/no-such-page/"
AXE = Axe()
# The page's width against the window's, and the elements that stick out (whose parent does not).
MEASURE = """() => {
  const limit = window.innerWidth;
  const out = (el) => el.getBoundingClientRect().right > limit + 1;
  const widest = [...document.querySelectorAll('body *')]
    .filter((el) => out(el) && !out(el.parentElement))
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase()
      + (typeof el.className === 'string' && el.className.trim()
         ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
  return {scroll: document.documentElement.scrollWidth, inner: limit, widest};
}"""


@dataclass
class Crawl:
    overflows: dict = field(default_factory=dict)  # persona -> ["/url/: 825 px (table...)"]
    pages: dict = field(default_factory=dict)  # persona -> pages opened in Chromium
    axed: set = field(default_factory=set)  # URL pattern names checked with axe
    violations: list = field(default_factory=list)
    patterns: int = 0


def shown(response) -> bool:
    """An HTML page the persona is shown (not a redirect, a file or a refused method)."""
    html = response.get("Content-Type", "").startswith("text/html")
    return html and response.status_code in (200, 403, 404, 410) and not response.streaming


def violation_lines(where: str, results) -> list[str]:
    return [
        f"{where}: {violation['id']} ({violation['impact']}) "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


def new_page(browser, live_server, client, rendered: dict):
    """A phone-sized page signed in as the client, its documents served from `rendered`."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": WIDTH, "height": HEIGHT}
    )
    if "sessionid" in client.cookies:
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])

    def from_test_client(route):
        response = rendered.pop(route.request.url, None)
        if response is None:
            route.continue_()
            return
        route.fulfill(
            status=response.status_code, headers=dict(response.items()), body=response.content
        )

    context.route(re.compile(rf"^{re.escape(live_server.url)}/(?!static/)"), from_test_client)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def crawl_as(persona, pages, browser, live_server, result):
    client = client_for(persona)
    rendered = {}
    page = new_page(browser, live_server, client, rendered)
    overflows, opened, refusal_seen = [], 0, False
    for example in [*pages, None]:  # None: a missing page, for the 404 page itself
        url = example.url if example else MISSING
        response = client.get(url)
        if not shown(response) or (response.status_code == 404 and example is not None):
            continue  # the 404 page is crawled once, for MISSING
        if response.status_code == 403:
            if refusal_seen:
                continue
            refusal_seen = True
        rendered[live_server.url + url] = response
        page.goto(url)
        opened += 1
        size = page.evaluate(MEASURE)
        if size["scroll"] > size["inner"]:
            overflows.append(f"{url}: {size['scroll']} px ({', '.join(size['widest'])})")
        name = {403: "403", 404: "404"}.get(response.status_code, example and example.name)
        if name not in result.axed:
            result.axed.add(name)
            where = f"{urlsplit(page.url).path} as {persona}"
            result.violations += violation_lines(where, AXE.run(page))
    page.context.close()
    result.overflows[persona] = overflows
    result.pages[persona] = opened


@pytest.fixture(scope="module")
def crawl(browser, live_server, django_db_setup, django_db_blocker):
    started = time.monotonic()
    result = Crawl()
    with django_db_blocker.unblock():
        build_demo()
        pages = [
            example
            for example in examples()
            if not example.is_export and not example.route.startswith(NOT_CRAWLED)
        ]
        result.patterns = len(pages)
        try:
            for persona in PERSONAS:
                crawl_as(persona, pages, browser, live_server, result)
        finally:
            call_command("flush", interactive=False, verbosity=0)  # as a transactional test
    print(
        f"\nPhone crawl: {sum(result.pages.values())} pages opened, {len(result.axed)} checked "
        f"with axe, {time.monotonic() - started:.0f} s"
    )
    return result


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_scrolls_sideways_on_a_phone_for(crawl, persona):
    assert crawl.overflows[persona] == []


def test_every_crawled_page_has_no_axe_violation(crawl):
    assert crawl.violations == []


def test_the_crawl_opened_the_pages_each_persona_may_see(crawl):
    # A crawl that saw nothing would pass the checks above: each signed-in persona sees many.
    assert crawl.pages["anonymous"] >= 3  # sign-in, password reset... and the 404 page
    for persona in ("lead", "facilitator", "member", "patient_rep"):
        assert crawl.pages[persona] >= 30, crawl.pages
    assert len(crawl.axed) >= crawl.patterns // 2, (len(crawl.axed), crawl.patterns)
