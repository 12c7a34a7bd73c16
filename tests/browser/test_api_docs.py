"""The API docs page runs Swagger UI from our static files under the site's CSP."""

from playwright.sync_api import expect

from tests.api.factories import make_token

VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_the_docs_page_shows_every_operation_with_no_csp_violation(
    page, live_server, member_a, practice_a
):
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    external = []
    page.on(
        "request",
        lambda r: (
            r.url.startswith("http")
            and not r.url.startswith(live_server.url)
            and external.append(r.url)
        ),
    )
    page.add_init_script(VIOLATIONS)

    page.goto("/api/v1/docs/")
    expect(page.get_by_text("/api/v1/measures/{id}/data/")).to_be_visible()

    # Authorise with a token and try a request from the page itself (connect-src 'self').
    token = make_token(member_a, scope="read")
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input").fill(token)
    dialog.locator("button.authorize").click()
    dialog.locator("button.btn-done").click()
    page.locator("#operations-practices-practices_list").get_by_role("button").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200")
    expect(page.locator(".live-responses-table")).to_contain_text("Practice A")

    assert page.evaluate("window.__violations") == []
    assert problems == []
    assert external == []
