from django.urls import reverse

from messaging.models import Status
from tests.messaging.factories import MessageFactory


def test_staff_resend_failed_messages_from_the_admin_and_they_go_out_again(
    login, staff, member_a, smtp_server, django_capture_on_commit_callbacks
):
    failed = MessageFactory(recipient=member_a, status=Status.FAILED, last_error="451")
    sent = MessageFactory(recipient=member_a, status=Status.SENT, sent_at=failed.created_at)
    staff.is_superuser = True
    staff.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff).post(
            reverse("admin:messaging_message_changelist"),
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
        )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert [m["Message-ID"] for m in smtp_server.received] == [failed.message_id]


def test_the_admin_lists_failed_messages(login, staff, member_a):
    MessageFactory(recipient=member_a, status=Status.FAILED, subject="Could not send")
    staff.is_superuser = True
    staff.save()

    response = login(staff).get(
        reverse("admin:messaging_message_changelist"), {"status__exact": "failed"}
    )

    assert response.status_code == 200
    assert "Could not send" in response.content.decode()
