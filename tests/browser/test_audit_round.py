"""A practice member enters an audit round with the keyboard alone and reads its results."""

from playwright.sync_api import expect

from audits.models import AuditRound
from tests.audits.factories import criterion, make_template


def test_a_member_enters_a_round_by_keyboard_and_sees_its_results(
    page, sign_in, member_a, practice_a
):
    make_template(
        [
            criterion("advice", 90, short_name="Advice given", allows_not_applicable=False),
            criterion("imaging", 95, short_name="Imaging with a reason"),
        ],
        name="Back pain audit",
    )
    sign_in(member_a)
    page.goto("/audits/")
    page.get_by_role("link", name="Start a round at Practice A").click()
    page.get_by_label("Template").select_option(label="Back pain audit")
    page.get_by_label("Period from").fill("2026-01-01")
    page.get_by_label("Period to").fill("2026-03-31")
    page.get_by_label("Sample size").fill("3")
    page.get_by_label("Who collects").fill("Dr Amy A")
    page.get_by_label("Who collects").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter cases")
    # The first box has the focus; type the answer's first letter, Tab to the next box.
    expect(page.get_by_label("Case 1, Advice given")).to_be_focused()
    for keys in (["m"], ["n", "n"], ["n"], ["m"], ["m"], ["n", "n"]):
        for key in keys:
            page.keyboard.press(key)
        page.keyboard.press("Tab")
    expect(page.get_by_label("Case 2, Imaging with a reason")).to_have_value("met")
    expect(page.get_by_label("Case 3, Imaging with a reason")).to_have_value("na")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved 3 case(s).")

    page.get_by_role("link", name="Results and completion").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Mark the round complete").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Round marked complete.")
    advice = page.get_by_role("row", name="Advice given")
    expect(advice).to_contain_text("67%")
    expect(advice).to_contain_text("Cannot tell with this sample")
    imaging = page.get_by_role("row", name="Imaging with a reason")
    expect(imaging).to_contain_text("1 (2 n/a)")
    expect(imaging).to_contain_text("about 73 eligible cases would tell")
    expect(
        page.get_by_role("img", name="Back pain audit: results against the standards")
    ).to_be_visible()
    assert AuditRound.objects.get().is_complete
