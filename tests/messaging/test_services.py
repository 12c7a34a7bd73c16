from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from messaging import services
from messaging.models import Category, Message, Status
from messaging.tasks import message_deliver_task
from tests.messaging.factories import MessageFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)


def claim(user, **overrides):
    values = {
        "recipient": user,
        "kind": "test",
        "subject_key": "thing:1",
        "period": "2027-03-01",
        "category": Category.REMINDER,
        "subject": "Something to do",
        "body": "Please do it.",
    }
    values.update(overrides)
    return services.message_claim(**values)


def test_a_claimed_message_is_sent_after_commit_with_its_stable_message_id(
    member_a, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message, created = claim(member_a)
        assert smtp_server.received == []

    assert created
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sent_at is not None
    (received,) = smtp_server.received
    assert received["Message-ID"] == message.message_id
    assert received["To"] == member_a.email
    assert received["Subject"] == "Something to do"
    assert message.message_id.endswith("@qiproject>")


def test_claiming_the_same_key_twice_returns_the_first_message_and_sends_nothing_more(
    member_a, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = claim(member_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second, created = claim(member_a, body="A different body")

    assert not created
    assert second.pk == first.pk
    assert callbacks == []
    assert Message.objects.count() == 1
    assert len(smtp_server.received) == 1


def test_another_period_is_another_message_with_another_message_id(member_a):
    first, _ = claim(member_a, period="2027-03-01")
    second, created = claim(member_a, period="2027-03-02")

    assert created
    assert first.message_id != second.message_id


def test_a_message_already_sent_is_not_sent_again(member_a, smtp_server):
    message = MessageFactory(recipient=member_a)

    assert services.message_deliver(message_id=message.pk) is True
    assert services.message_deliver(message_id=message.pk) is False
    assert len(smtp_server.received) == 1


def test_attachments_arrive_with_the_message(member_a, smtp_server):
    message, _ = claim(
        member_a,
        attachments=[
            services.Attachment(
                "workshop.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"
            )
        ],
    )

    services.message_deliver(message_id=message.pk)

    (received,) = smtp_server.received
    parts = [part for part in received.walk() if part.get_filename()]
    assert [part.get_filename() for part in parts] == ["workshop.ics"]
    assert parts[0].get_content_type() == "text/calendar"


def test_a_personal_link_is_removed_from_the_outbox_once_sent(member_a, smtp_server):
    message, _ = claim(member_a, body="Your link: https://x.test/s/SECRET", redact=["SECRET"])

    services.message_deliver(message_id=message.pk)

    assert "SECRET" in smtp_server.received[0].get_payload()
    message.refresh_from_db()
    assert "SECRET" not in message.body
    assert message.redact == []


def test_a_person_who_turned_reminders_off_gets_no_reminder(member_a):
    services.preference_update(user=member_a, digests=True, reminders=False)

    message, created = claim(member_a, category=Category.REMINDER)

    assert message is None and not created
    assert not Message.objects.exists()


def test_a_person_who_turned_digests_off_still_gets_reminders_and_essential_messages(member_a):
    services.preference_update(user=member_a, digests=False, reminders=False)

    assert claim(member_a, category=Category.DIGEST)[0] is None
    assert claim(member_a, category=Category.ESSENTIAL, kind="survey")[1] is True


def test_a_mail_error_is_retried_and_the_message_sent_on_the_next_attempt(member_a, smtp_server):
    message = MessageFactory(recipient=member_a)
    smtp_server.handler.fail_next = 1

    message_deliver_task.apply(args=[message.pk])

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert len(smtp_server.received) == 1


def test_after_the_last_retry_the_message_is_failed_with_the_error(member_a, smtp_server, settings):
    message = MessageFactory(recipient=member_a)
    smtp_server.handler.fail_next = 100

    message_deliver_task.apply(args=[message.pk])

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == settings.MESSAGING_MAX_RETRIES + 1
    assert "451" in message.last_error
    assert smtp_server.received == []


def test_the_backoff_doubles_with_each_retry(member_a, settings, monkeypatch):
    message = MessageFactory(recipient=member_a)
    countdowns = []

    def fail(**kwargs):
        raise OSError("connection refused")

    def record_retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        raise RuntimeError("stop")

    monkeypatch.setattr(services, "message_deliver", fail)
    monkeypatch.setattr(message_deliver_task, "retry", record_retry)
    for retries in range(3):
        message_deliver_task.push_request(retries=retries)
        with pytest.raises(RuntimeError):
            message_deliver_task.run(message.pk)
        message_deliver_task.pop_request()

    base = settings.MESSAGING_RETRY_BASE_SECONDS
    assert countdowns == [base, 2 * base, 4 * base]


def test_resending_a_failed_message_queues_it_again_with_the_same_message_id(
    member_a, smtp_server, django_capture_on_commit_callbacks
):
    message = MessageFactory(recipient=member_a, status=Status.FAILED, last_error="451")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_resend(message_ids=[message.pk]) == 1

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert smtp_server.received[0]["Message-ID"] == message.message_id


def test_resend_leaves_messages_that_did_not_fail_alone(member_a):
    sent = MessageFactory(recipient=member_a, status=Status.SENT, sent_at=NOW)

    assert services.message_resend(message_ids=[sent.pk]) == 0


def test_the_sweeper_queues_again_a_claimed_message_nobody_sent(
    member_a, smtp_server, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        stale = MessageFactory(recipient=member_a)
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        fresh = MessageFactory(recipient=member_a)
        with django_capture_on_commit_callbacks(execute=True):
            requeued = services.messages_requeue_stale()

    assert requeued == [stale.pk]
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Status.SENT
    assert fresh.status == Status.PENDING


def test_the_sweeper_takes_back_a_message_stuck_sending_after_a_worker_died(member_a, settings):
    with time_machine.travel(NOW, tick=False):
        stuck = MessageFactory(recipient=member_a, status=Status.SENDING, sending_started_at=NOW)
    later = NOW + timedelta(seconds=settings.MESSAGING_SENDING_STALE_AFTER + 1)

    with time_machine.travel(later, tick=False):
        assert services.messages_requeue_stale() == [stuck.pk]

    stuck.refresh_from_db()
    assert stuck.status == Status.PENDING


def test_the_sweeper_leaves_a_message_that_is_being_sent_now(member_a):
    with time_machine.travel(NOW, tick=False):
        MessageFactory(recipient=member_a, status=Status.SENDING, sending_started_at=NOW)
    with time_machine.travel(NOW + timedelta(minutes=4), tick=False):
        assert services.messages_requeue_stale() == []


def test_the_sweeper_leaves_a_message_waiting_for_its_retry(member_a):
    with time_machine.travel(NOW, tick=False):
        message = MessageFactory(recipient=member_a)
        services.message_retry_later(message_id=message.pk, delay_seconds=3600)
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        assert services.messages_requeue_stale() == []


def test_any_delivery_error_is_a_failed_attempt_with_the_true_error(member_a, smtp_server):
    # Django refuses a header with a line break (BadHeaderError, a ValueError, not a mail error).
    message = MessageFactory(recipient=member_a, subject="A workshop\nwith a line break")

    with pytest.raises(ValueError):
        services.message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("BadHeaderError:")
    assert smtp_server.received == []


def test_a_message_that_can_never_be_built_fails_after_its_retries(member_a, settings):
    message = MessageFactory(recipient=member_a, subject="A workshop\nwith a line break")

    message_deliver_task.apply(args=[message.pk])

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == settings.MESSAGING_MAX_RETRIES + 1
    assert message.last_error.startswith("BadHeaderError:")
    assert "worker stopped" not in message.last_error


def test_the_sweeper_fails_a_pending_message_whose_attempts_are_used_up(member_a, settings):
    attempts = settings.MESSAGING_MAX_RETRIES + 1
    with time_machine.travel(NOW, tick=False):
        message = MessageFactory(recipient=member_a, attempts=attempts, last_error="SMTP: 451")
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert services.messages_requeue_stale() == []

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.failed_at is not None
    assert message.last_error == "SMTP: 451"


def test_the_sweeper_fails_a_message_stuck_sending_on_its_last_attempt(member_a, settings):
    attempts = settings.MESSAGING_MAX_RETRIES + 1
    with time_machine.travel(NOW, tick=False):
        stuck = MessageFactory(
            recipient=member_a, status=Status.SENDING, sending_started_at=NOW, attempts=attempts
        )
    later = NOW + timedelta(seconds=settings.MESSAGING_SENDING_STALE_AFTER + 1)

    with time_machine.travel(later, tick=False):
        assert services.messages_requeue_stale() == []

    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED
    assert "worker stopped" in stuck.last_error


def test_the_sweeper_still_queues_a_message_with_attempts_left(member_a, settings):
    with time_machine.travel(NOW, tick=False):
        message = MessageFactory(recipient=member_a, attempts=settings.MESSAGING_MAX_RETRIES)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert services.messages_requeue_stale() == [message.pk]


def test_resending_a_failed_message_gives_it_a_fresh_set_of_attempts(member_a, settings):
    message = MessageFactory(
        recipient=member_a, status=Status.FAILED, attempts=settings.MESSAGING_MAX_RETRIES + 1
    )

    services.message_resend(message_ids=[message.pk])

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 0


def test_a_message_to_an_address_without_an_account_is_claimed_once(db):
    values = {
        "recipient": None,
        "to_email": "new.person@example.test",
        "kind": "invitation",
        "subject_key": "invitation:1",
        "category": Category.ESSENTIAL,
        "subject": "You are invited",
        "body": "Hello,",
    }

    first, created = services.message_claim(**values)
    again, created_again = services.message_claim(**values)

    assert created and not created_again
    assert again == first
    assert first.recipient is None
    assert first.to_email == "new.person@example.test"


def test_a_claimed_subject_is_one_line_whatever_it_was_built_from(member_a):
    message, _ = claim(member_a, subject="Workshop: Back pain\r\nand red flags ")

    assert message.subject == "Workshop: Back pain and red flags"
