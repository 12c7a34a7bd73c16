from playwright.sync_api import expect

from evidence.models import Status
from tests.evidence.factories import EvidenceItemFactory, TopicFactory


def test_a_practice_member_searches_the_library_and_opens_a_result(page, sign_in, member_a):
    medicines = TopicFactory(slug="medicines", name="Medicines")
    EvidenceItemFactory(
        title="Paracetamol for acute low back pain",
        summary="No better than placebo in three trials.",
        topics=[medicines],
    )
    EvidenceItemFactory(title="Scan findings without pain", summary="Common with age.")
    EvidenceItemFactory(title="Paracetamol draft", status=Status.DRAFT)
    sign_in(member_a)

    page.get_by_role("link", name="Evidence").click()
    page.get_by_role("searchbox", name="Search").fill("placebo")
    page.get_by_role("button", name="Search").click()

    results = page.get_by_role("heading", level=2)
    expect(results).to_have_count(1)
    expect(results).to_have_text("Paracetamol for acute low back pain")
    expect(page.get_by_text("Matched in summary")).to_be_visible()
    expect(page.locator(".snippet mark")).to_have_count(1)

    page.get_by_role("link", name="Paracetamol for acute low back pain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paracetamol for acute low back pain")


def test_filtering_by_topic_narrows_the_results(page, sign_in, member_a):
    imaging = TopicFactory(slug="imaging", name="Imaging")
    EvidenceItemFactory(title="Scan findings without pain", topics=[imaging])
    EvidenceItemFactory(title="Opioids for chronic pain")
    sign_in(member_a)
    page.goto("/evidence/")
    page.get_by_label("Topic").select_option("imaging")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(["Scan findings without pain"])


def test_a_reader_finds_synonyms_marked_and_pages_through_them(page, sign_in, member_a):
    for n in range(22):
        EvidenceItemFactory(title=f"MRI finding {n:02d}", summary="Common with age.")
    EvidenceItemFactory(title="An X-ray rarely helps", summary="Imaging changes little.")
    sign_in(member_a)
    page.goto("/evidence/")
    page.get_by_role("searchbox", name="Search").fill("x-ray")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("status")).to_contain_text("23 items for “x-ray”")
    expect(page.get_by_role("heading", level=2).first).to_have_text("An X-ray rarely helps")
    expect(page.locator("h2 mark").first).to_have_text("X-ray")
    expect(
        page.get_by_text("Also searched for xray, imaging, scan, MRI, radiograph.")
    ).to_be_visible()

    pages = page.get_by_role("navigation", name="Pages of results")
    pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("status")).to_contain_text("page 2 of 2")
    expect(page.get_by_role("heading", level=2)).to_have_count(3)
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("x-ray")
    expect(pages.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
