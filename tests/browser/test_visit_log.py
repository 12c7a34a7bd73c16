import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from practices.models import AgreedAction


def test_the_facilitator_logs_a_visit_with_an_action_and_the_practice_marks_it_done(
    page, sign_in, facilitator, member_a, practice_a
):
    due = timezone.localdate() + timedelta(days=14)

    sign_in(facilitator)
    page.goto(f"/practices/{practice_a.pk}/visits/new/")
    page.get_by_label("Mode").select_option("On site")
    page.get_by_label("Duration (minutes)").fill("75")
    page.get_by_label("Travel time (minutes)").fill("30")
    page.get_by_label("Dr Amy A").check()
    page.get_by_label("Topics").fill("Baseline run chart")
    page.get_by_label("Notes shared with the practice").fill("Good discussion of the data.")
    page.get_by_label("Private notes").fill("Team keen but short of time.")
    page.get_by_label("What was agreed*", exact=True).fill("Send the audit template")
    page.get_by_label("Owner in the practice").select_option(label="Dr Amy A")
    page.get_by_label("Due").fill(due.isoformat())
    # A second row (added in place by the script) keeps what was typed; left blank, it is ignored.
    page.get_by_role("button", name="Add another action").click()
    expect(page.locator(".action-row")).to_have_count(2)
    expect(page.get_by_label("What was agreed*", exact=True).first).to_have_value(
        "Send the audit template"
    )
    # Enter in a field saves the visit (it must not press "Add another action").
    page.get_by_label("Topics").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("On site visit on")
    expect(page.get_by_text("Team keen but short of time.")).to_be_visible()
    expect(page.get_by_role("cell", name="Send the audit template", exact=True)).to_be_visible()

    page.context.clear_cookies()
    sign_in(member_a)
    page.goto(f"/practices/{practice_a.pk}/actions/")
    expect(page.get_by_role("cell", name="Send the audit template", exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Mark done\W+Send the audit template")).click()
    expect(page.get_by_role("status")).to_contain_text("marked done")
    expect(page.get_by_text("No open actions.")).to_be_visible()

    page.goto(f"/practices/{practice_a.pk}/visits/")
    page.get_by_role("link", name=timezone.localdate().strftime("%-d %b %Y")).click()
    expect(page.get_by_role("cell", name=re.compile(r"^Done .* by Dr Amy A$"))).to_be_visible()
    expect(page.get_by_text("Team keen but short of time.")).to_have_count(0)
    action = AgreedAction.objects.get()
    assert action.done_by == member_a
