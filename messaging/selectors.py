"""Reads for the messages page."""

from messaging.models import Message


def messages_for(*, user, limit: int = 200):
    """The messages sent (or being sent) to the user, newest first, in one query."""
    return (
        Message.objects.visible_to(user)
        .only("subject", "kind", "status", "created_at", "sent_at", "body", "recipient_id")
        .order_by("-created_at", "-pk")[:limit]
    )
