"""A practice member runs a PDSA cycle from Plan to Act in the browser and starts the next."""

from playwright.sync_api import expect

from pdsa.models import PDSACycle
from tests.pdsa.factories import ChangeIdeaFactory, DriverFactory, ImprovementPlanFactory


def test_a_member_takes_a_cycle_from_plan_to_act_and_starts_the_next(page, sign_in, member_a):
    plan = ImprovementPlanFactory(practice=member_a.memberships.get().practice, title="Advice")
    plan.team.add(member_a)
    idea = ChangeIdeaFactory(plan=plan, driver=DriverFactory(plan=plan), title="Leaflet")

    sign_in(member_a)
    page.goto(f"/pdsa/plans/{plan.pk}/")
    page.get_by_role("link", name="Start a PDSA cycle").click()
    page.get_by_label("Title").fill("Leaflet in one room")
    page.get_by_label("Change idea").select_option(label=idea.title)
    page.get_by_label("Objective of this cycle").fill("See whether one GP hands it out.")
    page.get_by_role("button", name="Start cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leaflet in one room")

    page.get_by_role("textbox", name="Question").fill("Will the GP hand out the leaflet?")
    page.get_by_role("textbox", name="Prediction").fill("Yes, in 8 of 10 consultations.")
    page.get_by_role("button", name="Add question").click()
    page.get_by_role("button", name="Move to Do").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Do")

    page.get_by_label("What actually happened").fill("Handed out in 7 of 10.")
    page.get_by_role("button", name="Save worksheet").click()
    page.get_by_role("button", name="Move to Study").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Study")

    page.get_by_label("Result for: Will the GP hand out the leaflet?", exact=False).fill(
        "7 of 10: close to the prediction."
    )
    page.get_by_label("What we learned").fill("Busy sessions are when it is missed.")
    page.get_by_role("button", name="Save worksheet").click()
    page.get_by_role("button", name="Move to Act").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Act")

    page.get_by_label("Adapt").check()
    page.get_by_label("What the next cycle will change").fill("Keep a stack at reception.")
    page.get_by_role("button", name="Save worksheet").click()
    page.get_by_role("button", name="Start the next cycle").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Leaflet in one room (cycle 2)")
    expect(page.locator("[aria-current=step]")).to_have_text("Plan")
    expect(page.get_by_label("Objective of this cycle")).to_contain_text(
        "Keep a stack at reception."
    )
    first = PDSACycle.objects.get(number=1)
    assert first.stage == "complete" and first.decision == "adapt"
    assert PDSACycle.objects.get(number=2).previous == first
