"""Factories for the outbox."""

import factory

from messaging.models import Category, Message, message_id_for
from tests.practices.factories import UserFactory


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    subject_key = factory.Sequence(lambda n: f"thing:{n}")
    period = ""
    category = Category.REMINDER
    to_email = factory.LazyAttribute(lambda m: m.recipient.email)
    subject = "A test message"
    body = "Hello."
    message_id = factory.LazyAttribute(
        lambda m: message_id_for(
            recipient_id=m.recipient.pk, kind=m.kind, subject_key=m.subject_key, period=m.period
        )
    )
