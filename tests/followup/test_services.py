from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from followup import services
from followup.factors import FACTOR_KEYS
from followup.models import Link, Recipient, Response, Survey
from followup.selectors import token_hash
from messaging.models import Message, Status
from messaging.services import preference_update
from tests.followup.conftest import DUE, at, token_in

SCORES = dict.fromkeys(FACTOR_KEYS, 4)


def send(day):
    with time_machine.travel(at(day), tick=False):
        return services.followup_send_due(today=day)


def test_nothing_goes_out_before_the_follow_up_date(team):
    assert send(DUE - timedelta(days=1)) == 0
    assert not Survey.objects.exists()


def test_every_team_member_and_patient_representative_is_invited_on_the_date(team):
    assert send(DUE) == 3

    invited = set(Message.objects.values_list("recipient__email", flat=True))
    assert invited == {"gp.a@example.test", "rep.a@example.test", "gp.b@example.test"}
    assert all(
        subject.startswith("One-year follow-up survey")
        for subject in Message.objects.values_list("subject", flat=True)
    )
    assert Survey.objects.get().opened_at is not None


def test_a_second_run_on_the_same_day_sends_nothing(team):
    send(DUE)

    assert send(DUE) == 0
    assert Message.objects.count() == 3
    assert Link.objects.count() == 3


def test_the_invitation_arrives_by_smtp_with_a_personal_link_kept_only_as_a_hash(
    team, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(DUE)

    assert len(smtp_server.received) == 3
    email = next(m for m in smtp_server.received if m["To"] == "gp.a@example.test")
    token = token_in(email.get_payload())
    assert Link.objects.filter(token_hash=token_hash(token)).exists()
    assert not Link.objects.filter(token_hash=token).exists()
    message = Message.objects.get(recipient=team["member_a"])
    assert message.status == Status.SENT
    assert token not in message.body
    assert "Practice B" not in email.get_payload()


def test_the_invitation_goes_even_to_someone_who_turned_reminders_off(team):
    preference_update(user=team["member_a"], digests=False, reminders=False)

    send(DUE)

    assert Message.objects.filter(recipient=team["member_a"]).exists()


def test_non_respondents_are_reminded_after_14_and_28_days_then_no_more(team):
    send(DUE)

    assert send(DUE + timedelta(days=13)) == 0
    assert send(DUE + timedelta(days=14)) == 3
    assert send(DUE + timedelta(days=20)) == 0
    assert send(DUE + timedelta(days=28)) == 3
    assert send(DUE + timedelta(days=40)) == 0
    periods = sorted(set(Message.objects.values_list("period", flat=True)))
    assert periods == ["", "day-14", "day-28"]


def test_reminders_stop_after_an_answer(team):
    send(DUE)
    message = Message.objects.get(recipient=team["member_a"])
    with time_machine.travel(at(DUE), tick=False):
        services.response_submit(token=token_in(message.body), changes=[], factor_scores=SCORES)

    send(DUE + timedelta(days=14))

    reminded = set(Message.objects.filter(period="day-14").values_list("recipient", flat=True))
    assert reminded == {team["patient_rep"].pk, team["member_b"].pk}


def test_someone_who_turned_reminders_off_gets_no_survey_reminder(team):
    preference_update(user=team["member_b"], digests=True, reminders=False)
    send(DUE)

    send(DUE + timedelta(days=14))

    assert not Message.objects.filter(recipient=team["member_b"], period="day-14").exists()


def test_someone_recorded_later_who_was_in_the_team_is_invited_on_the_next_run(team, practice_a):
    from tests.practices.factories import MembershipFactory, UserFactory

    send(DUE)
    MembershipFactory(practice=practice_a, user=UserFactory(email="new@example.test"))

    assert send(DUE + timedelta(days=2)) == 1
    assert Recipient.objects.get(user__email="new@example.test").invited_on == DUE + timedelta(
        days=2
    )


def _token_for(user):
    return token_in(Message.objects.get(recipient=user, period="").body)


def test_an_answer_is_recorded_once_and_the_link_cannot_be_replayed(team):
    send(DUE)
    token = _token_for(team["member_a"])

    with time_machine.travel(at(DUE + timedelta(days=1)), tick=False):
        services.response_submit(token=token, changes=[], factor_scores=SCORES, free_text="Good.")
        with pytest.raises(ValidationError):
            services.response_submit(token=token, changes=[], factor_scores=SCORES)

    assert Response.objects.get().free_text == "Good."


def test_a_reminder_link_is_used_up_by_an_answer_sent_with_the_invitation_link(team):
    send(DUE)
    send(DUE + timedelta(days=14))
    first = _token_for(team["member_a"])
    reminder = token_in(Message.objects.get(recipient=team["member_a"], period="day-14").body)

    with time_machine.travel(at(DUE + timedelta(days=15)), tick=False):
        services.response_submit(token=first, changes=[], factor_scores=SCORES)
        with pytest.raises(ValidationError):
            services.response_submit(token=reminder, changes=[], factor_scores=SCORES)


def test_a_link_expires_after_60_days(team):
    send(DUE)
    token = _token_for(team["member_a"])

    with (
        time_machine.travel(at(DUE + timedelta(days=60), hour=0), tick=False),
        pytest.raises(ValidationError),
    ):
        services.response_submit(token=token, changes=[], factor_scores=SCORES)
    assert not Response.objects.exists()


def test_a_tampered_token_is_refused(team):
    send(DUE)
    token = _token_for(team["member_a"])

    with pytest.raises(ValidationError):
        services.response_submit(token=token[:-2] + "xx", changes=[], factor_scores=SCORES)


def test_an_answer_must_rate_every_factor(team):
    send(DUE)

    with pytest.raises(ValidationError):
        services.response_submit(
            token=_token_for(team["member_a"]), changes=[], factor_scores={"benefits": 3}
        )
    assert not Response.objects.exists()
    assert Recipient.objects.get(user=team["member_a"]).submitted_at is None


def test_a_lead_edits_the_questions_before_the_survey_goes_out(team, programme):
    survey = services.survey_ensure(programme=programme)

    services.survey_update_questions(survey=survey, why_question="What keeps it going?")

    assert Survey.objects.get().why_question == "What keeps it going?"


def test_the_questions_cannot_change_once_the_survey_has_gone_out(team, programme):
    send(DUE)

    with pytest.raises(ValidationError):
        services.survey_update_questions(
            survey=Survey.objects.get(), why_question="Changed afterwards?"
        )


def test_the_page_and_the_submit_agree_on_when_a_link_expires(team):
    send(DUE)
    token = _token_for(team["member_a"])
    link = Link.objects.get(token_hash=token_hash(token))

    with time_machine.travel(link.expires_at - timedelta(microseconds=1), tick=False):
        assert not link.is_expired
    with time_machine.travel(link.expires_at, tick=False):
        assert link.is_expired
        with pytest.raises(ValidationError):
            services.response_submit(token=token, changes=[], factor_scores=SCORES)
    assert not Response.objects.exists()


def test_submitting_follows_the_links_own_expiry_rule(team, monkeypatch):
    send(DUE)
    token = _token_for(team["member_a"])
    monkeypatch.setattr(Link, "is_expired_at", lambda self, now: True)

    with pytest.raises(ValidationError):
        services.response_submit(token=token, changes=[], factor_scores=SCORES)
    assert not Response.objects.exists()


def test_someone_who_joined_after_the_final_workshop_is_not_sent_the_one_year_survey(
    team, practice_a, programme
):
    from tests.practices.factories import MembershipFactory, UserFactory

    late = MembershipFactory(
        practice=practice_a,
        user=UserFactory(email="late@example.test"),
        joined_on=programme.final_workshop_date + timedelta(days=1),
    )
    on_the_day = MembershipFactory(
        practice=practice_a,
        user=UserFactory(email="last-day@example.test"),
        joined_on=programme.final_workshop_date,
    )

    send(DUE)

    invited = set(Recipient.objects.values_list("user_id", flat=True))
    assert on_the_day.user_id in invited and late.user_id not in invited
    assert not Message.objects.filter(recipient=late.user).exists()
