from django.urls import reverse

from messaging.models import Preference
from tests.messaging.factories import MessageFactory


def test_anonymous_is_sent_to_sign_in_from_the_messages_page(client, db):
    response = client.get(reverse("message_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_person_sees_only_the_messages_sent_to_them(
    login, member_a, member_b, django_assert_max_num_queries
):
    for number in range(8):
        MessageFactory(recipient=member_a, subject=f"For A {number}")
    MessageFactory(recipient=member_b, subject="For B")
    client = login(member_a)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("message_list"))

    assert response.status_code == 200
    assert response.content.decode().count("For A") == 8
    assert "For B" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in_from_a_message(client, member_a):
    message = MessageFactory(recipient=member_a)

    assert client.get(reverse("message_detail", args=[message.pk])).status_code == 302


def test_someone_else_gets_404_for_a_message_not_sent_to_them(login, member_a, member_b):
    message = MessageFactory(recipient=member_a)

    response = login(member_b).get(reverse("message_detail", args=[message.pk]))

    assert response.status_code == 404


def test_the_recipient_reads_their_message(login, member_a):
    message = MessageFactory(recipient=member_a, body="Enter your data.")

    response = login(member_a).get(reverse("message_detail", args=[message.pk]))

    assert response.status_code == 200
    assert "Enter your data." in response.content.decode()


def test_a_person_turns_digests_and_reminders_off_for_themselves(login, member_a):
    response = login(member_a).post(reverse("message_preferences"), {})

    assert response.status_code == 302
    preference = Preference.objects.get(user=member_a)
    assert not preference.digests and not preference.reminders


def test_anonymous_cannot_change_preferences(client, db):
    response = client.post(reverse("message_preferences"), {"digests": "on"})

    assert response.status_code == 302
    assert not Preference.objects.exists()
