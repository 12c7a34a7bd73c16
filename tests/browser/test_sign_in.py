from playwright.sync_api import expect


def test_a_practice_member_signs_in_and_sees_their_practice_page(page, sign_in, member_a):
    sign_in(member_a)
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice A")
    expect(page.get_by_role("heading", name="Practice team")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Dr Amy A")).to_be_visible()


def test_a_wrong_password_shows_a_message_next_to_the_form(page, sign_in, member_a):
    sign_in(member_a, password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct email address and password")
