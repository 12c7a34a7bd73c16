"""A member of practice A browses the ideas shared in the programme and copies one."""

from playwright.sync_api import expect

from pdsa import services
from pdsa.models import ChangeIdea
from tests.evidence.factories import EvidenceItemFactory
from tests.pdsa.factories import ChangeIdeaFactory, DriverFactory, ImprovementPlanFactory


def test_a_member_browses_shared_ideas_and_copies_one_into_their_driver_diagram(
    page, sign_in, member_a, member_b
):
    practice_a = member_a.memberships.get().practice
    practice_b = member_b.memberships.get().practice
    plan_a = ImprovementPlanFactory(practice=practice_a, title="Advice for everyone")
    plan_a.team.add(member_a)
    primary = DriverFactory(plan=plan_a, text="Clinicians stratify risk")
    DriverFactory(plan=plan_a, level="secondary", parent=primary, text="Stratification is quick")
    plan_b = ImprovementPlanFactory(practice=practice_b, title="Stratify")
    driver_b = DriverFactory(plan=plan_b, text="Stratification is quick")
    idea_b = ChangeIdeaFactory(plan=plan_b, driver=driver_b, title="STarT Back template")
    idea_b.evidence.add(EvidenceItemFactory(title="STarT Back tool"))
    services.idea_share(change_idea=idea_b, user=member_b, summary="Quick once set up.")
    other = ChangeIdeaFactory(plan=plan_b, driver=driver_b, title="Laminated card")
    services.idea_share(change_idea=other, user=member_b)

    sign_in(member_a)
    page.get_by_role("link", name="Ideas exchange").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ideas exchange")
    page.get_by_label("Words in the idea").fill("template")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Laminated card")).to_have_count(0)
    page.get_by_role("link", name="STarT Back template").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("STarT Back template")
    expect(page.get_by_text("Shared by Practice B")).to_be_visible()
    expect(page.get_by_role("link", name="STarT Back tool")).to_be_visible()
    page.get_by_role("button", name="Copy into my driver diagram").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Advice for everyone")
    expect(page.get_by_text("copied into your driver diagram")).to_be_visible()
    expect(page.get_by_text("Copied from Practice B's shared idea")).to_be_visible()
    copy = ChangeIdea.objects.get(plan=plan_a)
    assert copy.driver.text == "Stratification is quick"
    assert copy.copied_from.change_idea == idea_b
