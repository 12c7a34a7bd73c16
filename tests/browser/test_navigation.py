"""On a phone the navigation folds into a menu button; on a wide screen it is laid out in full."""

from playwright.sync_api import expect


def _watch_csp(page) -> list:
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg))
    return violations


def test_on_a_phone_the_menu_button_opens_the_navigation(page, sign_in, lead):
    violations = _watch_csp(page)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(lead)
    nav = page.get_by_role("navigation", name="Main")
    evidence = nav.get_by_role("link", name="Evidence")
    menu = nav.get_by_role("button", name="Show or hide navigation")
    expect(evidence).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(evidence).to_be_visible()
    evidence.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evidence")
    assert violations == []


def test_on_a_wide_screen_the_links_show_without_a_menu_button(page, sign_in, lead):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(lead)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Evidence")).to_be_visible()
    expect(nav.get_by_role("button", name="Show or hide navigation")).to_be_hidden()
