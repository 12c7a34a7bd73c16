import time_machine
from playwright.sync_api import expect

from followup import services
from followup.factors import FACTOR_KEYS
from followup.models import Response
from messaging.models import Message
from tests.followup.conftest import DUE, at, token_in


def test_a_team_member_answers_the_follow_up_survey_from_their_email_link(
    page, member_a, mailoutbox
):
    with time_machine.travel(at(DUE), tick=False):
        services.followup_send_due(today=DUE)
    # Sent at once (tasks run eagerly in tests); the outbox row no longer holds the link.
    (email,) = [m for m in mailoutbox if m.to == [member_a.email]]
    token = token_in(email.body)
    assert token not in Message.objects.get(recipient=member_a).body
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg))

    page.goto(f"/follow-up/s/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("One-year follow-up survey")
    for key in FACTOR_KEYS:
        page.check(f"input[name='factor_{key}'][value='4']")
    page.get_by_label("Anything else you would like").fill("It stuck.")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert Response.objects.get().free_text == "It stuck."
    assert violations == []
    page.goto(f"/follow-up/s/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey link cannot be used")
