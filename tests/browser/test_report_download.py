from playwright.sync_api import expect
from pypdf import PdfReader

from tests.pdsa.factories import ImprovementPlanFactory


def test_a_practice_member_opens_the_practice_report_and_downloads_it_as_a_pdf(
    page, sign_in, member_a, practice_a
):
    ImprovementPlanFactory(practice=practice_a, title="Fewer scans for back pain")
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg))
    sign_in(member_a)
    page.goto(f"/practices/{practice_a.pk}/")
    page.get_by_role("link", name="Practice report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice report: Practice A")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename.startswith(f"practice-{practice_a.pk}-report-")
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Practice report: Practice A" in text
    assert "Fewer scans for back pain" in text
    assert "Contains no patient-identifiable data" in text
    assert violations == []
