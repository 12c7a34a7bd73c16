"""Evidence is picked from tick boxes with a find box, which a phone's touch can use."""

from playwright.sync_api import expect

from pdsa.models import PDSACycle
from tests.evidence.factories import EvidenceItemFactory
from tests.pdsa.factories import ChangeIdeaFactory, DriverFactory, ImprovementPlanFactory

TITLES = [
    "Paracetamol for acute back pain",
    "Imaging for low back pain",
    "Exercise therapy",
    "Cognitive behavioural therapy",
    "Stratified care with STarT Back",
    "Opioids in chronic pain",
    "Education about pain",
    "Spinal manipulation",
    "Early return to work",
    "Yoga for back pain",
]


def test_a_member_finds_and_ticks_evidence_on_a_phone(page, sign_in, member_a):
    plan = ImprovementPlanFactory(practice=member_a.memberships.get().practice, title="Advice")
    plan.team.add(member_a)
    idea = ChangeIdeaFactory(plan=plan, driver=DriverFactory(plan=plan), title="Leaflet")
    for title in TITLES:
        EvidenceItemFactory(title=title)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(member_a)
    page.goto(f"/pdsa/plans/{plan.pk}/cycles/new/")
    page.get_by_label("Title").fill("Leaflet")
    page.get_by_label("Change idea").select_option(label=idea.title)

    page.get_by_label("Narrow the list of evidence").fill("back pain")
    expect(page.get_by_text("Showing 3 of 10; 0 ticked.")).to_be_visible()
    expect(page.get_by_label("Exercise therapy")).to_be_hidden()
    page.get_by_label("Imaging for low back pain").check()
    page.get_by_label("Narrow the list of evidence").fill("yoga")
    expect(page.get_by_text("Showing 2 of 10; 1 ticked.")).to_be_visible()  # the ticked one stays
    page.get_by_label("Yoga for back pain").check()
    page.get_by_label("Narrow the list of evidence").press("Enter")  # does not send
    page.get_by_role("button", name="Start cycle").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Leaflet")
    cited = PDSACycle.objects.get().evidence.values_list("title", flat=True)
    assert sorted(cited) == ["Imaging for low back pain", "Yoga for back pain"]
