"""The facilitator and the lead land on their dashboards, sort them, and meet no CSP error."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.practices.factories import AgreedActionFactory, VisitFactory


def _watch_csp(page) -> list:
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg))
    return violations


def test_a_facilitator_lands_on_their_dashboard_and_sees_an_overdue_action(
    page, sign_in, facilitator, practice_a, member_a
):
    visit = VisitFactory(practice=practice_a, facilitator=facilitator)
    AgreedActionFactory(
        visit=visit,
        owner=member_a,
        description="Audit the notes",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    violations = _watch_csp(page)
    sign_in(facilitator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Facilitator dashboard")
    row = page.get_by_role("row").filter(has_text="Practice A")
    expect(row).to_contain_text("1 overdue")
    expect(row).to_contain_text("Needs attention")
    row.get_by_role("link", name="Practice A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement work: Practice A")
    assert violations == []


def test_the_lead_lands_on_the_programme_dashboard_and_sorts_by_name(
    page, sign_in, lead, practice_a, practice_b
):
    violations = _watch_csp(page)
    sign_in(lead)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Programme dashboard")
    expect(page.get_by_role("heading", name="Measures by icon")).to_be_visible()
    page.get_by_label("Sort by").select_option("name")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    names = page.locator("table.dashboard-table tbody th[scope=row] > a").all_inner_texts()
    assert names == ["Practice A", "Practice B"]
    assert violations == []


def test_a_measure_icon_names_its_measure_on_keyboard_focus(page, sign_in, facilitator, practice_a):
    from tests.pdsa.factories import ImprovementPlanFactory, MeasureFactory

    MeasureFactory(plan=ImprovementPlanFactory(practice=practice_a), name="Imaging rate")
    sign_in(facilitator)
    expect(page.get_by_text("Key to the measure icons")).to_be_visible()
    icon = page.locator("a.qi-m").first
    icon.focus()
    shown = icon.evaluate("el => getComputedStyle(el, '::after').content")
    assert shown == '"Imaging rate"'
    page.locator("body").click(position={"x": 1, "y": 1})
    icon.hover()
    assert icon.evaluate("el => getComputedStyle(el, '::after').content") == '"Imaging rate"'
