from playwright.sync_api import expect

from tests.workshops.factories import InvitationFactory, WorkshopSessionFactory
from workshops.models import Invitation, Response


def test_an_invitee_answers_their_invitation(page, sign_in, programme, practice_a, member_a):
    session = WorkshopSessionFactory(programme=programme, title="Workshop 2: red flags")
    InvitationFactory(session=session, user=member_a, practice=practice_a)
    sign_in(member_a)

    page.get_by_role("link", name="Workshops").click()
    page.get_by_role("link", name="Workshop 2: red flags").click()
    expect(page.get_by_text("Your answer: Not answered")).to_be_visible()

    page.get_by_label("Maybe").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("your answer is “Maybe”")

    page.get_by_label("Yes, I will come").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer: Yes, I will come")).to_be_visible()
    assert Invitation.objects.get(user=member_a).response == Response.YES
